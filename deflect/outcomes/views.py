"""Outcomes pages: the measures with their intervals and curves, their CSV, the outside
records, and the upload of outside-record files with a progress bar (the page polls; each
poll checks the next chunk of rows)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require
from deflect.accounts.http import SignedInRequest
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors
from deflect.programs.models import Program
from deflect.programs.selectors import program_first_for

from . import charts, selectors, services
from .forms import OutcomeFilterForm, UploadForm, local_start
from .models import BatchStatus, ImportBatch
from .stats import SMALL_CELL


def _program(request: SignedInRequest, program_id: int, capability: str) -> Program:
    """403 for a role without ``capability`` anywhere (responders, prosecutors, providers),
    404 for a program the user cannot see."""
    require(request.user, capability)
    program = get_for(request.user, Program, program_id)
    require(request.user, capability, program)
    return program


@login_required
@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    program = program_first_for(actor=request.user, capability=caps.OUTCOMES_VIEW)
    return redirect("outcomes:report", program_id=program.pk)


def _report(
    request: SignedInRequest, program: Program
) -> tuple[OutcomeFilterForm, selectors.OutcomeReport | None]:
    form = OutcomeFilterForm(request.GET or None, agencies=program.agencies.order_by("name"))
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = OutcomeFilterForm({}, agencies=program.agencies.order_by("name"))
        form.is_valid()
    data = form.cleaned_data
    try:
        report = selectors.outcomes_report(
            actor=request.user,
            program=program,
            start=local_start(data["start"]),
            end=local_start(data["end"]) + selectors.ONE_DAY,
            pathway=data.get("pathway") or "",
            agency_id=data.get("agency"),
            comparison=data.get("comparison") or "",
            compare_start=local_start(data["compare_start"]) if data.get("compare_start") else None,
            compare_end=local_start(data["compare_end"]) + selectors.ONE_DAY
            if data.get("compare_end")
            else None,
        )
    except DomainError as error:
        add_domain_errors(form, error)
        return form, None
    return form, report


def _display(result: selectors.OutcomeReport) -> dict:
    """The report laid out for the template: one text per cell, one chart per curve set."""
    keys = [key for key, _ in result.columns]
    return {
        "table": [(row.label, [row.cells[key].text() for key in keys]) for row in result.rows],
        "people": [
            (label, "<11" if 0 < result.people[key] < SMALL_CELL else result.people[key])
            for key, label in result.columns
        ],
        "charts": [
            (title, charts.survival_svg(title, curves), curves)
            for title, curves in result.curves.items()
        ],
    }


@login_required
@require_GET
def report(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, caps.OUTCOMES_VIEW)
    form, result = _report(request, program)
    context = {"program": program, "form": form, "report": result, "query": request.GET.urlencode()}
    if result is not None:
        context |= _display(result)
    return render(
        request, "outcomes/report.html", context, status=200 if result is not None else 422
    )


@login_required
@require_GET
def report_csv(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, caps.OUTCOMES_VIEW)
    form, result = _report(request, program)
    if result is None:
        return HttpResponse("The filters are not valid.", status=422, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outcomes.csv"'
    csv.writer(response).writerows(selectors.report_csv_rows(result))
    audit_record(
        action=Action.EXPORT, actor=request.user, target=program, extra={"export": "outcomes"}
    )
    return response


@login_required
@require_GET
def records(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, caps.OUTSIDE_RECORD_VIEW)
    kind = request.GET.get("kind", "")
    rows = selectors.records_list(actor=request.user, program=program, kind=kind)
    return render(
        request, "outcomes/records.html", {"program": program, "records": rows, "kind": kind}
    )


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, caps.OUTSIDE_RECORD_IMPORT)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            mapping = form.cleaned_data.get("mapping")
            try:
                batch = services.import_begin(
                    actor=request.user,
                    program=program,
                    source=form.cleaned_data["source"],
                    kind=form.cleaned_data["kind"],
                    content=form.cleaned_data["file"].read(),
                    file_name=form.cleaned_data["file"].name,
                    mapping_text=mapping.read().decode("utf-8", "replace") if mapping else "",
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("outcomes:batch", batch_id=batch.pk)
    batches = selectors.batches_list(actor=request.user, program=program)
    return render(
        request,
        "outcomes/imports.html",
        {"program": program, "form": form, "batches": batches},
        status=status,
    )


def _batch(request: SignedInRequest, batch_id: int) -> ImportBatch:
    require(request.user, caps.OUTSIDE_RECORD_IMPORT)
    batch = get_for(request.user, ImportBatch, batch_id)
    require(request.user, caps.OUTSIDE_RECORD_IMPORT, batch)
    return batch


@login_required
@require_GET
def batch(request: SignedInRequest, batch_id: int) -> HttpResponse:
    return render(request, "outcomes/batch.html", {"batch": _batch(request, batch_id)})


@login_required
@require_POST
def batch_step(request: SignedInRequest, batch_id: int) -> HttpResponse:
    """One poll of the progress bar: check the next chunk of rows, answer the progress."""
    batch = services.import_check_step(actor=request.user, batch=_batch(request, batch_id))
    return render(request, "outcomes/_progress.html", {"batch": batch})


@login_required
@require_POST
def batch_commit(request: SignedInRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        batch = services.import_commit(actor=request.user, batch=batch)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if batch.status == BatchStatus.DONE:
            messages.success(
                request,
                f"Imported {batch.created_count} new records "
                f"({batch.existing_count} were imported before).",
            )
    return redirect("outcomes:batch", batch_id=batch.pk)
