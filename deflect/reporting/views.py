"""The coordinator's program dashboard (Vega-Lite charts) and its numbers as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.models import Pathway

from . import charts, selectors


@login_required
@require_GET
def dashboard(request):
    board = selectors.dashboard_for(actor=request.user)
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
            "board": board,
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


def _bars(items, title, category_title, value_title):
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
def dashboard_csv(request):
    board = selectors.dashboard_for(actor=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dashboard.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "group", "value"])
    writer.writerows(selectors.dashboard_rows(board))
    audit_record(action=Action.EXPORT, actor=request.user, extra={"export": "dashboard"})
    return response
