"""The disclosure gate: Part 2 information leaves its source agency only under a consent in
force that names the recipient agency and purpose and covers the kind of information; each
disclosure writes one ledger row and carries the §2.32 notice."""

import datetime as dt

import pytest
from django.utils import timezone

from deflect.access import disclosure
from deflect.access.disclosure import ATTENDANCE, COMPLIANCE, REFERRAL, disclose, redact
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.people.consent import consent_coverage
from deflect.people.models import Consent
from deflect.referrals.models import Disclosure
from deflect.referrals.notice import REDISCLOSURE_NOTICE
from deflect.referrals.tests.factories import consent_to, encounter_by, justice_consent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _consent(**kw) -> Consent:
    """An unsaved consent: the coverage decision is a pure function of its fields."""
    base = dict(
        pk=7,
        recipient_agency_id=3,
        purposes=["care_coordination"],
        information_categories=["contact"],
        patient_name="Jamie Rivera",
        discloser="Marlow Deflection",
        information="Contact details",
        recipient_name="Harbor",
        expires_on=dt.date(2026, 12, 31),
        revocation_statement="I may revoke it.",
        signature_name="Jamie Rivera",
        signed_at=NOW - dt.timedelta(days=1),
        attested_by_id=1,
    )
    return Consent(**{**base, **kw})


def test_a_consent_covering_only_contact_details_allows_no_treatment_information():
    decision = consent_coverage(
        [_consent()],
        recipient_agency_ids=[3],
        purposes=["care_coordination"],
        categories=[ATTENDANCE, REFERRAL],
        at=NOW,
    )
    assert not decision.allowed and "does not cover" in decision.reason


def test_a_consent_allows_only_the_kinds_it_covers_for_its_recipient_purpose_and_period():
    consent = _consent(information_categories=["contact", "referral"])
    ask = dict(purposes=["care_coordination"], categories=[ATTENDANCE, REFERRAL])
    decision = consent_coverage([consent], recipient_agency_ids=[3], at=NOW, **ask)
    assert decision.allowed and decision.categories == {REFERRAL}
    assert not consent_coverage([consent], recipient_agency_ids=[4], at=NOW, **ask).allowed
    assert not consent_coverage(
        [consent], recipient_agency_ids=[3], at=NOW, purposes=["treatment"], categories=[REFERRAL]
    ).allowed
    later = NOW.replace(year=2027)
    assert (
        "expired" in consent_coverage([consent], recipient_agency_ids=[3], at=later, **ask).reason
    )
    revoked = _consent(information_categories=["referral"], revoked_at=NOW - dt.timedelta(hours=1))
    assert "revoked" in consent_coverage([revoked], recipient_agency_ids=[3], at=NOW, **ask).reason


def test_redact_blanks_every_declared_field_whose_kind_was_not_granted():
    values = {"need": "x", "intake_note": "y", "provider_note": "z", "intake_at": NOW}
    out = redact("referrals.referral", values, {REFERRAL})
    assert out == {"need": "x", "intake_note": "", "provider_note": "", "intake_at": None}


def test_the_gate_writes_one_ledger_row_per_decision_with_the_notice(world):
    person = encounter_by(world.officer).person
    source = world.agencies["treatment"].pk
    ask = dict(person=person, source_agency_id=source, categories=[ATTENDANCE])
    refused = disclose(actor=world.case_manager, **ask)
    assert not refused.allowed and refused.disclosure is None and refused.notice == ""
    consent = consent_to(person, world.agencies["health"], categories=["attendance"])
    cache: dict = {}
    allowed = disclose(actor=world.case_manager, cache=cache, **ask)
    assert disclose(actor=world.case_manager, cache=cache, **ask) is allowed  # one per request
    assert allowed.granted == {ATTENDANCE} and allowed.notice == REDISCLOSURE_NOTICE
    row = Disclosure.objects.get()
    assert row.consent == consent and row.recipient_agency == world.agencies["health"]
    assert row.categories == [ATTENDANCE] and row.purpose == "care_coordination"
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE_RECORD).count() == 1
    assert disclosure.notice_of(cache) == REDISCLOSURE_NOTICE
    # Revocation takes effect on the next request.
    consent.revoked_at = timezone.now()
    consent.save()
    assert not disclose(actor=world.case_manager, **ask).allowed


def test_the_source_agency_sees_its_own_information_without_a_disclosure(world):
    person = encounter_by(world.officer).person
    decision = disclose(
        actor=world.case_manager,
        person=person,
        source_agency_id=world.agencies["health"].pk,
        categories=[ATTENDANCE],
    )
    assert decision.allowed and decision.disclosure is None and decision.notice == ""
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "coordinator", "prosecutor", "analyst"])
def test_law_enforcement_prosecutors_and_oversight_roles_never_pass_even_with_a_consent(
    world, persona
):
    person = encounter_by(world.officer).person
    for agency in world.agencies.values():
        consent_to(person, agency, categories=["referral", "attendance", "screening"])
    decision = disclose(
        actor=world.users[persona],
        person=person,
        source_agency_id=world.agencies["treatment"].pk,
        categories=[REFERRAL, ATTENDANCE],
    )
    assert not decision.allowed and not Disclosure.objects.exists()


def test_a_care_consent_does_not_give_the_prosecutor_compliance(world):
    """§2.35: only a consent for monitoring by the justice system that names the office."""
    person = encounter_by(world.officer).person
    ask = dict(
        person=person,
        source_agency_id=None,
        categories=[COMPLIANCE],
        purposes=[disclosure.JUSTICE_PURPOSE],
        capability="abeyance.status_view",
    )
    consent_to(person, world.agencies["prosecutor"], categories=["compliance"])
    assert not disclose(actor=world.prosecutor, **ask).allowed
    justice_consent(person, world.agencies["prosecutor"])
    decision = disclose(actor=world.prosecutor, **ask)
    assert decision.granted == {COMPLIANCE}
    assert Disclosure.objects.get().purpose == "justice_monitoring"
