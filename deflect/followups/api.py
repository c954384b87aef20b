"""Follow-up API: a team's queue and logging attempts."""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Router, Schema
from ninja.responses import Status

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND, Id
from deflect.programs.models import Program

from . import rules, selectors, services
from .models import FollowUp, Trigger

router = Router(tags=["followups"])


class FollowUpOut(Schema):
    id: int
    person_id: int
    person_name: str
    label: str
    trigger: str
    opens_at: dt.datetime
    due_at: dt.datetime
    contact_required: bool
    status: str
    team_id: int | None


class QueueOut(Schema):
    counts: dict[str, int]
    overdue: list[FollowUpOut]
    due_today: list[FollowUpOut]
    upcoming: list[FollowUpOut]


class AttemptIn(Schema):
    client_uuid: UUID | None = None
    method: str
    result: str
    attempted_at: dt.datetime | None = None
    team_composition: list[str] = []
    note: str = ""


class AttemptOut(Schema):
    id: int
    followup_id: int
    followup_status: str
    method: str
    result: str
    attempted_at: dt.datetime


def _out(f: FollowUp) -> dict:
    return {
        "id": f.pk,
        "person_id": f.person_id,
        "person_name": str(f.person),
        "label": f.label,
        "trigger": f.trigger,
        "opens_at": f.opens_at,
        "due_at": f.due_at,
        "contact_required": f.contact_required,
        "status": f.status,
        "team_id": f.team_id,
    }


@router.get(
    "/queue",
    response={200: QueueOut, **WITH_NOT_FOUND},
    summary="A team's or person's follow-up queue",
)
def queue(
    request: ApiRequest, team_id: Id | None = None, person_id: Id | None = None
) -> dict[str, Any]:
    q = selectors.followup_queue(actor=request.auth, team_id=team_id, person_id=person_id)
    return {
        "counts": q.counts,
        "overdue": [_out(f) for f in q.overdue],
        "due_today": [_out(f) for f in q.due_today],
        "upcoming": [_out(f) for f in q.upcoming],
    }


@router.post(
    "/{followup_id}/attempts",
    response={200: AttemptOut, 201: AttemptOut, **WITH_CONFLICT},
    summary="Log a contact attempt (idempotent per client_uuid)",
)
def attempt_add(request: ApiRequest, followup_id: Id, payload: AttemptIn) -> Status[dict[str, Any]]:
    followup = get_for(request.auth, FollowUp, followup_id, caps.FOLLOWUP_WORK)
    attempt, created = services.attempt_record(
        actor=request.auth, followup=followup, **payload.model_dump()
    )
    followup.refresh_from_db()
    return Status(
        201 if created else 200,
        {
            "id": attempt.pk,
            "followup_id": followup.pk,
            "followup_status": followup.status,
            "method": attempt.method,
            "result": attempt.result,
            "attempted_at": attempt.attempted_at,
        },
    )


class StepSchema(Schema):
    label: str
    offset: int
    window: int
    unit: str = "hours"
    contact_required: bool = False


class PolicyIn(Schema):
    steps: list[dict]
    pathway: str = ""
    time_zone: str = ""
    team_id: Id | None = None


class PolicyOut(Schema):
    trigger: str
    pathway: str
    time_zone: str
    team_id: int | None
    configured: bool
    steps: list[StepSchema]


def _policy_out(program: Program, trigger: str, pathway: str = "") -> dict:
    policy, steps, tz_name = services.policy_for(program, trigger, pathway)
    return {
        "trigger": trigger,
        "pathway": policy.pathway if policy else "",
        "time_zone": tz_name,
        "team_id": policy.team_id if policy else None,
        "configured": policy is not None,
        "steps": rules.steps_as_dicts(steps),
    }


@router.get(
    "/programs/{program_id}/policies",
    response={200: list[PolicyOut], **WITH_NOT_FOUND},
    summary="A program's follow-up schedules (the coordinator's, or the defaults)",
)
def policies(request: ApiRequest, program_id: Id) -> list[dict[str, Any]]:
    program = get_for(request.auth, Program, program_id, caps.FOLLOWUP_VIEW)
    return [_policy_out(program, trigger) for trigger in Trigger.values]


@router.put(
    "/programs/{program_id}/policies/{trigger}",
    response={200: PolicyOut, **WITH_NOT_FOUND},
    summary="Coordinator: set the follow-up schedule for a trigger (and pathway)",
)
def policy_put(
    request: ApiRequest, program_id: Id, trigger: str, payload: PolicyIn
) -> dict[str, Any]:
    program = get_for(request.auth, Program, program_id, caps.FOLLOWUP_VIEW)
    services.policy_update(
        actor=request.auth, program=program, trigger=trigger, **payload.model_dump()
    )
    return _policy_out(program, trigger, payload.pathway)
