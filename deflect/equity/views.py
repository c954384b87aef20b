"""The Equity page (analysts, coordinators): each decision point as a table and a chart, trends by
quarter, filters, and the same numbers as CSV."""

import csv
from typing import Any

import altair as alt
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.accounts.models import Agency
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.reporting import charts

from . import selectors
from .forms import EquityFilterForm, default_period


def _form(request: SignedInRequest) -> EquityFilterForm:
    """The filters as submitted, the last 12 months when no dates are given."""
    require(request.user, caps.DASHBOARD_VIEW)
    agencies = visible_to(request.user, Agency)
    data = request.GET.copy()
    if not data.get("start") and not data.get("end"):
        start, end = default_period()
        data["start"], data["end"] = start.isoformat(), end.isoformat()
    return EquityFilterForm(data, agencies=agencies.order_by("name"))


def _report(request: SignedInRequest, form: EquityFilterForm) -> selectors.EquityReport:
    data = form.cleaned_data
    return selectors.equity_report(
        request.user,
        start=data["start"],
        end=data["end"],
        dimension=data["dimension"],
        pathway=data.get("pathway") or "",
        agency_id=data.get("agency"),
        reference=data.get("reference") or "",
    )


def _rri_chart(result: selectors.PointResult, report: selectors.EquityReport) -> alt.LayerChart:
    rows = [
        {
            "group": cell.label,
            "rri": None if cell.rri is None else round(cell.rri, 2),
            "low": None if cell.rri_low is None else round(cell.rri_low, 2),
            "high": None if cell.rri_high is None else round(cell.rri_high, 2),
        }
        for cell in result.cells
    ]
    return charts.estimate(
        rows,
        category="group",
        value="rri",
        lower="low",
        upper="high",
        title=f"{result.point.label}: rate relative to {report.reference_label}",
        category_title=report.dimension.label,
        value_title="Relative rate index (log scale; 1 = same rate)",
        reference=1,
        log_scale=True,
        table=[
            ("group", report.dimension.label),
            ("rri", "Relative rate index"),
            ("low", "Lower 95% limit"),
            ("high", "Upper 95% limit"),
        ],
    )


def _trend_chart(result: selectors.PointResult, report: selectors.EquityReport) -> alt.LayerChart:
    return charts.line(
        result.trend,
        x="quarter",
        value="rate",
        series="group",
        series_title=report.dimension.label,
        title=f"{result.point.label}: rate by quarter",
        x_title="Quarter",
        value_title="Rate (%)",
    )


@login_required
@require_GET
def equity_page(request: SignedInRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form, "report": None}
    if form.is_valid():
        report = _report(request, form)
        context.update(
            report=report,
            sections=[
                {
                    "result": result,
                    "rri_chart": _rri_chart(result, report),
                    "trend_chart": _trend_chart(result, report) if result.trend else None,
                }
                for result in report.points
            ],
            query=request.GET.urlencode(),
        )
    status = 200 if context["report"] is not None else 400
    return render(request, "equity/equity.html", context, status=status)


@login_required
@require_GET
def equity_csv(request: SignedInRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = _report(request, form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="equity.csv"'
    csv.writer(response).writerows(selectors.csv_rows(report))
    audit_record(
        action=Action.EXPORT,
        actor=request.user,
        extra={
            "export": "equity",
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "dimension": report.dimension.code,
            "pathway": report.pathway,
            "agency": report.agency_id,
        },
    )
    return response
