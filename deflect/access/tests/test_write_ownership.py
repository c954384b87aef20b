"""Writes follow ownership: a record is changed by the agency that owns it (the requesting agency
of a referral, the recording agency of a consent, the case's agency, the members of the team a
follow-up is assigned to). Another agency of the same program sees the record but may not change
it; the check lives in the services, so the web, the API and commands answer alike."""

import pytest
from django.core.exceptions import PermissionDenied

from deflect.access.policy import owns
from deflect.access.tests.matrix import staff_at_another_agency
from deflect.accounts.models import Role
from deflect.accounts.tests.factories import MembershipFactory, UserFactory
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.cases import services as cases
from deflect.cases.models import CaseNote
from deflect.followups import services as followups
from deflect.followups.models import FollowUp, FollowUpAttempt
from deflect.people.tests.factories import ConsentFactory, PersonFactory
from deflect.referrals import services as referrals
from deflect.referrals.models import ReferralStatus
from deflect.referrals.tests.factories import encounter_by, send_referral

pytestmark = pytest.mark.django_db


def _last_denial_reason():
    return AuditEvent.objects.filter(action=Action.ACCESS_DENIED).latest("id").extra["reason"]


def test_the_peer_network_cannot_cancel_the_police_referral(world):
    referral = send_referral(world)
    with pytest.raises(PermissionDenied):
        referrals.referral_transition(
            actor=world.outreach, referral=referral, to=ReferralStatus.CANCELLED, reason="x"
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    assert _last_denial_reason() == "another agency's record"
    assert not owns(world.outreach, "referral.create", referral)
    assert owns(world.officer, "referral.create", referral)


def test_the_peer_network_cannot_rewrite_the_police_handoff(world):
    referral = send_referral(world)
    with pytest.raises(PermissionDenied):
        referrals.referral_update_handoff(
            actor=world.outreach,
            referral=referral,
            handoff="none",
            transport="none",
            departed_at=None,
            arrived_at=None,
        )
    referral.refresh_from_db()
    assert referral.handoff == "in_person"


def test_a_colleague_of_the_requesting_agency_may_cancel_it(world):
    referral = send_referral(world)
    sergeant = UserFactory(username="sergeant")
    MembershipFactory(user=sergeant, agency=world.agencies["police"], role=Role.RESPONDER)
    referrals.referral_transition(
        actor=sergeant, referral=referral, to=ReferralStatus.CANCELLED, reason="Found a bed"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_the_officer_detail_page_offers_moves_only_to_the_owner(client, world):
    referral = send_referral(world)
    client.force_login(world.outreach)
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and page.context["moves"] == []
    client.force_login(world.officer)
    assert client.get(f"/referrals/{referral.pk}/").context["moves"]


def test_a_case_manager_cannot_write_in_another_agencys_case(world):
    manager = staff_at_another_agency(world, Role.CASE_MANAGER, "behavioral_health")
    case = cases.case_open(actor=manager, person_id=PersonFactory(program=world.program).pk)
    with pytest.raises(PermissionDenied):
        cases.case_note_add(actor=world.case_manager, case=case, kind="general", text="Hi")
    with pytest.raises(PermissionDenied):
        cases.case_transition(actor=world.case_manager, case=case, to="closed", reason="x")
    with pytest.raises(PermissionDenied):
        cases.plan_goal_add(actor=world.case_manager, case=case, description="Housing")
    assert not CaseNote.objects.filter(case=case).exists()
    cases.case_note_add(actor=manager, case=case, kind="general", text="Called back")
    assert CaseNote.objects.filter(case=case).count() == 1


def test_a_teams_followup_is_worked_by_its_members_agencies(world):
    followups.team_ensure(program=world.program, name="QRT North", members=[world.outreach])
    followup = FollowUp.objects.filter(
        encounter=encounter_by(world.officer, "naloxone_plus")
    ).first()
    assert followup.team is not None
    with pytest.raises(PermissionDenied):
        followups.attempt_record(
            actor=world.case_manager, followup=followup, method="phone", result="not_found"
        )
    assert not FollowUpAttempt.objects.exists()
    followups.attempt_record(
        actor=world.outreach, followup=followup, method="phone", result="not_found"
    )
    assert FollowUpAttempt.objects.count() == 1


def test_a_followup_with_no_team_is_the_programs_queue(world):
    FollowUp.objects.all().delete()
    followup = FollowUp.objects.filter(
        encounter=encounter_by(world.officer, "naloxone_plus")
    ).first()
    assert followup.team is None
    followups.attempt_record(
        actor=world.case_manager, followup=followup, method="phone", result="not_found"
    )
    assert FollowUpAttempt.objects.count() == 1


def test_the_person_page_offers_revoking_only_to_the_recording_agency(client, world):
    consent = ConsentFactory(
        person=PersonFactory(program=world.program),
        recipient_agency=world.agencies["treatment"],
        attested_by=world.officer,
    )
    revoke = f"/people/{consent.person_id}/consents/{consent.pk}/revoke/"
    client.force_login(world.outreach)
    page = client.get(f"/people/{consent.person_id}/").content.decode()
    assert revoke not in page
    client.force_login(world.officer)
    assert revoke in client.get(f"/people/{consent.person_id}/").content.decode()
