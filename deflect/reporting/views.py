"""The coordinator's program dashboard (Vega-Lite charts) and its numbers as CSV."""

import csv

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
from deflect.core.models import Pathway

from . import charts, selectors
from .forms import DashboardFilterForm


def _filters(request: SignedInRequest) -> DashboardFilterForm:
    require(request.user, caps.DASHBOARD_VIEW)
    agencies = visible_to(request.user, Agency).order_by("name")
    return DashboardFilterForm(request.GET, agencies=agencies)


def _board(request: SignedInRequest, form: DashboardFilterForm) -> selectors.Dashboard:
    data = form.cleaned_data
    return selectors.dashboard_for(
        actor=request.user,
        start=data.get("start"),
        end=data.get("end"),
        since_launch=bool(data.get("since_launch")),
        pathway=data.get("pathway") or "",
        agency_id=data.get("agency"),
    )


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    form = _filters(request)
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form}, status=400)
    board = _board(request, form)
    labels = dict(Pathway.choices)
    weekly = [
        {"week": week, "pathway": str(labels.get(pathway, pathway)), "n": weeks.get(week, 0)}
        for pathway, weeks in sorted(board.by_pathway.items())
        for week in board.weeks
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "board": board,
            "query": request.GET.urlencode(),
            "pathway_chart": charts.stacked_bar(
                weekly,
                x="week",
                value="n",
                series="pathway",
                title="Encounters by pathway per week",
                x_title="Week starting",
                value_title="Encounters",
                series_title="Pathway",
                temporal=True,
            ),
            "funnel_chart": _bars(board.funnel, "Referral funnel", "Step", "People"),
            "abeyance_chart": _bars(board.abeyance, "Abeyance outcomes", "Outcome", "Cases"),
        },
    )


def _bars(
    items: list[tuple[str, int | None]], title: str, category_title: str, value_title: str
) -> alt.LayerChart:
    return charts.bar(
        [{"label": label, "n": n} for label, n in items],
        category="label",
        value="n",
        title=title,
        category_title=category_title,
        value_title=value_title,
    )


@login_required
@require_GET
def dashboard_csv(request: SignedInRequest) -> HttpResponse:
    form = _filters(request)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    board = _board(request, form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dashboard.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "group", "value"])
    writer.writerows(selectors.dashboard_rows(board))
    audit_record(action=Action.EXPORT, actor=request.user, extra={"export": "dashboard"})
    return response
