"""Overdose surveillance pages: the event list, one event (identify the survivor), the EMS
upload, spike alerts with their response checklist, and the program's settings."""

from __future__ import annotations

import csv
import tempfile
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors, parse_id
from deflect.core.middleware import CONTENT_SECURITY_POLICY
from deflect.people.selectors import person_get_for
from deflect.programs.selectors import program_first_for

from . import selectors, services
from .forms import IdentifyForm, ImportForm, SettingsForm
from .models import ResponseStep

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """Alerts of the first program whose surveillance the user may see."""
    program = program_first_for(actor=request.user, capability=caps.SURVEILLANCE_VIEW)
    return redirect("surveillance:alerts", program_id=program.pk)


@login_required
def events(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.OVERDOSE_EVENT_VIEW
    )
    unidentified = request.GET.get("unidentified") == "1"
    since = timezone.now() - timedelta(days=90)
    rows = selectors.overdose_event_list(
        actor=request.user, program=program, since=since, unidentified_only=unidentified
    )
    return render(
        request,
        "surveillance/events.html",
        {
            "program": program,
            "events": rows,
            "unidentified": unidentified,
            "may_manage": can(request.user, caps.SURVEILLANCE_MANAGE, program),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event(request: SignedInRequest, event_id: int) -> HttpResponse:
    found = selectors.overdose_event_get(actor=request.user, event_id=event_id)
    may_manage = can(request.user, caps.SURVEILLANCE_MANAGE, found)
    form = IdentifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, caps.SURVEILLANCE_MANAGE, found)
        if form.is_valid():
            try:
                person = person_get_for(
                    actor=request.user, person_id=form.cleaned_data["person_id"]
                )
                services.overdose_identify(actor=request.user, event=found, person=person)
            except DomainError as error:
                add_domain_errors(form, error, {"person": "person_id"})
            else:
                messages.success(request, "Survivor identified; the follow-up has started.")
                return redirect("surveillance:event", event_id=found.pk)
        status = 400
    return render(
        request,
        "surveillance/event.html",
        {"event": found, "form": form, "may_manage": may_manage},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ems_upload(request: SignedInRequest, program_id: int) -> HttpResponse:
    """A coordinator drops an EMS export (NEMSIS 3.5 XML) here."""
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_MANAGE
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                try:
                    result = services.ems_import_file(
                        actor=request.user,
                        program=program,
                        path=path,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except DomainError as error:
                    add_domain_errors(form, error)
        if result is None:
            status = 400
    return render(
        request,
        "surveillance/import.html",
        {"program": program, "form": form, "result": result},
        status=status,
    )


@login_required
def alerts(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_VIEW
    )
    return render(
        request,
        "surveillance/alerts.html",
        {
            "program": program,
            "alerts": selectors.alert_list(actor=request.user, program=program),
            "may_manage": can(request.user, caps.SURVEILLANCE_MANAGE, program),
            "may_see_events": can(request.user, caps.OVERDOSE_EVENT_VIEW, program),
        },
    )


@login_required
def alert(request: SignedInRequest, alert_id: int) -> HttpResponse:
    found = selectors.alert_get(actor=request.user, alert_id=alert_id)
    done = {item.step: item for item in found.checklist.select_related("done_by")}
    steps = [(value, label, done.get(value)) for value, label in ResponseStep.choices]
    return render(
        request,
        "surveillance/alert.html",
        {
            "alert": found,
            "steps": steps,
            "may_manage": can(request.user, caps.SURVEILLANCE_MANAGE, found),
            "may_see_events": can(request.user, caps.OVERDOSE_EVENT_VIEW, found.program),
        },
    )


@login_required
@require_POST
def alert_step(request: SignedInRequest, alert_id: int) -> HttpResponse:
    found = selectors.alert_get(actor=request.user, alert_id=alert_id)
    try:
        _, marked = services.response_step_mark(
            actor=request.user,
            alert=found,
            step=request.POST.get("step", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if marked:
            messages.success(request, "Marked done.")
    return redirect("surveillance:alert", alert_id=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_MANAGE
    )
    config = services.settings_for(program)
    form = SettingsForm(request.POST or None, config=config)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.surveillance_settings_update(
                    actor=request.user, program=program, **form.values()
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect("surveillance:settings", program_id=program.pk)
        status = 400
    return render(
        request, "surveillance/settings.html", {"program": program, "form": form}, status=status
    )


MAP_PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}


def _map_period(request: SignedInRequest) -> tuple[int, datetime, datetime]:
    days = MAP_PERIODS.get(request.GET.get("days", "30"), 30)
    until = timezone.now()
    return days, until - timedelta(days=days), until


def tile_source(url: str) -> str:
    """The CSP source for a tile URL template ({s} subdomains become a wildcard)."""
    parts = urlsplit(url.replace("{s}", "SUB"))
    host = parts.netloc.replace("SUB.", "*.")
    return f"{parts.scheme or 'https'}://{host}"


@login_required
def overdose_map(request: SignedInRequest, program_id: int) -> HttpResponse:
    """The map: hex cells for everyone who may see the program's surveillance, points only
    for those who may see events (never names). The data layer shows without tiles."""
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_VIEW
    )
    days, _, _ = _map_period(request)
    tile_url = settings.DEFLECT_MAP_TILE_URL
    response = render(
        request,
        "surveillance/map.html",
        {
            "program": program,
            "days": days,
            "periods": list(MAP_PERIODS),
            "tile_url": tile_url,
            "tile_attribution": settings.DEFLECT_MAP_TILE_ATTRIBUTION,
            "may_manage": can(request.user, caps.SURVEILLANCE_MANAGE, program),
            "may_see_events": can(request.user, caps.OVERDOSE_EVENT_VIEW, program),
        },
    )
    if tile_url:
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self' data:", f"img-src 'self' data: {tile_source(tile_url)}"
        )
    return response


@login_required
def overdose_map_data(request: SignedInRequest, program_id: int) -> JsonResponse:
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_VIEW
    )
    _, since, until = _map_period(request)
    return JsonResponse(
        selectors.map_data(actor=request.user, program=program, since=since, until=until)
    )


@login_required
@require_POST
def sweep(request: SignedInRequest, program_id: int) -> HttpResponse:
    """Outreach tasks for the people with recent overdoses in an area (from the map or an
    alert)."""
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_MANAGE
    )
    alert_id = parse_id(request.POST.get("alert_id"))
    found = selectors.alert_get(actor=request.user, alert_id=alert_id) if alert_id else None
    days = parse_id(request.POST.get("days")) or 14
    try:
        result = services.outreach_sweep_create(
            actor=request.user,
            program=program,
            area_kind=request.POST.get("area_kind", ""),
            area=request.POST.get("area", ""),
            days=days,
            alert=found,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{result.scheduled} people queued for outreach; {result.already_open} already "
            "had an open follow-up.",
        )
    if found is not None:
        return redirect("surveillance:alert", alert_id=found.pk)
    return redirect("surveillance:map", program_id=program.pk)


@login_required
def odmap_export(request: SignedInRequest, program_id: int) -> HttpResponse:
    """The program's overdose events as an ODMAP bulk-upload CSV (``?days=`` back, 30)."""
    program = selectors.program_for(
        actor=request.user, program_id=program_id, capability=caps.SURVEILLANCE_MANAGE
    )
    days = min(parse_id(request.GET.get("days")) or 30, 3660)
    until = timezone.now()
    rows = selectors.odmap_rows(
        actor=request.user,
        program=program,
        since=until - timedelta(days=days),
        until=until,
        tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="odmap-{program.pk}-{until:%Y%m%d}.csv"'
    )
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(selectors.ODMAP_COLUMNS)
    writer.writerows(rows)
    return response
