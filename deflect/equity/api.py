"""Equity API: the same analysis as the Equity page, as JSON."""

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
from .forms import EquityFilterForm, default_period

router = Router(tags=["equity"])


class EquityQuery(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None
    pathway: str = ""
    agency: Id | None = None
    dimension: str = "race"
    reference: str = ""


class GroupOut(Schema):
    group: str
    label: str
    contacts: int | None
    share: float | None
    share_low: float | None
    share_high: float | None


class EquityCellOut(Schema):
    group: str
    label: str
    numerator: int | None
    denominator: int | None
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    rri: float | None
    rri_low: float | None
    rri_high: float | None
    differs: bool
    reference: bool


class TrendOut(Schema):
    quarter: str
    group: str
    rate: float | None
    low: float | None
    high: float | None


class PointOut(Schema):
    code: str
    label: str
    definition: str
    cells: list[EquityCellOut]
    total: EquityCellOut
    trend: list[TrendOut]


class EquityOut(Schema):
    start: dt.date
    end: dt.date
    pathway: str
    agency: int | None
    dimension: str
    reference: str
    total_contacts: int | None
    suppressed_below: int
    groups: list[GroupOut]
    points: list[PointOut]


@router.get(
    "",
    response={200: EquityOut, **COMMON_ERRORS},
    summary="Rates and relative rate indexes per group at every decision point (suppressed)",
)
def equity(request: ApiRequest, filters: Query[EquityQuery]) -> EquityOut:
    data = filters.dict()
    if data["start"] is None and data["end"] is None:
        data["start"], data["end"] = default_period()
    require(request.auth, caps.DASHBOARD_VIEW)
    form = EquityFilterForm(
        {k: "" if v is None else str(v) for k, v in data.items()},
        agencies=visible_to(request.auth, Agency),
    )
    if not form.is_valid():
        raise ValidationFailed(
            "The filters are not valid.",
            fields={k: [str(e) for e in v] for k, v in form.errors.items()},
        )
    clean = form.cleaned_data
    report = selectors.equity_report(
        request.auth,
        start=clean["start"],
        end=clean["end"],
        dimension=clean["dimension"],
        pathway=clean.get("pathway") or "",
        agency_id=clean.get("agency"),
        reference=clean.get("reference") or "",
    )
    return EquityOut(
        start=report.start,
        end=report.end,
        pathway=report.pathway,
        agency=report.agency_id,
        dimension=report.dimension.code,
        reference=report.reference,
        total_contacts=report.total_contacts,
        suppressed_below=selectors.stats.SMALL_CELL,
        groups=[GroupOut(**g.__dict__) for g in report.groups],
        points=[
            PointOut(
                code=r.point.code,
                label=r.point.label,
                definition=r.point.definition,
                cells=[EquityCellOut(**c.__dict__) for c in r.cells],
                total=EquityCellOut(**r.total.__dict__),
                trend=[TrendOut(**t) for t in r.trend],
            )
            for r in report.points
        ],
    )
