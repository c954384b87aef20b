"""The encounter API and pages: idempotency keys, role-dependent detail, the phone form."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.models import Pathway
from deflect.encounters.models import Encounter
from deflect.encounters.services import encounter_create
from deflect.referrals.models import Disclosure
from deflect.referrals.tests.factories import consent_to

from .factories import submission

pytestmark = pytest.mark.django_db

CANARY = "CANARY-CLINICAL-7f3a"


def _post(client, data, **headers):
    return client.post(
        "/api/v1/encounters",
        data=json.dumps(data),
        content_type="application/json",
        headers=headers,
    )


def test_the_api_creates_once_per_idempotency_key(client, world):
    client.force_login(world.officer)
    key = str(uuid.uuid4())
    data = submission("naloxone_plus")
    data.pop("client_uuid")
    first = _post(client, data, **{"Idempotency-Key": key})
    again = _post(client, data, **{"Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["details"]["naloxone_doses_responder"] == 2
    changed = dict(data, outcome="declined")
    conflict = _post(client, changed, **{"Idempotency-Key": key})
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
    assert Encounter.objects.count() == 1


def test_a_submission_without_any_id_is_refused(client, world):
    client.force_login(world.officer)
    data = submission("self_referral")
    data.pop("client_uuid")
    response = _post(client, data)
    assert response.status_code == 422 and "client_uuid" in response.json()["fields"]


def test_validation_errors_name_the_fields(client, world):
    client.force_login(world.officer)
    data = submission("naloxone_plus", latitude="91", outcome="maybe")
    body = _post(client, data).json()
    assert body["code"] == "validation_error"
    assert "latitude" in body["fields"] and "outcome" in body["fields"]


def _with_needs(world):
    data = submission("first_responder_referral")
    data["needs"] = {
        "substances": ["fentanyl"],
        "oud_indicators": ["daily_opioid_use", "withdrawal_when_stopping"],
        "readiness": "ready_now",
        "housing": "unsheltered",
    }
    data["circumstance"] = "Met on patrol."
    encounter = encounter_create(actor=world.officer, data=data).encounter
    encounter.needs.notes = CANARY
    encounter.needs.reasons = [*encounter.needs.reasons, CANARY]
    encounter.needs.save()
    return encounter


@pytest.mark.parametrize("persona", ["officer", "coordinator"])
def test_law_enforcement_never_sees_clinical_answers(client, world, persona):
    """Both personas work at the police department: clinical data is withheld from them."""
    encounter = _with_needs(world)
    client.force_login(world.users[persona])
    api = client.get(f"/api/v1/encounters/{encounter.pk}")
    page = client.get(reverse("encounters:detail", args=[encounter.pk]))
    assert api.status_code == 200 and page.status_code == 200
    assert api.json()["needs"] is None and api.json()["clinical_withheld"] is True
    for body in (api.content.decode(), page.content.decode()):
        assert CANARY not in body and "fentanyl" not in body


def test_the_case_manager_sees_the_needs_screening_under_a_consent_covering_it(client, world):
    """The needs answers recorded by the police reach Harbor Behavioral Health's case manager
    only through the disclosure gate: a consent naming Harbor that covers screening results,
    a ledger row, and the §2.32 notice with them."""

    encounter = _with_needs(world)
    client.force_login(world.case_manager)
    body = client.get(f"/api/v1/encounters/{encounter.pk}").json()
    assert body["needs"] is None and "fentanyl" not in json.dumps(body)
    consent_to(encounter.person, world.agencies["health"], categories=["contact"])
    assert client.get(f"/api/v1/encounters/{encounter.pk}").json()["needs"] is None
    consent_to(encounter.person, world.agencies["health"], categories=["screening"])
    body = client.get(f"/api/v1/encounters/{encounter.pk}").json()
    assert body["needs"]["recommended_level_of_care"]
    assert "fentanyl" in body["needs"]["substances"]
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert 'data-testid="needs"' in page and "42 CFR part 2 prohibits" in page
    ledger = Disclosure.objects.filter(recipient_agency=world.agencies["health"])
    assert ledger.count() == 2 and ledger.first().categories == ["screening"]


def test_each_read_of_an_encounter_is_audited_once(client, world):
    encounter = encounter_create(actor=world.officer, data=submission("self_referral")).encounter
    client.force_login(world.case_manager)
    before = AuditEvent.objects.filter(action=Action.ENCOUNTER_READ).count()
    client.get(reverse("encounters:detail", args=[encounter.pk]))
    client.get(f"/api/v1/encounters/{encounter.pk}")
    reads = AuditEvent.objects.filter(action=Action.ENCOUNTER_READ, actor=world.case_manager)
    assert reads.count() == before + 2


def test_my_encounters_lists_only_mine_with_few_queries(
    client, world, django_assert_max_num_queries
):
    for _ in range(5):
        encounter_create(actor=world.officer, data=submission("self_referral"))
    encounter_create(actor=world.outreach, data=submission("active_outreach"))
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("encounters:list")).content.decode()
    assert page.count('data-encounter-id="') == 5


def _an_hour_ago() -> str:
    """A datetime-local value as the phone form sends it (the program's local time)."""
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _form_post(**overrides) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "pathway": "self_referral",
        "occurred_at": _an_hour_ago(),
        "location_text": "Station 3",
        "person_mode": "unidentified",
        "unidentified_description": "Woman in her 30s",
        "self_referral.station": "Fire Station 3",
        "self_referral.arrival_mode": "walk_in",
        "outcome": "referred",
    } | overrides


