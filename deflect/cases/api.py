"""Cases API: the prosecutor's status-only abeyance list and disposition."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.accounts.http import ApiRequest
from deflect.accounts.models import User
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT, WITH_NOT_FOUND, Id

from . import selectors, services
from .models import AbeyanceCase, Case, ProsecutorAbeyance

router = Router(tags=["cases"])


class ChargeOut(Schema):
    statute: str
    description: str


class ProsecutorAbeyanceOut(Schema):
    id: int
    person_name: str
    charges: list[ChargeOut]
    citation_number: str
    deadline: dt.date
    status: str
    status_label: str
    disposition: str
    disposed_at: dt.datetime | None
    notice: str = Field(
        "", description="The 42 CFR §2.32 notice, when the status was disclosed under consent."
    )


class DispositionIn(Schema):
    disposition: str
    note: str = ""


@router.get(
    "/abeyance/prosecutor",
    response={200: list[ProsecutorAbeyanceOut], **COMMON_ERRORS},
    summary="Prosecutor: this office's abeyance cases, compliance status only",
)
def prosecutor_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [selectors.prosecutor_row(r) for r in selectors.prosecutor_list_for(actor=request.auth)]


@router.post(
    "/abeyance/prosecutor/{abeyance_id}/disposition",
    response={200: ProsecutorAbeyanceOut, **WITH_CONFLICT},
    summary="Prosecutor: record the disposition",
)
def prosecutor_dispose(
    request: ApiRequest, abeyance_id: Id, payload: DispositionIn
) -> dict[str, Any]:
    abeyance = get_for(request.auth, ProsecutorAbeyance, abeyance_id, caps.ABEYANCE_DISPOSE)
    services.abeyance_dispose(actor=request.auth, abeyance=abeyance, **payload.model_dump())
    return selectors.prosecutor_row(
        selectors.prosecutor_row_for(actor=request.auth, abeyance_id=abeyance.pk)
    )


class CaseIn(Schema):
    person_id: Id
    care_coordinator_id: Id | None = None
    peer_specialist_id: Id | None = None
    encounter_id: Id | None = None
    referral_id: Id | None = None


class NoteOut(Schema):
    id: int
    kind: str
    text: str
    author: str
    created_at: dt.datetime


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    status: str
    status_reason: str
    care_coordinator_id: int | None
    peer_specialist_id: int | None
    opened_at: dt.datetime
    notes: list[NoteOut] = []
    clinical_notes_withheld: int = 0
    notice: str = Field("", description="The 42 CFR §2.32 notice, when clinical notes are shown.")


class NoteIn(Schema):
    kind: str
    text: str


Hours = Annotated[Decimal, Field(ge=0, le=24, decimal_places=2, allow_inf_nan=False)]
"""Hours in one day: a finite decimal from 0 to 24 with at most two decimals."""


class ProgressIn(Schema):
    kind: str
    hours: Hours = Decimal("0")
    on: dt.date | None = None
    note: str = ""


class AbeyanceOut(Schema):
    id: int
    person_id: int
    status: str
    status_label: str
    hours_done: str
    hours_required: str
    deadline: dt.date
    disposition: str


def _case_out(case: Case, actor: User, *, notes: bool = False) -> dict:
    out = {
        "id": case.pk,
        "person_id": case.person_id,
        "person_name": str(case.person),
        "status": case.status,
        "status_reason": case.status_reason,
        "care_coordinator_id": case.care_coordinator_id,
        "peer_specialist_id": case.peer_specialist_id,
        "opened_at": case.opened_at,
    }
    if notes:
        shown, withheld, notice = selectors.case_notes_for(actor=actor, case=case)
        out["notice"] = notice
        out["notes"] = [
            {
                "id": n.pk,
                "kind": n.kind,
                "text": n.text,
                "author": n.author.get_username(),
                "created_at": n.created_at,
            }
            for n in shown
        ]
        out["clinical_notes_withheld"] = withheld
    return out


@router.get("", response={200: list[CaseOut], **COMMON_ERRORS}, summary="Cases I may see")
def case_list(
    request: ApiRequest, status: str = "active", mine: bool = False
) -> list[dict[str, Any]]:
    return [
        _case_out(c, request.auth)
        for c in selectors.case_list_for(actor=request.auth, status=status, mine=mine)
    ]


@router.post("", response={201: CaseOut, **WITH_CONFLICT}, summary="Enroll a person (open a case)")
def case_open(request: ApiRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    case = services.case_open(actor=request.auth, **payload.model_dump())
    return Status(201, _case_out(case, request.auth))


@router.get("/{case_id}", response={200: CaseOut, **WITH_NOT_FOUND}, summary="One case, with notes")
def case_get(request: ApiRequest, case_id: Id) -> dict[str, Any]:
    case = selectors.case_get_for(actor=request.auth, case_id=case_id)
    return _case_out(case, request.auth, notes=True)


@router.post(
    "/{case_id}/notes",
    response={201: NoteOut, **WITH_CONFLICT},
    summary="Add a note (clinical notes need clinical access)",
)
def case_note_add(request: ApiRequest, case_id: Id, payload: NoteIn) -> Status[dict[str, Any]]:
    case = get_for(request.auth, Case, case_id, caps.CASE_MANAGE)
    note = services.case_note_add(actor=request.auth, case=case, **payload.model_dump())
    return Status(
        201,
        {
            "id": note.pk,
            "kind": note.kind,
            "text": note.text,
            "author": note.author.get_username(),
            "created_at": note.created_at,
        },
    )


@router.post(
    "/abeyance/{abeyance_id}/progress",
    response={200: AbeyanceOut, **WITH_CONFLICT},
    summary="Case manager: log service hours, a condition met or not met, a note",
)
def abeyance_progress(request: ApiRequest, abeyance_id: Id, payload: ProgressIn) -> dict[str, Any]:
    abeyance = get_for(request.auth, AbeyanceCase, abeyance_id, caps.ABEYANCE_MANAGE)
    services.abeyance_progress_record(actor=request.auth, abeyance=abeyance, **payload.model_dump())
    row = selectors.abeyance_get_for(actor=request.auth, abeyance_id=abeyance.pk)
    a = row.abeyance
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "status": row.status,
        "status_label": row.label,
        "hours_done": str(row.hours_done),
        "hours_required": str(a.community_service_hours_required),
        "deadline": a.deadline,
        "disposition": a.disposition,
    }
