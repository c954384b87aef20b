"""42 CFR §2.31 consent: a consent missing any element is not a consent, legal-proceedings
consent stands alone, and a disclosure is allowed only by a consent in force at that moment."""

import datetime as dt
import string

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from deflect.accounts.models import Role
from deflect.accounts.tests.factories import MembershipFactory, UserFactory
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict, ValidationFailed
from deflect.people.consent import (
    DEFAULT_REVOCATION_STATEMENT,
    REQUIRED_ELEMENTS,
    ConsentElements,
    consent_field_problems,
    consent_problems,
    without,
)
from deflect.people.models import ConsentPurpose, InformationCategory
from deflect.people.selectors import consent_allows
from deflect.people.services import consent_record, consent_revoke

from .factories import ConsentFactory

SIGNED = dt.datetime(2026, 5, 1, 14, 30, tzinfo=dt.UTC)

words = st.text(alphabet=string.ascii_letters + " .'-", min_size=1, max_size=60).filter(
    lambda t: t.strip()
)
ordinary_purposes = [p for p in ConsentPurpose.values if p != ConsentPurpose.LEGAL_PROCEEDINGS]


@st.composite
def complete_consents(draw) -> ConsentElements:
    legal = draw(st.booleans())
    purposes = (
        (ConsentPurpose.LEGAL_PROCEEDINGS,)
        if legal
        else tuple(draw(st.sets(st.sampled_from(ordinary_purposes), min_size=1)))
    )
    expiry_date = draw(st.one_of(st.none(), st.dates(SIGNED.date(), dt.date(2035, 1, 1))))
    return ConsentElements(
        patient_name=draw(words),
        discloser=draw(words),
        information="Referral status: " + draw(words),
        information_categories=tuple(
            draw(st.sets(st.sampled_from(InformationCategory.values), min_size=1))
        ),
        recipient_name=draw(words),
        recipient_agency_id=draw(st.one_of(st.none(), st.integers(1, 10_000))),
        purposes=purposes,
        expires_on=expiry_date,
        expiry_event=draw(words) if expiry_date is None else draw(st.just("") | words),
        revocation_statement=draw(st.just(DEFAULT_REVOCATION_STATEMENT) | words),
        signature_name=draw(words),
        signed_at=SIGNED,
        attested=True,
        attested_by_id=draw(st.integers(1, 10_000)),
    )


@settings(max_examples=150, deadline=None)
@given(complete_consents())
def test_a_consent_with_every_element_has_no_problems(elements):
    assert consent_problems(elements, now=SIGNED) == []


@settings(max_examples=300, deadline=None)
@given(complete_consents(), st.sets(st.sampled_from(list(REQUIRED_ELEMENTS)), min_size=1))
def test_dropping_any_element_makes_the_consent_invalid(elements, dropped):
    problems = consent_field_problems(without(elements, *dropped), now=SIGNED)
    assert problems
    for element in dropped:
        assert REQUIRED_ELEMENTS[element][0] in problems, element


@settings(max_examples=100, deadline=None)
@given(complete_consents(), st.sets(st.sampled_from(ordinary_purposes), min_size=1))
def test_legal_proceedings_consent_cannot_be_combined(elements, others):
    combined = ConsentElements(
        **{**elements.__dict__, "purposes": (ConsentPurpose.LEGAL_PROCEEDINGS, *others)}
    )
    assert any("legal proceedings" in p for p in consent_problems(combined, now=SIGNED))


def test_vague_descriptions_and_impossible_dates_are_problems():
    elements = ConsentElements(
        information="All records",
        expires_on=dt.date(2026, 4, 1),
        signed_at=SIGNED,
    )
    problems = consent_field_problems(elements, now=SIGNED - dt.timedelta(days=1))
    assert "not as 'all records'" in " ".join(problems["information"])
    assert "The expiry date is before the date of signing." in problems["expires_on"]
    assert "The date of signing is in the future." in problems["signed_at"]


# --- recording and revoking ---------------------------------------------------------------


