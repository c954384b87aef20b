"""The coordinator's program dashboard (SVG charts) and its numbers as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deflect.accounts.http import SignedInRequest
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.models import Pathway

from . import charts, selectors


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    board = selectors.dashboard_for(actor=request.user)
    labels = dict(Pathway.choices)
    series = {str(labels.get(k, k)): v for k, v in board.by_pathway.items()}
    return render(
        request,
        "reporting/dashboard.html",
        {
            "board": board,
            "pathway_chart": charts.stacked_weeks(
                series, board.weeks, title="Encounters by pathway per week"
            ),
            "funnel_chart": charts.bar_chart(board.funnel, title="Referral funnel"),
            "abeyance_chart": charts.bar_chart(board.abeyance, title="Abeyance outcomes"),
        },
    )


@login_required
@require_GET
def dashboard_csv(request: SignedInRequest) -> HttpResponse:
    board = selectors.dashboard_for(actor=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dashboard.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "group", "value"])
    writer.writerows(selectors.dashboard_rows(board))
    audit_record(action=Action.EXPORT, actor=request.user, extra={"export": "dashboard"})
    return response
