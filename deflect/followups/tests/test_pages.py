"""The queue page, the policies page and the referral list: what they show, bad input, and
query counts that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deflect.followups.models import FollowUpPolicy
from deflect.followups.services import team_ensure
from deflect.referrals.tests.factories import encounter_by, send_referral

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_page_costs_the_same_queries_for_1_or_5_overdoses(client, world):
    team = team_ensure(program=world.program, name="QRT", members=[world.outreach])
    client.force_login(world.outreach)
    encounter_by(world.officer, "naloxone_plus")
    url = reverse("followups:queue") + f"?team={team.pk}"
    one = _queries(client, url)
    for _ in range(4):
        encounter_by(world.officer, "naloxone_plus")
    assert _queries(client, url) == one
    page = client.get(url).content.decode()
    assert "QRT" in page and "First attempt" in page


def test_the_referral_list_api_costs_the_same_queries_for_1_or_4_referrals(client, world):
    client.force_login(world.case_manager)
    send_referral(world)
    one = _queries(client, "/api/v1/referrals")
    for _ in range(3):
        send_referral(world)
    assert _queries(client, "/api/v1/referrals") == one
    assert len(client.get("/api/v1/referrals").json()) == 4


def test_a_bad_schedule_is_refused_with_the_field_named(client, world):
    client.force_login(world.coordinator)
    url = reverse("followups:policies", args=[world.program.pk])
    response = client.post(
        url,
        {
            "trigger": "nonfatal_overdose",
            "steps-0-label": "Visit",
            "steps-0-offset": "soon",
            "steps-0-window": "24",
        },
    )
    assert response.status_code == 422 and "steps.0.offset" in response.content.decode()
    response = client.post(
        url,
        {
            "trigger": "nonfatal_overdose",
            "steps-0-label": "Visit",
            "steps-0-offset": "0",
            "steps-0-window": "0",
        },
    )
    assert response.status_code == 422 and "steps.0.window" in response.content.decode()
    assert not FollowUpPolicy.objects.exists()


def test_the_coordinator_edits_a_schedule_row_by_row(client, world):
    team = team_ensure(program=world.program, name="QRT")
    client.force_login(world.coordinator)
    url = reverse("followups:policies", args=[world.program.pk])
    page = client.get(url).content.decode()
    assert 'value="Contact within the recovery window"' in page
    response = client.post(
        url,
        {
            "trigger": "nonfatal_overdose",
            "time_zone": "America/Denver",
            "team_id": str(team.pk),
            "steps-0-label": "Home visit",
            "steps-0-offset": "0",
            "steps-0-window": "12",
            "steps-0-unit": "hours",
            "steps-0-contact_required": "on",
            "steps-1-label": "",
            "steps-1-offset": "3",
            "steps-2-label": "Week 2",
            "steps-2-offset": "14",
            "steps-2-window": "1",
            "steps-2-unit": "days",
        },
    )
    assert response.status_code == 302
    policy = FollowUpPolicy.objects.get()
    assert policy.time_zone == "America/Denver" and policy.team == team
    assert policy.steps == [
        {
            "label": "Home visit",
            "offset": 0,
            "window": 12,
            "unit": "hours",
            "contact_required": True,
        },
        {"label": "Week 2", "offset": 14, "window": 1, "unit": "days", "contact_required": False},
    ]


def test_the_encounter_page_offers_the_next_steps_to_those_who_may_take_them(client, world):
    encounter = encounter_by(world.officer, "naloxone_plus")
    url = reverse("encounters:detail", args=[encounter.pk])
    client.force_login(world.officer)
    page = client.get(url).content.decode()
    assert "Refer to a service" in page and "Enroll in the program" not in page
    client.force_login(world.case_manager)
    page = client.get(url).content.decode()
    assert "Refer to a service" in page and "Enroll in the program" in page


def test_the_person_page_links_to_referrals_timeline_and_disclosures(client, world):
    person = encounter_by(world.officer).person
    client.force_login(world.case_manager)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    for text in ("Refer to a service", "Enroll in the program", "Timeline", "Accounting of"):
        assert text in page
