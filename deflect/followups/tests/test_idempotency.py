"""An attempt resubmitted under the same client key is logged once; the same key with other
content is refused with 409 (web and API), never silently dropped."""

import json
import uuid

import pytest
from django.urls import reverse

from deflect.followups import services
from deflect.followups.models import FollowUp, FollowUpAttempt
from deflect.referrals.tests.factories import encounter_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def followup(world):
    services.team_ensure(program=world.program, name="QRT North", members=[world.outreach])
    encounter = encounter_by(world.officer, "naloxone_plus")
    return FollowUp.objects.get(encounter=encounter, step=0)


def _post(client, followup, body):
    return client.post(
        f"/api/v1/followups/{followup.pk}/attempts",
        data=json.dumps(body),
        content_type="application/json",
    )


BODY = {"method": "home_visit", "result": "not_found", "team_composition": ["peer"], "note": ""}


def test_the_same_attempt_again_is_a_replay(client, world, followup):
    client.force_login(world.outreach)
    body = BODY | {"client_uuid": str(uuid.uuid4())}
    first = _post(client, followup, body)
    again = _post(client, followup, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert FollowUpAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"result": "contacted"},
        {"method": "phone"},
        {"team_composition": ["peer", "clinician"]},
        {"note": "Left a card at the door"},
    ],
)
def test_the_same_key_with_other_content_is_a_conflict(client, world, followup, change):
    client.force_login(world.outreach)
    body = BODY | {"client_uuid": str(uuid.uuid4())}
    assert _post(client, followup, body).status_code == 201
    response = _post(client, followup, body | change)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "client_uuid" in response.json()["fields"]
    attempt = FollowUpAttempt.objects.get()
    assert (attempt.method, attempt.result) == ("home_visit", "not_found")
    followup.refresh_from_db()
    assert followup.status == "open"  # the dropped "contacted" never closed it


def test_the_web_form_resent_with_other_answers_is_a_conflict(client, world, followup):
    client.force_login(world.outreach)
    url = reverse("followups:attempt-add", args=[followup.pk])
    form = {"method": "home_visit", "result": "not_found", "client_uuid": str(uuid.uuid4())}
    assert client.post(url, form).status_code == 302
    response = client.post(url, form | {"result": "contacted"})
    assert response.status_code == 409
    assert str(response.context["client_uuid"]) != form["client_uuid"]
    assert FollowUpAttempt.objects.count() == 1
