"""Funder reports (web, PDF, XLSX) and the de-identified export. Thin: the access policy
decides, ``reports.selectors`` reads, ``reports.services`` writes the export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import DomainError
from deflect.programs.models import Program

from . import render as report_render
from . import selectors, services
from .errors import ReportErrorCode
from .forms import ExportForm


def _program(request: SignedInRequest) -> Program | None:
    raw = request.GET.get("program") or ""
    if not raw.isdigit():
        return None
    return get_for(request.user, Program, int(raw), caps.REPORT_VIEW)


def _report(request: SignedInRequest, slug: str) -> selectors.Report:
    require(request.user, caps.REPORT_VIEW)
    template = selectors.template_get(slug)
    period = selectors.period_parse(request.GET.get("period"))
    program = _program(request)
    return selectors.report_build(
        actor=request.user, template=template, period=period, program=program
    )


def _audit(request: SignedInRequest, report: selectors.Report, fmt: str) -> None:
    audit_record(
        action=Action.REPORT_VIEW,
        actor=request.user,
        extra={
            "report": report.template.slug,
            "period": report.period.key,
            "program": report.program.pk if report.program else None,
            "format": fmt,
        },
    )


def _error(request: SignedInRequest, error: DomainError) -> HttpResponse:
    status = 404 if error.code == ReportErrorCode.TEMPLATE_NOT_FOUND else 400
    return render(request, "reports/error.html", {"error": error}, status=status)


@login_required
@require_GET
def report_list(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.REPORT_VIEW)
    return render(
        request,
        "reports/list.html",
        {
            "templates": selectors.template_list(),
            "quarters": selectors.recent_quarters(),
            "programs": visible_to(request.user, Program, caps.REPORT_VIEW).order_by("name"),
            "can_export": can(request.user, caps.EXPORT_DEIDENTIFIED),
        },
    )


@login_required
@require_GET
def report_detail(request: SignedInRequest, slug: str) -> HttpResponse:
    try:
        report = _report(request, slug)
    except DomainError as error:
        return _error(request, error)
    _audit(request, report, "web")
    query = request.GET.urlencode()
    return render(
        request,
        "reports/detail.html",
        {**report_render.report_context(report), "query": query},
    )


@login_required
@require_GET
def report_pdf(request: SignedInRequest, slug: str) -> HttpResponse:
    try:
        report = _report(request, slug)
    except DomainError as error:
        return _error(request, error)
    content = report_render.report_pdf(report)
    _audit(request, report, "pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.template.slug}-{report.period.key}.pdf"'
    )
    return response


@login_required
@require_GET
def report_xlsx(request: SignedInRequest, slug: str) -> HttpResponse:
    try:
        report = _report(request, slug)
    except DomainError as error:
        return _error(request, error)
    content = report_render.report_xlsx(report)
    _audit(request, report, "xlsx")
    response = HttpResponse(content, content_type=report_render.XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.template.slug}-{report.period.key}.xlsx"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export_deidentified(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.EXPORT_DEIDENTIFIED)
    programs = list(visible_to(request.user, Program, caps.EXPORT_DEIDENTIFIED).order_by("name"))
    form = ExportForm(request.POST or None, programs=programs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            program = None
            if form.cleaned_data["program"]:
                program = get_for(
                    request.user, Program, form.cleaned_data["program"], caps.EXPORT_DEIDENTIFIED
                )
            try:
                export = services.deidentified_export_create(
                    actor=request.user,
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                    program=program,
                    dates=form.cleaned_data["dates"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                response = HttpResponse(export.content, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
                return response
        status = 422
    return render(request, "reports/export.html", {"form": form}, status=status)
