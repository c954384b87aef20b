"""One status pipeline: every move of a referral, case, follow-up, MOU or planning activity goes
through ``deflect.audit.pipeline.transition``, which refuses a move the table does not allow with
the entity's error code and leaves exactly one history row and one audit event."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.audit.pipeline import Pipeline, transition
from deflect.cases import services as case_services
from deflect.cases.models import CaseStatusChange
from deflect.core.errors import InvalidTransition
from deflect.followups import pipeline as followup_pipeline
from deflect.followups import services as followup_services
from deflect.followups.models import FollowUp, FollowUpStatusChange
from deflect.planning import services as planning_services
from deflect.planning.models import ActivityStatus
from deflect.referrals import services as referral_services
from deflect.referrals.models import ReferralEvent
from deflect.referrals.tests.factories import encounter_by, organization_for, send_referral
from deflect.resources import services as resource_services
from deflect.resources.models import Mou, MouStatus, MouStatusChange
from deflect.resources.pipeline import MOU, SCHEDULE

DEFLECT = Path(__file__).resolve().parents[2]
HELPER = DEFLECT / "audit" / "pipeline.py"
# Models whose status only ``transition`` writes.
PIPELINE_MODELS = {"Referral", "InboundReferral", "Case", "FollowUp", "Mou", "PlanningActivity"}
# ``.status =`` on other models, by file and the object assigned to.
OTHER_MODELS = {("cases/services.py", "goal")}


def _status_writes(source: str, path: str = "") -> list[str]:
    """Lines that assign ``status`` other than through the pipeline helper."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(item, ast.Attribute)
                    and item.attr == "status"
                    and (path, ast.unparse(item.value)) not in OTHER_MODELS
                ):
                    found.append(f"{path}:{node.lineno} {ast.unparse(item)} =")
        if isinstance(node, ast.Call):
            call = ast.unparse(node.func)
            args = node.args
            if call == "setattr" and len(args) > 1 and getattr(args[1], "value", "") == "status":
                found.append(f"{path}:{node.lineno} setattr(…, 'status', …)")
            if call.endswith(".update") and any(k.arg == "status" for k in node.keywords):
                names = {n.id for n in ast.walk(node.func) if isinstance(n, ast.Name)}
                if names & PIPELINE_MODELS:
                    found.append(f"{path}:{node.lineno} {call}(status=…)")
    return found


def test_the_scan_finds_each_way_of_writing_a_status():
    source = (
        "mou.status = 'expired'\n"
        "previous, case.status = case.status, 'closed'\n"
        "setattr(followup, 'status', 'closed')\n"
        "Mou.objects.filter(pk=1).update(status='expired')\n"
        "Notice.objects.filter(pk=1).update(status='sent')\n"
        "goal.status = 'met'\n"
    )
    assert len(_status_writes(source, "cases/services.py")) == 4


def test_no_code_outside_the_pipeline_helper_assigns_a_status():
    found = []
    for path in sorted(DEFLECT.rglob("*.py")):
        parts = path.relative_to(DEFLECT).parts
        if path == HELPER or "tests" in parts or "migrations" in parts:
            continue
        relative = "/".join(parts)
        found += _status_writes(path.read_text(encoding="utf-8"), relative)
    assert found == [], "move statuses with deflect.audit.pipeline.transition"


def _counts(history, action):
    return history.objects.count(), AuditEvent.objects.filter(action=action).count()


def test_a_party_may_make_only_the_moves_named_for_it():
    assert isinstance(MOU, Pipeline)
    assert MOU.problem("active", "expired", SCHEDULE) == ""
    assert "Only the coordinator" in MOU.problem("active", "terminated", SCHEDULE)
    assert "closed" in MOU.problem("terminated", "active", "coordinator")
    assert "no MOU status" in MOU.problem("active", "lost", "coordinator")


@pytest.mark.django_db
def test_a_referral_moves_once_with_one_history_row_and_one_audit_event(world):
    referral = send_referral(world)
    with pytest.raises(InvalidTransition) as refused:
        referral_services.referral_transition(
            actor=world.provider, referral=referral, to="completed"
        )
    assert refused.value.code == "referral_invalid_transition" and refused.value.status == 409
    before = _counts(ReferralEvent, Action.REFERRAL_TRANSITION)
    referral_services.referral_transition(actor=world.provider, referral=referral, to="accepted")
    assert _counts(ReferralEvent, Action.REFERRAL_TRANSITION) == (before[0] + 1, before[1] + 1)
    event = ReferralEvent.objects.latest("id")
    assert (event.from_status, event.to_status) == ("requested", "accepted")
    assert event.party == "provider"
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.responded_at is not None


@pytest.mark.django_db
def test_a_case_moves_once_with_one_history_row_and_one_audit_event(world):
    person = encounter_by(world.officer).person
    case = case_services.case_open(actor=world.case_manager, person_id=person.pk)
    before = _counts(CaseStatusChange, Action.CASE_TRANSITION)
    case_services.case_transition(
        actor=world.case_manager, case=case, to="disengaged", reason="No contact for 30 days"
    )
    assert _counts(CaseStatusChange, Action.CASE_TRANSITION) == (before[0] + 1, before[1] + 1)
    change = case.status_changes.latest("id")
    assert (change.from_status, change.to_status) == ("active", "disengaged")
    assert change.reason == "No contact for 30 days" and change.actor == world.case_manager
    case.refresh_from_db()
    assert case.status == "disengaged" and case.closed_at is not None
    with pytest.raises(InvalidTransition) as refused:
        case_services.case_transition(actor=world.case_manager, case=case, to="completed")
    assert refused.value.code == "case_invalid_transition"