def test_a_reused_form_id_with_other_answers_comes_back_filled_in_under_a_new_id(client, world):
    client.force_login(world.officer)
    first = _form_post()
    assert client.post(reverse("encounters:new"), first).status_code == 302
    saved = Encounter.objects.get()
    changed = dict(first, outcome="declined", person_label="ignored")
    response = client.post(reverse("encounters:new"), changed)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"already saved as encounter #{saved.pk}" in page
    assert "Start a new form" in page
    fresh = response.context["client_uuid"]
    assert str(fresh) != first["client_uuid"]
    assert f'value="{fresh}"' in page and "Woman in her 30s" in page
    again = client.post(reverse("encounters:new"), dict(changed, client_uuid=str(fresh)))
    assert again.status_code == 302
    assert Encounter.objects.count() == 2
    assert Encounter.objects.get(client_uuid=fresh).outcome == "declined"


def test_another_users_form_id_is_refused_without_naming_their_encounter(client, world):
    post = _form_post()
    client.force_login(world.outreach)
    assert client.post(reverse("encounters:new"), post).status_code == 302
    client.force_login(world.officer)
    response = client.post(reverse("encounters:new"), post)
    assert response.status_code == 409
    assert "already saved with different answers" in response.content.decode()
    assert "#" + str(Encounter.objects.get().pk) not in response.content.decode()


def test_a_background_send_from_the_outbox_answers_with_the_id_and_reads_nothing(client, world):
    client.force_login(world.officer)
    post = _form_post(sent_from="outbox")
    first = client.post(reverse("encounters:new"), post)
    again = client.post(reverse("encounters:new"), post)
    encounter = Encounter.objects.get()
    assert (first.status_code, first["X-Encounter-Id"]) == (201, str(encounter.pk))
    assert (again.status_code, again["X-Encounter-Id"]) == (200, str(encounter.pk))
    assert not AuditEvent.objects.filter(action=Action.ENCOUNTER_READ).exists()
    assert AuditEvent.objects.filter(action=Action.ENCOUNTER_CREATE).count() == 1


