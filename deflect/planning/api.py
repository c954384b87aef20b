"""Planning API: the program's adopted models and their readiness."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from deflect.access.policy import get_for
from deflect.accounts.models import User
from deflect.core.schemas import WITH_NOT_FOUND, Id
from deflect.programs.models import Program

from . import selectors

router = Router(tags=["planning"])


class TokenRequest(HttpRequest):
    """An API request: ``auth`` is the signed-in user or the token's user."""

    auth: User


class ActivityOut(Schema):
    id: int
    title: str
    status: str
    state: str
    owner_id: int | None
    due_date: date | None
    has_evidence: bool


class ReadinessOut(Schema):
    adoption_id: int
    code: str
    name: str
    kind: str
    applicable: int
    done: int
    overdue: int
    scheduled: int
    missing: int
    percent_done: int
    ready: bool
    activities: list[ActivityOut]


@router.get(
    "/programs/{program_id}/readiness",
    response={200: list[ReadinessOut], **WITH_NOT_FOUND},
    summary="Each adopted planning model with its checklist and readiness",
)
def readiness(request: TokenRequest, program_id: Id) -> list[ReadinessOut]:
    program = get_for(request.auth, Program, program_id)
    return [
        ReadinessOut(
            adoption_id=v.adoption.pk,
            code=v.adoption.code,
            name=v.adoption.name,
            kind=v.adoption.kind,
            applicable=v.readiness.applicable,
            done=len(v.readiness.done),
            overdue=len(v.readiness.overdue),
            scheduled=len(v.readiness.scheduled),
            missing=len(v.readiness.missing),
            percent_done=v.readiness.percent_done,
            ready=v.readiness.ready,
            activities=[
                ActivityOut(
                    id=a.pk,
                    title=a.title,
                    status=a.status,
                    state=str(a.state),
                    owner_id=a.owner_id,
                    due_date=a.due_date,
                    has_evidence=a.has_evidence,
                )
                for a in v.activities
            ],
        )
        for v in selectors.adoption_views(program)
    ]
