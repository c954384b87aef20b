"""Dashboard measures API: every measure of the registry over a period (or since launch), a
pathway and an agency, each share with its 95% interval; small counts suppressed as on the page."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.http import ApiRequest
from deflect.accounts.models import Agency
from deflect.core.errors import ValidationFailed
from deflect.core.schemas import COMMON_ERRORS, Id, IsoDate

from . import selectors
from .forms import DashboardFilterForm

router = Router(tags=["dashboard"])


class MeasureQuery(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None
    since_launch: bool = False
    pathway: str = ""
    agency: Id | None = None


class DashboardMeasureOut(Schema):
    code: str
    name: str
    definition: str
    numerator_definition: str
    denominator_definition: str
    numerator: int | None
    denominator: int | None
    share: float | None
    share_low_95: float | None
    share_high_95: float | None
    suppressed: bool


class MeasuresOut(Schema):
    since: dt.datetime | None
    until: dt.datetime | None
    pathway: str
    agency: int | None
    measures: list[DashboardMeasureOut]


@router.get(
    "/measures",
    response={200: MeasuresOut, **COMMON_ERRORS},
    summary="Every dashboard measure over a period, pathway and agency, with 95% intervals",
)
def measures(request: ApiRequest, filters: Query[MeasureQuery]) -> MeasuresOut:
    require(request.auth, caps.DASHBOARD_VIEW)
    raw = filters.dict()
    form = DashboardFilterForm(
        {k: "" if v in (None, False) else str(v) for k, v in raw.items()},
        agencies=visible_to(request.auth, Agency),
    )
    if not form.is_valid():
        raise ValidationFailed(
            "The filters are not valid.",
            fields={k: [str(e) for e in v] for k, v in form.errors.items()},
        )
    data = form.cleaned_data
    board = selectors.dashboard_for(
        actor=request.auth,
        start=data.get("start"),
        end=data.get("end"),
        since_launch=bool(data.get("since_launch")),
        pathway=data.get("pathway") or "",
        agency_id=data.get("agency"),
    )
    return MeasuresOut(
        since=board.since,
        until=board.until,
        pathway=board.pathway,
        agency=board.agency_id,
        measures=[
            DashboardMeasureOut(
                code=r.measure.code,
                name=r.measure.name,
                definition=r.measure.definition,
                numerator_definition=r.measure.numerator,
                denominator_definition=r.measure.denominator,
                numerator=r.numerator,
                denominator=r.denominator,
                share=r.share,
                share_low_95=r.low,
                share_high_95=r.high,
                suppressed=r.suppressed,
            )
            for r in board.measures
        ],
    )