def test_the_phone_form_posts_flat_fields_and_redirects(client, world):
    client.force_login(world.officer)
    form = client.get(reverse("encounters:new")).content.decode()
    assert 'name="client_uuid"' in form and 'data-pathway="naloxone_plus"' in form
    client_uuid = str(uuid.uuid4())
    post = {
        "client_uuid": client_uuid,
        "pathway": "self_referral",
        "occurred_at": _an_hour_ago(),
        "location_text": "Station 3",
        "person_mode": "unidentified",
        "unidentified_description": "Woman in her 30s",
        "new_person.first_name": "ignored because another mode is chosen",
        "self_referral.station": "Fire Station 3",
        "self_referral.arrival_mode": "walk_in",
        "self_referral.medical_check_done": "on",
        "outcome": "referred",
    }
    response = client.post(reverse("encounters:new"), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    encounter = Encounter.objects.get(client_uuid=client_uuid)
    assert encounter.self_referral.medical_check_done is True
    assert encounter.person.is_unidentified
    retry = client.post(reverse("encounters:new"), post)
    assert retry.status_code == 302 and Encounter.objects.count() == 1


def test_the_phone_form_shows_field_errors_and_keeps_the_input(client, world):
    client.force_login(world.officer)
    post = {
        "client_uuid": str(uuid.uuid4()),
        "pathway": "naloxone_plus",
        "occurred_at": _an_hour_ago(),
        "person_mode": "unidentified",
        "unidentified_description": "Man, grey hoodie",
        "outcome": "referred",
        "overdose.overdose_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "overdose.naloxone_response": "responded",
        "overdose.naloxone_doses_ems": "1",
    }
    response = client.post(reverse("encounters:new"), post)
    page = response.content.decode()
    assert response.status_code == 422
    assert "The overdose cannot be after the encounter." in page
    assert "Man, grey hoodie" in page and post["client_uuid"] in page
    assert not Encounter.objects.exists()


def test_the_error_summary_names_each_field_by_its_label_and_links_to_it(client, world):
    """Not ``overdose.overdose_at: Field required``: the label the form shows, linked to it."""
    client.force_login(world.officer)
    post = {
        "client_uuid": str(uuid.uuid4()),
        "pathway": "naloxone_plus",
        "occurred_at": _an_hour_ago(),
        "person_mode": "unidentified",
        "unidentified_description": "Man, grey hoodie",
        "outcome": "referred",
        "overdose.naloxone_response": "responded",
    }
    page = client.post(reverse("encounters:new"), post).content.decode()
    summary = page[page.index('id="error-summary"') : page.index('id="encounter-form"')]
    assert '<a href="#f-overdose-overdose-at">' in summary
    assert "overdose.overdose_at" not in summary and "<code>" not in summary
    assert 'id="f-overdose-overdose-at"' in page  # the link lands on the field


@pytest.mark.parametrize(
    "pathway,persona",
    [
        ("officer_intervention", "officer"),
        ("naloxone_plus", "outreach"),
        ("self_referral", "officer"),
        ("first_responder_referral", "officer"),
        ("active_outreach", "outreach"),
        ("community_response", "outreach"),
    ],
)
def test_the_answer_to_a_new_encounter_is_what_reading_it_back_shows(
    client, world, pathway, persona
):
    """The create answer is built from the rows just written; it must say exactly what a read
    of the same encounter says to the same responder (sections, offenses, screenings)."""
    client.force_login(world.users[persona])
    needs = {"substances": ["fentanyl"], "oud_indicators": ["daily_opioid_use"]}
    created = _post(client, submission(pathway, needs=needs))
    assert created.status_code == 201, created.content
    read = client.get(f"/api/v1/encounters/{created.json()['id']}")
    assert read.status_code == 200
    assert created.json() == read.json()
    assert created.json()["details"], "the pathway section is in the answer"
    if pathway == "officer_intervention":
        assert created.json()["details"]["offenses"][0]["statute"] == "CR 5-601"
        assert created.json()["eligibility"]["eligible"] is True
    if persona == "officer":  # police never see the needs (clinical) answers
        assert created.json()["needs"] is None and created.json()["clinical_withheld"] is True
    else:
        assert created.json()["needs"]["recommended_level_of_care"]


def test_the_phone_form_has_one_section_for_every_pathway(client, world):
    client.force_login(world.officer)
    form = client.get(reverse("encounters:new")).content.decode()
    for code in Pathway.values:
        assert form.count(f'data-pathway="{code}"') == 1, code
    assert 'name="officer_intervention.offenses.0.statute"' in form
    assert 'name="community_response.deescalation_outcome"' in form


def test_the_overdose_time_starts_as_the_encounter_time(client, world):
    client.force_login(world.outreach)
    page = client.get(reverse("encounters:new")).content.decode()
    value = r'name="{}" type="datetime-local" value="([^"]+)"'
    encounter_at = re.search(value.format("occurred_at"), page)
    overdose_at = re.search(value.format(r"overdose\.overdose_at"), page)
    assert encounter_at and overdose_at and overdose_at.group(1) == encounter_at.group(1)