def record(world, person, actor=None, **overrides):
    elements = {
        "discloser": "Marlow Deflection and its member agencies",
        "information_categories": [InformationCategory.REFERRAL],
        "purposes": [ConsentPurpose.TREATMENT],
        "recipient_agency": world.agencies["treatment"],
        "expires_on": timezone.localdate() + dt.timedelta(days=90),
        "revocation_statement": DEFAULT_REVOCATION_STATEMENT,
        "signature_name": "Robert Quinlan",
        "attested": True,
    }
    return consent_record(actor=actor or world.officer, person=person, **{**elements, **overrides})


@pytest.mark.django_db
def test_the_officer_records_bobbys_consent_on_the_phone(world, bobby):
    consent = record(world, bobby)
    assert consent.patient_name == "Robert Quinlan"
    assert consent.recipient_name == "Northside Recovery"
    assert consent.information == "Referral and intake status"
    assert consent.attested_by == world.officer
    event = AuditEvent.objects.get(action=Action.CONSENT_RECORD)
    assert event.extra["person_id"] == bobby.pk and "Quinlan" not in str(event.extra)


@pytest.mark.django_db
def test_without_the_attestation_or_signature_nothing_is_saved(world, bobby):
    with pytest.raises(ValidationFailed) as error:
        record(world, bobby, attested=False, signature_name=" ")
    assert {"attested", "signature_name"} <= set(error.value.fields)
    assert not bobby.consents.exists()


@pytest.mark.django_db
def test_a_legal_proceedings_consent_is_refused_when_combined(world, bobby):
    with pytest.raises(ValidationFailed) as error:
        record(world, bobby, purposes=[ConsentPurpose.LEGAL_PROCEEDINGS, ConsentPurpose.TREATMENT])
    assert "purposes" in error.value.fields
    alone = record(world, bobby, purposes=[ConsentPurpose.LEGAL_PROCEEDINGS])
    assert alone.purposes == [ConsentPurpose.LEGAL_PROCEEDINGS]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "prosecutor", "other_coordinator"])
def test_only_field_staff_of_the_program_record_consent(world, bobby, persona):
    with pytest.raises(PermissionDenied):
        record(world, bobby, actor=world.users[persona])


@pytest.mark.django_db
def test_revoking_needs_a_note_and_happens_once(world, treatment_consent):
    with pytest.raises(ValidationFailed):
        consent_revoke(actor=world.officer, consent=treatment_consent, note="  ")
    consent_revoke(actor=world.officer, consent=treatment_consent, note="Said so by phone")
    assert treatment_consent.revoked_by == world.officer
    with pytest.raises(Conflict):
        consent_revoke(actor=world.officer, consent=treatment_consent, note="Again")
    assert AuditEvent.objects.filter(action=Action.CONSENT_REVOKE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outreach", "case_manager"])
def test_another_agency_of_the_program_cannot_revoke_the_police_departments_consent(
    world, treatment_consent, persona
):
    """The consent was recorded by the city police (its officer attested it): the peer network
    and the behavioral health agency see it but may not revoke it."""
    with pytest.raises(PermissionDenied):
        consent_revoke(actor=world.users[persona], consent=treatment_consent, note="Asked to")
    treatment_consent.refresh_from_db()
    assert treatment_consent.revoked_at is None
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).latest("id")
    assert denial.extra["reason"] == "another agency's record"


@pytest.mark.django_db
def test_a_colleague_at_the_same_agency_may_revoke_it(world, treatment_consent):
    colleague = UserFactory(username="sergeant")
    MembershipFactory(user=colleague, agency=world.agencies["police"], role=Role.RESPONDER)
    consent_revoke(actor=colleague, consent=treatment_consent, note="Asked at the station")
    treatment_consent.refresh_from_db()
    assert treatment_consent.revoked_by == colleague


@pytest.mark.django_db
def test_the_neighbouring_county_cannot_revoke_our_consents(world, treatment_consent):
    with pytest.raises(PermissionDenied):
        consent_revoke(actor=world.other_coordinator, consent=treatment_consent, note="x")


