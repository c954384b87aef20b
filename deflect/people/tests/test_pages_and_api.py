"""The people pages and API, as the officer, the coordinator and the neighbouring county's
coordinator use them."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.people.consent import DEFAULT_REVOCATION_STATEMENT
from deflect.people.models import Consent, Person
from deflect.people.selectors import (
    CONTACT,
    DEMOGRAPHICS,
    IDENTITY,
    consent_allows,
    person_field_groups,
)

from .factories import PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db


def audit_count(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


# --- search -----------------------------------------------------------------------------------


def test_the_search_page_updates_as_you_type(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("people:search")).content.decode()
    assert f'hx-get="{reverse("people:search-results")}"' in page
    assert 'hx-target="#person-results"' in page and "input delay:300ms" in page
    assert 'name="browse" value="on"' in page


def test_the_results_partial_offers_use_this_person_to_other_pages(client, world, bobby):
    client.force_login(world.officer)
    response = client.get(
        reverse("people:search-results"), {"first_name": "Bobby", "last_name": "Quinlan"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert f'data-person-id="{bobby.pk}"' in html and 'data-person-name="Robert Quinlan"' in html
    assert "Use this person" in html
    assert "Bobby is a nickname of Robert" in html and "Likely match" in html
    assert "(614) 555-0142" in html  # the officer works with people: contact details show


def test_on_the_search_page_results_link_to_the_record(client, world, bobby):
    client.force_login(world.coordinator)
    html = client.get(
        reverse("people:search"), {"last_name": "Quinlan", "browse": "on"}
    ).content.decode()
    assert reverse("people:detail", args=[bobby.pk]) in html
    assert "Use this person" not in html
    assert "555-0142" not in html  # the coordinator sees who, not how to reach them
    assert audit_count(Action.PERSON_SEARCH) == 1


def test_the_neighbouring_coordinator_finds_no_one_of_ours(client, world, bobby):
    client.force_login(world.other_coordinator)
    html = client.get(reverse("people:search-results"), {"last_name": "Quinlan"}).content.decode()
    assert "Quinlan" not in html and "No one matches" in html


def test_the_api_search_returns_scores_reasons_and_only_permitted_fields(client, world, bobby):
    client.force_login(world.officer)
    found = client.get("/api/v1/people/search", {"first_name": "Shorty"}).json()
    assert found[0]["person"]["id"] == bobby.pk
    assert found[0]["reasons"][0] == "alias 'Shorty'"
    assert found[0]["likely"] is True and 0 < found[0]["score"] <= 100
    assert found[0]["person"]["contact"]["phone"] == "(614) 555-0142"
    client.force_login(world.coordinator)
    found = client.get("/api/v1/people/search", {"phone": "6145550142"}).json()
    assert found[0]["person"]["contact"] is None and found[0]["person"]["demographics"] is None


# Who sees a person's contact details and demographics: the roles that work with people.
DETAILS_BY_PERSONA = {
    "officer": True,
    "outreach": True,
    "case_manager": True,
    "coordinator": False,
    "analyst": False,
    "dispatcher": False,
    "provider": False,
    "prosecutor": False,
    "admin": False,
}


@pytest.mark.parametrize("persona", sorted(DETAILS_BY_PERSONA))
def test_contact_details_and_demographics_show_only_to_the_roles_that_work_with_people(
    client, world, bobby, persona
):
    groups = person_field_groups(actor=world.users[persona], people=[bobby])[bobby.pk]
    expected = {IDENTITY, CONTACT, DEMOGRAPHICS} if DETAILS_BY_PERSONA[persona] else {IDENTITY}
    assert groups == expected
    client.force_login(world.users[persona])
    response = client.get(f"/api/v1/people/{bobby.pk}")
    if response.status_code == 200:  # roles that may see people at all
        shown = response.json()["contact"]
        assert (shown is not None and shown["phone"] == "(614) 555-0142") is (
            DETAILS_BY_PERSONA[persona]
        )
    else:
        assert response.status_code in (403, 404) and not DETAILS_BY_PERSONA[persona]


def test_the_api_search_takes_a_bounded_number_of_queries(
    client, world, bobby, django_assert_max_num_queries
):
    for person in PersonFactory.create_batch(12, program=world.program, last_name="Quinlan"):
        PersonAliasFactory(person=person, first_name="Red")
    client.force_login(world.officer)
    client.get("/api/v1/people/search", {"last_name": "Quinlan"})  # warm the session
    with django_assert_max_num_queries(25):
        response = client.get("/api/v1/people/search", {"last_name": "Quinlan"})
    assert len(response.json()) == 10


def test_a_bad_date_in_the_api_search_is_a_validation_error(client, world):
    client.force_login(world.officer)
    response = client.get("/api/v1/people/search", {"date_of_birth": "1986-13-45"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


# --- a person's record ------------------------------------------------------------------------


def test_opening_a_record_is_one_audited_read(client, world, bobby, treatment_consent):
    client.force_login(world.officer)  # whose agency recorded the consent, so may revoke it
    before = AuditEvent.objects.count()
    html = client.get(reverse("people:detail", args=[bobby.pk])).content.decode()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == Action.PERSON_READ
    assert "Shorty" in html and "Northside Recovery" in html and "In force" in html
    assert "Record a consent" in html and "Revoke this consent" in html


def test_the_coordinator_sees_the_record_but_not_the_consent_form(client, world, bobby):
    client.force_login(world.coordinator)
    html = client.get(reverse("people:detail", args=[bobby.pk])).content.decode()
    assert "Robert Quinlan" in html
    assert "Record a consent" not in html and "555-0142" not in html


def test_the_api_record_includes_consents_and_is_audited_once(
    client, world, bobby, treatment_consent
):
    client.force_login(world.officer)
    before = AuditEvent.objects.count()
    body = client.get(f"/api/v1/people/{bobby.pk}").json()
    assert AuditEvent.objects.count() == before + 1
    assert body["aliases"] == [
        {"id": bobby.aliases.get().pk, "first_name": "Shorty", "last_name": ""}
    ]
    assert body["consents"][0]["id"] == treatment_consent.pk
    assert body["consents"][0]["in_force"] is True


# --- recording people ---------------------------------------------------------------------------


def test_the_officer_records_a_person_on_the_web(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("people:new"),
        {
            "program": world.program.pk,
            "first_name": "Dana",
            "last_name": "Whitfield",
            "date_of_birth": "1991-02-03",
            "phone": "614 555 0100",
            "race": "declined",
            "ethnicity": "unknown",
            "gender": "woman",
            "insurance": "medicaid",
            "preferred_language": "en",
        },
    )
    person = Person.objects.get(last_name="Whitfield")
    assert response.status_code == 302 and response.url == reverse(
        "people:detail", args=[person.pk]
    )
    assert person.agency == world.agencies["police"] and person.race == "declined"


def test_a_future_birth_date_is_explained_and_nothing_saved(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("people:new"),
        {
            "program": world.program.pk,
            "first_name": "Dana",
            "date_of_birth": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "race": "unknown",
            "ethnicity": "unknown",
            "gender": "unknown",
            "insurance": "unknown",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 422
    assert "Cannot be in the future." in response.content.decode()
    assert not Person.objects.exists()


def test_the_api_records_a_person_in_the_officers_only_program(client, world):
    client.force_login(world.officer)
    response = post_json(
        client, "/api/v1/people", {"first_name": "Bill", "last_name": "Jonson", "phone": "x"}
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"phone": ["Enter a phone number of 7 to 15 digits."]}
    response = post_json(client, "/api/v1/people", {"first_name": "Bill", "last_name": "Jonson"})
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert person.program == world.program and person.agency == world.agencies["police"]
    found = client.get("/api/v1/people/search", {"first_name": "William", "last_name": "Johnson"})
    assert found.json()[0]["person"]["id"] == person.pk


# --- consents -----------------------------------------------------------------------------------


def consent_post(world, **overrides):
    return {
        "information_categories": ["referral"],
        "recipient_agency": world.agencies["treatment"].pk,
        "purposes": ["treatment"],
        "discloser": "Marlow Deflection and its member agencies",
        "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "revocation_statement": DEFAULT_REVOCATION_STATEMENT,
        "signature_name": "Robert Quinlan",
        "attested": "on",
        **overrides,
    }


def test_the_officer_records_a_consent_on_the_phone_form(client, world, bobby):
    client.force_login(world.officer)
    response = client.post(reverse("people:consent-create", args=[bobby.pk]), consent_post(world))
    assert response.status_code == 302
    consent = Consent.objects.get(person=bobby)
    assert consent.attested_by == world.officer and consent.signature_name == "Robert Quinlan"


def test_an_incomplete_consent_form_comes_back_with_every_problem(client, world, bobby):
    client.force_login(world.officer)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("people:consent-create", args=[bobby.pk]),
        consent_post(world, signature_name="", attested="", purposes=[], expires_on=""),
    )
    html = response.content.decode()
    assert response.status_code == 422 and not Consent.objects.exists()
    assert "The signature (the person&#x27;s typed name) is missing." in html
    assert "attestation is missing" in html and "The purpose of the disclosure is missing." in html
    assert "An expiry date or an expiry event is missing." in html
    assert AuditEvent.objects.count() == before + 1  # the page shows the record: one read


def test_revoking_on_the_web_stops_disclosure_at_once(client, world, bobby, treatment_consent):
    client.force_login(world.officer)
    url = reverse("people:consent-revoke", args=[bobby.pk, treatment_consent.pk])
    response = client.post(url, {"note": "Told me at the shelter"})
    assert response.status_code == 302
    decision = consent_allows(bobby, world.agencies["treatment"], "treatment", timezone.now())
    assert not decision.allowed


def test_a_consent_of_another_person_is_not_found_under_this_one(
    client, world, bobby, treatment_consent
):
    other = PersonFactory(program=world.program)
    client.force_login(world.officer)
    url = f"/api/v1/people/{other.pk}/consents/{treatment_consent.pk}/revoke"
    response = post_json(client, url, {"note": "x"})
    assert response.status_code == 404
    treatment_consent.refresh_from_db()
    assert treatment_consent.revoked_at is None


def test_the_api_lists_every_missing_element_of_a_consent(client, world, bobby):
    client.force_login(world.officer)
    response = post_json(client, f"/api/v1/people/{bobby.pk}/consents", {"attested": False})
    assert response.status_code == 422
    assert set(response.json()["fields"]) >= {
        "discloser",
        "information",
        "information_categories",
        "recipient_name",
        "purposes",
        "expires_on",
        "revocation_statement",
        "signature_name",
        "attested",
    }


def test_the_api_revokes_once(client, world, bobby, treatment_consent):
    client.force_login(world.officer)
    url = f"/api/v1/people/{bobby.pk}/consents/{treatment_consent.pk}/revoke"
    first = post_json(client, url, {"note": "By phone"})
    assert first.status_code == 200 and first.json()["in_force"] is False
    assert post_json(client, url, {"note": "Again"}).status_code == 409


def test_an_unknown_recipient_agency_is_refused(client, world, bobby):
    client.force_login(world.officer)
    body = {
        "discloser": "Marlow Deflection",
        "information_categories": ["referral"],
        "recipient_agency_id": world.agencies["other_police"].pk,
        "purposes": ["treatment"],
        "expiry_event": "end of program",
        "revocation_statement": DEFAULT_REVOCATION_STATEMENT,
        "signature_name": "Robert Quinlan",
        "attested": True,
    }
    response = post_json(client, f"/api/v1/people/{bobby.pk}/consents", body)
    assert response.status_code == 422
    assert response.json()["fields"] == {"recipient_agency_id": ["No such agency."]}