@pytest.mark.django_db
def test_a_followup_moves_once_with_one_history_row_and_one_audit_event(world):
    followup_services.team_ensure(program=world.program, name="QRT", members=[world.outreach])
    encounter = encounter_by(world.officer, "naloxone_plus")
    followup = FollowUp.objects.filter(encounter=encounter).order_by("step").first()
    before = _counts(FollowUpStatusChange, Action.FOLLOWUP_TRANSITION)
    followup_services.attempt_record(
        actor=world.outreach, followup=followup, method="phone", result="contacted"
    )
    assert _counts(FollowUpStatusChange, Action.FOLLOWUP_TRANSITION) == (
        before[0] + 1,
        before[1] + 1,
    )
    followup.refresh_from_db()
    assert followup.status == "contacted" and followup.history.get().to_status == "contacted"
    with pytest.raises(InvalidTransition) as refused:
        transition(followup, "open", actor=world.outreach, party=followup_pipeline.OUTREACH)
    assert refused.value.code == "followup_invalid_transition"
    followup.refresh_from_db()
    assert followup.status == "contacted" and followup.history.count() == 1


def _mou(world, *, expires_on):
    return Mou.objects.create(
        program=world.program,
        organization=organization_for(world.agencies["treatment"]),
        status=MouStatus.ACTIVE,
        signed_on=dt.date(2026, 1, 5),
        expires_on=expires_on,
        covers="Warm handoffs",
    )


@pytest.mark.django_db
def test_an_mou_moves_once_with_one_history_row_and_one_audit_event(world):
    mou = _mou(world, expires_on=dt.date(2027, 1, 5))
    with pytest.raises(InvalidTransition) as refused:
        resource_services.mou_transition(actor=world.coordinator, mou_id=mou.pk, status="draft")
    assert refused.value.code == "mou_invalid_transition"
    before = _counts(MouStatusChange, Action.MOU_TRANSITION)
    resource_services.mou_transition(actor=world.coordinator, mou_id=mou.pk, status="terminated")
    assert _counts(MouStatusChange, Action.MOU_TRANSITION) == (before[0] + 1, before[1] + 1)
    change = mou.history.get()
    assert (change.from_status, change.to_status, change.party) == (
        "active",
        "terminated",
        "coordinator",
    )
    assert change.actor == world.coordinator


@pytest.mark.django_db
def test_the_mou_expiry_job_leaves_history_once(world):
    overdue = _mou(world, expires_on=dt.date(2026, 11, 30))
    current = Mou.objects.create(
        program=world.other_program,
        organization=overdue.organization,
        status=MouStatus.ACTIVE,
        signed_on=dt.date(2026, 1, 5),
        expires_on=dt.date(2026, 12, 31),
        covers="Beds",
    )
    jobs = dangerously_as_system("jobs")
    assert resource_services.mou_expire_overdue(actor=jobs, today=dt.date(2026, 12, 2)) == 1
    assert resource_services.mou_expire_overdue(actor=jobs, today=dt.date(2026, 12, 2)) == 0
    change = overdue.history.get()
    assert (change.from_status, change.to_status, change.party) == (
        "active",
        "expired",
        "schedule",
    )
    assert change.actor == jobs and "2026-11-30" in change.reason
    assert not current.history.exists()
    event = AuditEvent.objects.filter(action=Action.MOU_TRANSITION).get()
    assert event.target_id == str(overdue.pk) and event.actor_username == "system: jobs"


@pytest.mark.django_db
def test_the_expiry_command_goes_through_the_pipeline(world):
    overdue = _mou(world, expires_on=timezone.localdate() - dt.timedelta(days=1))
    call_command("resources_mou_expire")
    overdue.refresh_from_db()
    assert overdue.status == "expired" and overdue.history.count() == 1


@pytest.mark.django_db
def test_a_planning_activity_moves_with_its_code_one_history_row_and_one_audit_event(world):
    adoption = planning_services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="self_referral"
    )
    activity = adoption.activities.first()
    planning_services.activity_transition(
        actor=world.coordinator, activity=activity, status=ActivityStatus.DONE
    )
    with pytest.raises(InvalidTransition) as refused:
        planning_services.activity_transition(
            actor=world.coordinator, activity=activity, status=ActivityStatus.NOT_APPLICABLE
        )
    assert refused.value.code == "planning_activity_invalid_transition"
    events = AuditEvent.objects.filter(action=Action.PLANNING_ACTIVITY_TRANSITION)
    assert events.count() == 1 and events.get().extra["to"] == "done"
    change = activity.status_changes.get()
    assert (change.from_status, change.to_status) == ("not_started", "done")
    assert change.actor == world.coordinator and change.party == "planning team"
