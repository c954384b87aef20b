"""Training records, coverage per agency and shift, and refreshers due, from the database."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from deflect.accounts.models import Role
from deflect.accounts.tests.factories import MembershipFactory, UserFactory
from deflect.core.errors import ValidationFailed
from deflect.training import selectors, services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _officers(world, n):
    users = []
    for i in range(n):
        user = UserFactory(username=f"patrol{i}")
        MembershipFactory(user=user, agency=world.agencies["police"], role=Role.RESPONDER)
        users.append(user)
    return users


def test_coverage_counts_sworn_officers_and_dispatchers_per_agency(world):
    patrol = _officers(world, 3)  # with the shared officer: 4 sworn officers at the police
    cit = services.course_save(
        actor=world.coordinator,
        program=world.program,
        name="CIT",
        topic="cit_40",
        validity_months=None,
    )
    narcan = services.course_save(
        actor=world.coordinator,
        program=world.program,
        name="Naloxone",
        topic="naloxone",
        validity_months=24,
    )
    today = timezone.localdate()
    for user in [world.officer, *patrol[:2]]:
        services.training_record(actor=world.coordinator, course=cit, user=user, completed_on=today)
    # An expired naloxone completion does not count.
    services.training_record(
        actor=world.coordinator,
        course=narcan,
        user=world.officer,
        completed_on=today - timedelta(days=800),
    )
    services.training_record(
        actor=world.coordinator, course=narcan, user=world.dispatcher, completed_on=today
    )
    services.training_policy_update(
        actor=world.coordinator,
        program=world.program,
        min_officer_share=80,
        min_dispatcher_share=100,
        min_cit_per_shift=1,
    )
    rows = {(r.agency, r.group, r.course): r for r in selectors.coverage_report(world.program)}
    police_cit = rows[("Marlow City Police", "officers", "CIT")]
    assert (police_cit.trained, police_cit.staff, police_cit.share) == (3, 4, 75.0)
    assert police_cit.below_minimum
    assert rows[("Marlow City Police", "officers", "Naloxone")].trained == 0
    sheriff = rows[("Marlow Sheriff", "dispatchers", "Naloxone")]
    assert (sheriff.trained, sheriff.staff, sheriff.below_minimum) == (1, 1, False)
    # The coordinator is at the police but not a sworn officer; treatment staff are nobody's.
    assert all(r.agency != "Northside Recovery" for r in rows.values())


def test_cit_coverage_per_shift_and_refreshers_due(world):
    patrol = _officers(world, 2)
    cit = services.course_save(
        actor=None, program=world.program, name="CIT", topic="cit_40", validity_months=36
    )
    today = timezone.localdate()
    services.training_record(
        actor=None, course=cit, user=patrol[0], completed_on=today - timedelta(days=365 * 3 - 20)
    )
    services.training_record(actor=None, course=cit, user=world.officer, completed_on=today)
    police = world.agencies["police"]
    services.shift_save(
        actor=world.coordinator,
        program=world.program,
        agency=police,
        name="Days",
        starts_at=time(7),
        ends_at=time(15),
        members=[world.officer, patrol[1]],
    )
    services.shift_save(
        actor=world.coordinator,
        program=world.program,
        agency=police,
        name="Nights",
        starts_at=time(23),
        ends_at=time(7),
        members=[patrol[1]],
    )
    shifts = {s.shift.split(" · ")[1]: s for s in selectors.shift_report(world.program)}
    assert (shifts["Days"].cit_trained, shifts["Days"].below_minimum) == (1, False)
    assert (shifts["Nights"].cit_trained, shifts["Nights"].below_minimum) == (0, True)
    due = selectors.refreshers_due(world.program)
    assert [(d["user_id"], d["expired"]) for d in due] == [(patrol[0].pk, False)]


def test_a_record_needs_a_programme_staff_member_and_a_past_date(world):
    course = services.course_save(
        actor=None,
        program=world.program,
        name="MI",
        topic="motivational_interviewing",
        validity_months=None,
    )
    with pytest.raises(ValidationFailed) as error:
        services.training_record(
            actor=world.coordinator,
            course=course,
            user=world.other_officer,
            completed_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(error.value.fields) == {"user", "completed_on"}
    with pytest.raises(PermissionDenied):
        services.training_record(
            actor=world.officer, course=course, user=world.officer, completed_on=date(2026, 1, 1)
        )


def test_changing_a_courses_validity_re_dates_its_records(world):
    course = services.course_save(
        actor=None, program=world.program, name="Naloxone", topic="naloxone", validity_months=12
    )
    record = services.training_record(
        actor=None, course=course, user=world.officer, completed_on=date(2026, 1, 10)
    )
    assert record.expires_on == date(2027, 1, 9)
    services.course_save(
        actor=world.coordinator,
        program=world.program,
        name="Naloxone",
        topic="naloxone",
        validity_months=24,
        course=course,
    )
    record.refresh_from_db()
    assert record.expires_on == date(2028, 1, 9)


def test_the_overview_page_flags_coverage_below_minimum(
    world, client, django_assert_max_num_queries
):
    services.course_save(
        actor=None, program=world.program, name="CIT", topic="cit_40", validity_months=None
    )
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("training:overview", args=[world.program.pk]))
    assert page.status_code == 200
    assert "Below 80%" in page.content.decode()


def test_the_coordinator_changes_a_courses_validity_on_the_page(world, client):
    course = services.course_save(
        actor=None, program=world.program, name="Naloxone", topic="naloxone", validity_months=12
    )
    record = services.training_record(
        actor=None, course=course, user=world.officer, completed_on=date(2026, 1, 10)
    )
    client.force_login(world.coordinator)
    response = client.post(
        reverse("training:save", args=[world.program.pk, "course"]),
        {
            "course-id": course.pk,
            "course-name": "Naloxone",
            "course-topic": "naloxone",
            "course-validity_months": "",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.expires_on is None  # the course no longer expires
