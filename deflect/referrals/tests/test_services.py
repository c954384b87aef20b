"""Stories about sending a referral under consent and closing its loop with the provider."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import InvalidTransition, ValidationFailed
from deflect.followups.models import FollowUp
from deflect.people.models import InformationCategory
from deflect.referrals import selectors, services
from deflect.referrals.models import Disclosure, ReferralEvent, ReferralStatus
from deflect.referrals.notice import REDISCLOSURE_NOTICE

from .factories import consent_to, referral_ready, send_referral, service_for

pytestmark = pytest.mark.django_db


def _create(world, encounter, service, **kw):
    return services.referral_create(
        actor=world.officer,
        person_id=encounter.person_id,
        service_id=service.pk,
        need="Detox bed",
        encounter_id=encounter.pk,
        **kw,
    )


def test_sending_discloses_the_minimum_under_consent_and_writes_the_ledger(world):
    referral = send_referral(world)
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.sent_at and referral.response_due_at == referral.sent_at + dt.timedelta(hours=2)
    packet = referral.disclosed
    assert packet["person"]["name"] == "Jamie Rivera"
    assert packet["person"]["phone"] == "(410) 555-0142"
    assert packet["level_of_care"] == "opioid_treatment_program"
    assert packet["notice"] == REDISCLOSURE_NOTICE
    assert "42 CFR part 2" in packet["notice"]
    assert packet["consent"]["id"] == referral.consent_id
    assert "Called by a bystander" not in str(packet)  # never the police narrative
    ledger = Disclosure.objects.get(referral=referral)
    assert ledger.recipient_agency == world.agencies["treatment"]
    assert ledger.consent_id == referral.consent_id
    assert set(ledger.categories) == {"referral", "contact", "screening"}
    assert ledger.notice == REDISCLOSURE_NOTICE
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE_RECORD).count() == 1
    assert list(
        ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True)
    ) == ["draft", "requested"]


def test_without_contact_consent_the_provider_gets_no_phone(world):
    encounter, service, consent = referral_ready(world)
    consent.information_categories = [InformationCategory.REFERRAL]
    consent.save()
    referral = _create(world, encounter, service, level_of_care="outpatient").referral
    assert "phone" not in referral.disclosed["person"]
    assert "level_of_care" not in referral.disclosed
    assert Disclosure.objects.get().categories == ["referral"]


@pytest.mark.parametrize(
    "problem", ["none", "expired", "revoked", "wrong_recipient", "no_referral_category"]
)
def test_the_consent_gate_refuses_and_nothing_is_sent(world, problem):
    encounter, service, consent = referral_ready(world)
    if problem == "none":
        consent.delete()
    elif problem == "expired":
        consent.expires_on = timezone.localdate() - dt.timedelta(days=1)
        consent.signed_at = timezone.now() - dt.timedelta(days=30)
        consent.save()
    elif problem == "revoked":
        consent.revoked_at = timezone.now() - dt.timedelta(minutes=1)
        consent.save()
    elif problem == "wrong_recipient":
        consent.recipient_agency = world.agencies["health"]
        consent.save()
    else:
        consent.information_categories = [InformationCategory.ATTENDANCE]
        consent.save()
    with pytest.raises(services.ConsentRequired):
        _create(world, encounter, service)
    assert not Disclosure.objects.exists()
    # The draft is kept (made in its own transaction) but never reached the provider.
    assert not selectors.inbound_list_for(actor=world.provider)


def test_revocation_takes_effect_on_the_next_send(world):
    encounter, service, consent = referral_ready(world)
    draft = _create(world, encounter, service, send=False).referral
    consent.revoked_at = timezone.now()
    consent.save()
    with pytest.raises(services.ConsentRequired):
        services.referral_transition(actor=world.officer, referral=draft, to="requested")


def test_the_same_client_uuid_makes_one_referral(world):
    encounter, service, _ = referral_ready(world)
    key = uuid.uuid4()
    first = _create(world, encounter, service, client_uuid=key)
    again = _create(world, encounter, service, client_uuid=key)
    assert first.created and not again.created and first.referral.pk == again.referral.pk
    assert Disclosure.objects.count() == 1


def test_field_errors_for_bad_input(world):
    encounter, service, _ = referral_ready(world)
    with pytest.raises(ValidationFailed) as err:
        services.referral_create(
            actor=world.officer,
            person_id=encounter.person_id,
            service_id="nope",
            need="",
            handoff="teleport",
            response_due_minutes=1,
            departed_at=timezone.now(),
            arrived_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert {"service_id", "need", "handoff", "response_due_minutes", "arrived_at"} <= set(
        err.value.fields
    )


def test_the_provider_closes_the_loop_and_the_case_manager_sees_intake(world):
    referral = send_referral(world)
    inbound = selectors.inbound_get_for(actor=world.provider, referral_id=referral.pk)
    services.referral_transition(actor=world.provider, referral=inbound, to="accepted")
    services.referral_transition(
        actor=world.provider, referral=inbound, to="in-progress", note="Induction started"
    )
    referral.refresh_from_db()
    assert referral.status == "in-progress" and referral.intake_at and referral.responded_at
    # The intake, its time and note are the provider's Part 2 report: the case manager at
    # Harbor Behavioral Health needs a consent naming Harbor that covers treatment attendance.
    view = selectors.referral_view(referral, world.case_manager)
    assert view["status"] == "accepted" and view["hours_to_intake"] is None
    assert view["intake_note"] == "" and view["notice"] == ""
    # A consent covering only name and contact details is not enough (nor is one for referral
    # status alone): nothing clinical is shown and nothing is disclosed.
    consent_to(referral.person, world.agencies["health"], categories=["contact"])
    view = selectors.referral_view(referral, world.case_manager)
    assert view["intake_note"] == "" and view["status"] == "accepted"
    assert not Disclosure.objects.filter(recipient_agency=world.agencies["health"]).exists()
    consent = consent_to(referral.person, world.agencies["health"], categories=["attendance"])
    view = selectors.referral_view(referral, world.case_manager)
    assert view["intake_note"] == "Induction started" and view["status"] == "in-progress"
    assert view["hours_to_intake"] is not None and "42 CFR part 2" in view["notice"]
    ledger = Disclosure.objects.get(recipient_agency=world.agencies["health"])
    assert ledger.consent == consent and ledger.categories == ["attendance"]
    assert ledger.referral == referral and ledger.disclosed_by == world.case_manager
    # The officer who referred sees that the provider took the person, not the treatment status.
    officer_view = selectors.referral_view(referral, world.officer)
    assert officer_view["status"] == "accepted" and officer_view["intake_at"] is None
    assert officer_view["intake_note"] == ""
    # Placement starts the check-ins.

    assert FollowUp.objects.filter(referral=referral, trigger="placement").count() == 5


@pytest.mark.parametrize(
    "persona,target,outcome",
    [
        ("provider", "accepted", "ok"),
        ("provider", "rejected", "ok"),
        ("provider", "cancelled", "invalid"),
        ("officer", "accepted", "invalid"),
        ("officer", "cancelled", "ok"),
        # The officer's referral: the peer network and the health agency see it, but only
        # the city police (the requesting agency) may move the requester's side.
        ("outreach", "cancelled", "denied"),
        ("case_manager", "cancelled", "denied"),
        ("case_manager", "accepted", "denied"),
        ("coordinator", "cancelled", "denied"),
        ("prosecutor", "accepted", "denied"),
        ("analyst", "cancelled", "denied"),
        ("other_coordinator", "cancelled", "denied"),
    ],
)
def test_who_may_move_a_requested_referral(world, persona, target, outcome):
    referral = send_referral(world)
    actor = world.users[persona]
    kwargs = {"reason": "No beds tonight"}
    if outcome == "ok":
        services.referral_transition(actor=actor, referral=referral, to=target, **kwargs)
        referral.refresh_from_db()
        assert referral.status == target
    elif outcome == "invalid":
        with pytest.raises(InvalidTransition):
            services.referral_transition(actor=actor, referral=referral, to=target, **kwargs)
    else:
        with pytest.raises(PermissionDenied):
            services.referral_transition(actor=actor, referral=referral, to=target, **kwargs)


def test_a_provider_at_another_organization_sees_nothing_and_gets_404(world):
    referral = send_referral(world)
    other = AgencyFactory(name="Eastside Detox", kind="treatment_provider")
    service_for(other)
    staff = UserFactory(username="eastside")
    MembershipFactory(user=staff, agency=other, role="provider")
    assert not selectors.inbound_list_for(actor=staff)
    with pytest.raises(Http404):
        selectors.inbound_get_for(actor=staff, referral_id=referral.pk)
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=staff, referral=referral, to="accepted")
    # Provider staff never read the requester's side either.
    with pytest.raises(Http404):
        selectors.referral_get_for(actor=world.provider, referral_id=referral.pk)


def test_a_provider_outside_the_program_still_receives_its_referrals(world):
    outside = AgencyFactory(name="County Crisis Center", kind="treatment_provider")
    staff = UserFactory(username="crisis")
    MembershipFactory(user=staff, agency=outside, role="provider")
    encounter, _, _ = referral_ready(world)
    service = service_for(outside, "Crisis stabilization bed")
    consent_to(encounter.person, outside)
    referral = _create(world, encounter, service).referral
    assert list(selectors.inbound_list_for(actor=staff)) == [referral]
    services.referral_transition(actor=staff, referral=referral, to="accepted")
    # … and gets nothing else of the program: Northside's referrals stay Northside's.
    assert not selectors.inbound_list_for(actor=world.provider)


def test_no_response_in_time_is_flagged_once_and_counted(world):
    referral = send_referral(world, response_due_minutes=30)
    assert selectors.inbound_counts(actor=world.provider)["awaiting"] == 1
    later = timezone.now() + dt.timedelta(minutes=31)
    assert services.referrals_flag_no_response(now=later) == 1
    assert services.referrals_flag_no_response(now=later) == 0
    referral.refresh_from_db()
    assert selectors.referral_view(referral, world.officer)["no_response"]
    assert [r.pk for r in selectors.referral_list_for(actor=world.officer, flagged=True)] == [
        referral.pk
    ]


def test_the_accounting_of_disclosures_lists_each_disclosure(world):
    referral = send_referral(world)
    person, rows = selectors.disclosure_accounting(
        actor=world.case_manager, person_id=referral.person_id
    )
    assert [d.referral_id for d in rows] == [referral.pk]
    assert AuditEvent.objects.filter(action=Action.DISCLOSURE_ACCOUNTING).count() == 1


def test_the_program_sets_how_long_providers_have_to_answer(world):
    services.referral_settings_update(
        actor=world.coordinator, program=world.program, response_minutes="45"
    )
    referral = send_referral(world)
    assert referral.response_due_minutes == 45
    with pytest.raises(ValidationFailed):
        services.referral_settings_update(
            actor=world.coordinator, program=world.program, response_minutes="2"
        )
    with pytest.raises(PermissionDenied):
        services.referral_settings_update(
            actor=world.officer, program=world.program, response_minutes="60"
        )


def test_a_retry_after_consent_is_recorded_sends_the_same_draft(world):
    encounter, service, consent = referral_ready(world)
    consent.delete()
    key = uuid.uuid4()
    with pytest.raises(services.ConsentRequired):
        _create(world, encounter, service, client_uuid=key)
    consent_to(encounter.person, world.agencies["treatment"])
    result = _create(world, encounter, service, client_uuid=key)
    assert not result.created and result.referral.status == "requested"
    assert Disclosure.objects.count() == 1
