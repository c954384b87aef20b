"""Follow-up API: a team's queue and logging attempts."""

import datetime as dt
from uuid import UUID

from ninja import Router, Schema
from ninja.responses import Status

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND

from . import selectors, services
from .models import FollowUp

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
def queue(request, team_id: int | None = None, person_id: int | None = None):
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
def attempt_add(request, followup_id: int, payload: AttemptIn):
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