# --- the disclosure decision -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_consent_in_force_allows_its_recipient_and_purpose(world, bobby, treatment_consent):
    decision = consent_allows(
        bobby, world.agencies["treatment"], ConsentPurpose.TREATMENT, timezone.now()
    )
    assert decision.allowed and decision.consent == treatment_consent


@pytest.mark.django_db
def test_the_wrong_recipient_is_refused(world, bobby, treatment_consent):
    decision = consent_allows(bobby, world.agencies["police"], "treatment", timezone.now())
    assert not decision.allowed and decision.consent is None
    assert decision.reason == "no consent names this recipient"


@pytest.mark.django_db
def test_the_wrong_purpose_is_refused(world, bobby, treatment_consent):
    decision = consent_allows(
        bobby, world.agencies["treatment"], ConsentPurpose.JUSTICE_MONITORING, timezone.now()
    )
    assert not decision.allowed
    assert decision.reason == "no consent for this recipient covers this purpose"


@pytest.mark.django_db
def test_an_expired_consent_is_refused_the_day_after(world, bobby):
    consent = ConsentFactory(
        person=bobby,
        recipient_agency=world.agencies["treatment"],
        signed_at=timezone.now() - dt.timedelta(days=40),
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    now = timezone.now()
    assert not consent_allows(bobby, consent.recipient_agency, "treatment", now).allowed
    last_day = now - dt.timedelta(days=1)
    assert consent_allows(bobby, consent.recipient_agency, "treatment", last_day).allowed
    assert "expired" in consent_allows(bobby, consent.recipient_agency, "treatment", now).reason


@pytest.mark.django_db
def test_an_expiry_event_consent_stays_in_force_until_revoked(world, bobby):
    consent = ConsentFactory(
        person=bobby,
        recipient_agency=world.agencies["treatment"],
        expires_on=None,
        expiry_event="when I leave the program",
    )
    years_later = timezone.now() + dt.timedelta(days=3 * 365)
    assert consent_allows(bobby, consent.recipient_agency, "treatment", years_later).allowed


@pytest.mark.django_db
def test_a_consent_is_not_in_force_before_it_is_signed(world, bobby, treatment_consent):
    before = treatment_consent.signed_at - dt.timedelta(minutes=1)
    decision = consent_allows(bobby, world.agencies["treatment"], "treatment", before)
    assert not decision.allowed and "signed" in decision.reason


@pytest.mark.django_db
def test_revocation_takes_effect_at_once_and_not_backwards(world, bobby, treatment_consent):
    recipient = world.agencies["treatment"]
    assert consent_allows(bobby, recipient, "treatment", timezone.now()).allowed
    consent_revoke(actor=world.officer, consent=treatment_consent, note="Asked to stop")
    decision = consent_allows(bobby, recipient, "treatment", timezone.now())
    assert not decision.allowed and "revoked" in decision.reason
    before = treatment_consent.revoked_at - dt.timedelta(seconds=1)
    assert consent_allows(bobby, recipient, "treatment", before).allowed


@pytest.mark.django_db
def test_a_combined_legal_proceedings_consent_never_allows_anything(world, bobby):
    """Such a consent cannot be recorded through the service; if one were in the table
    (an import, a hand edit) it still would not count."""
    ConsentFactory(
        person=bobby,
        recipient_agency=world.agencies["prosecutor"],
        purposes=[ConsentPurpose.LEGAL_PROCEEDINGS, ConsentPurpose.JUSTICE_MONITORING],
    )
    decision = consent_allows(
        bobby, world.agencies["prosecutor"], ConsentPurpose.LEGAL_PROCEEDINGS, timezone.now()
    )
    assert not decision.allowed and decision.reason == "the consent is incomplete"


@pytest.mark.django_db
def test_the_newest_consent_in_force_is_the_one_cited(world, bobby, treatment_consent):
    newer = ConsentFactory(
        person=bobby,
        recipient_agency=world.agencies["treatment"],
        signed_at=timezone.now() - dt.timedelta(minutes=5),
    )
    decision = consent_allows(bobby, world.agencies["treatment"], "treatment", timezone.now())
    assert decision.consent == newer
