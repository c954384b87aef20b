"""A referral resubmitted under the same client key is made once; the same key with other
content is refused with 409 (web and API), never silently answered with the first referral."""

import json
import uuid

import pytest
from django.urls import reverse

from deflect.referrals.models import Referral
from deflect.referrals.tests.matrix_rows import _form

from .factories import referral_ready, service_for

pytestmark = pytest.mark.django_db


def _post(client, body, key):
    return client.post(
        "/api/v1/referrals",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": str(key)},
    )


def test_the_same_key_and_content_again_answers_the_first_referral(client, world):
    encounter, service, _ = referral_ready(world)
    body = {"person_id": encounter.person_id, "service_id": str(service.pk), "need": "Detox bed"}
    key = uuid.uuid4()
    client.force_login(world.officer)
    first = _post(client, body, key)
    again = _post(client, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"need": "A shelter bed"},
        {"level_of_care": "outpatient"},
        {"handoff": "in_person"},
        {"response_due_minutes": 30},
        {"encounter_id": None},
    ],
)
def test_the_same_key_with_other_content_is_a_conflict(client, world, change):
    encounter, service, _ = referral_ready(world)
    body = {
        "person_id": encounter.person_id,
        "service_id": str(service.pk),
        "need": "Detox bed",
        "encounter_id": encounter.pk,
    }
    key = uuid.uuid4()
    client.force_login(world.officer)
    assert _post(client, body, key).status_code == 201
    response = _post(client, body | change, key)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "client_uuid" in response.json()["fields"]
    referral = Referral.objects.get()
    assert referral.need == "Detox bed" and referral.encounter_id == encounter.pk


def test_another_service_under_the_same_key_is_a_conflict_too(client, world):
    encounter, service, _ = referral_ready(world)
    other = service_for(world.agencies["treatment"], "Residential intake")
    body = {"person_id": encounter.person_id, "service_id": str(service.pk), "need": "Detox bed"}
    key = uuid.uuid4()
    client.force_login(world.officer)
    assert _post(client, body, key).status_code == 201
    assert _post(client, body | {"service_id": str(other.pk)}, key).status_code == 409


def test_the_web_form_resent_with_other_answers_is_a_conflict_and_gets_a_new_id(client, world):
    form = _form(world)
    client.force_login(world.officer)
    first = client.post(reverse("referrals:new"), form)
    assert first.status_code == 302
    response = client.post(reverse("referrals:new"), form | {"need": "Something else"})
    assert response.status_code == 409
    assert "already used" in response.content.decode()
    assert response.context["form"].data["client_uuid"] != form["client_uuid"]
    assert Referral.objects.count() == 1
    # The same answers again are a replay: back to the referral already sent.
    replay = client.post(reverse("referrals:new"), form)
    assert replay.status_code == 302 and Referral.objects.count() == 1
