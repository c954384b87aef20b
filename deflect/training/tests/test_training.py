"""Training records, coverage per agency and shift, and refreshers due, from the database."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deflect.accounts.models import Role
from deflect.accounts.system import dangerously_as_system
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
        actor=dangerously_as_system("tests"),
        program=world.program,
        name="CIT",
        topic="cit_40",
        validity_months=36,
    )
    today = timezone.localdate()
    services.training_record(
        actor=dangerously_as_system("tests"),
        course=cit,
        user=patrol[0],
        completed_on=today - timedelta(days=365 * 3 - 20),
    )
    services.training_record(
        actor=dangerously_as_system("tests"), course=cit, user=world.officer, completed_on=today
    )
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
        actor=dangerously_as_system("tests"),
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
        actor=dangerously_as_system("tests"),
        program=world.program,
        name="Naloxone",
        topic="naloxone",
        validity_months=12,
    )
    record = services.training_record(
        actor=dangerously_as_system("tests"),
        course=course,
        user=world.officer,
        completed_on=date(2026, 1, 10),
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


def test_the_overview_page_flags_coverage_below_minimum_in_constant_queries(world, client):
    services.course_save(
        actor=dangerously_as_system("tests"),
        program=world.program,
        name="CIT",
        topic="cit_40",
        validity_months=None,
    )
    client.force_login(world.coordinator)
    url = reverse("training:overview", args=[world.program.pk])
    client.get(url)  # the first request also writes the session
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    assert page.status_code == 200
    assert "Below 80%" in page.content.decode()
    # Many more courses, staff, completions and shifts: the same number of queries.
    patrol = _officers(world, 6)
    for n in range(5):
        course = services.course_save(
            actor=dangerously_as_system("tests"),
            program=world.program,
            name=f"Course {n}",
            topic="other",
            validity_months=12,
        )
        for user in patrol:
            services.training_record(
                actor=dangerously_as_system("tests"),
                course=course,
                user=user,
                completed_on=timezone.localdate(),
            )
    for n in range(3):
        services.shift_save(
            actor=dangerously_as_system("tests"),
            program=world.program,
            agency=world.agencies["police"],
            name=f"S{n}",
            starts_at=time(n * 8),
            ends_at=time((n * 8 + 8) % 24),
            members=patrol,
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_coordinator_changes_a_courses_validity_on_the_page(world, client):
    course = services.course_save(
        actor=dangerously_as_system("tests"),
        program=world.program,
        name="Naloxone",
        topic="naloxone",
        validity_months=12,
    )
    record = services.training_record(
        actor=dangerously_as_system("tests"),
        course=course,
        user=world.officer,
        completed_on=date(2026, 1, 10),
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


def test_round_the_clock_cit_coverage_needs_every_hour_and_every_shift_staffed(world):
    cit = services.course_save(
        actor=dangerously_as_system("tests"),
        program=world.program,
        name="CIT",
        topic="cit_40",
        validity_months=None,
    )
    night = _officers(world, 1)[0]
    for user in (world.officer, night):
        services.training_record(
            actor=dangerously_as_system("tests"),
            course=cit,
            user=user,
            completed_on=timezone.localdate(),
        )
    police = world.agencies["police"]
    for name, start, end, members in (("Days", 7, 19, [world.officer]), ("Nights", 19, 7, [night])):
        services.shift_save(
            actor=dangerously_as_system("tests"),
            program=world.program,
            agency=police,
            name=name,
            starts_at=time(start),
            ends_at=time(end),
            members=members,
        )
    assert selectors.round_the_clock_report(world.program) == [
        {"agency": "Marlow City Police", "all_hours": True, "all_staffed": True, "covered": True}
    ]
    services.shift_save(
        actor=dangerously_as_system("tests"),
        program=world.program,
        agency=police,
        name="Nights",
        starts_at=time(19),
        ends_at=time(3),
        members=[],
    )
    (report,) = selectors.round_the_clock_report(world.program)
    assert (report["all_hours"], report["all_staffed"], report["covered"]) == (False, False, False)
