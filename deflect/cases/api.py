"""Cases API: the prosecutor's status-only abeyance list and disposition."""

import datetime as dt

from ninja import Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT

from . import selectors, services
from .models import ProsecutorAbeyance

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


class DispositionIn(Schema):
    disposition: str
    note: str = ""


@router.get(
    "/abeyance/prosecutor",
    response={200: list[ProsecutorAbeyanceOut], **COMMON_ERRORS},
    summary="Prosecutor: this office's abeyance cases, compliance status only",
)
def prosecutor_list(request):
    return [selectors.prosecutor_row(r) for r in selectors.prosecutor_list_for(actor=request.auth)]


@router.post(
    "/abeyance/prosecutor/{abeyance_id}/disposition",
    response={200: ProsecutorAbeyanceOut, **WITH_CONFLICT},
    summary="Prosecutor: record the disposition",
)
def prosecutor_dispose(request, abeyance_id: int, payload: DispositionIn):
    abeyance = get_for(request.auth, ProsecutorAbeyance, abeyance_id, caps.ABEYANCE_DISPOSE)
    services.abeyance_dispose(actor=request.auth, abeyance=abeyance, **payload.model_dump())
    rows = selectors._rows(
        ProsecutorAbeyance.objects.filter(pk=abeyance.pk).select_related("person")
    )
    return selectors.prosecutor_row(rows[0])
