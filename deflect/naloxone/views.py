"""Naloxone pages: stock by location, recording movements, drawing a kit, locations."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.encounters.models import Encounter
from deflect.programs.models import Program
from deflect.programs.selectors import program_first_for, program_staff

from . import selectors, services
from .forms import DrawForm, LocationForm, MovementForm
from .models import Channel, LocationKind, Lot, Movement, StockLocation


def _program(
    request: SignedInRequest, program_id: int, capability: str = caps.NALOXONE_VIEW
) -> Program:
    program = get_for(request.user, Program, program_id)
    require(request.user, capability, program)
    return program


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The first program whose naloxone the user may see."""
    program = program_first_for(actor=request.user, capability=caps.NALOXONE_VIEW)
    return redirect("naloxone:stock", program_id=program.pk)


def _locations(program: Program) -> QuerySet[StockLocation]:
    return StockLocation.objects.filter(program=program, is_active=True).order_by("kind", "name")


def _lots(program: Program) -> QuerySet[Lot]:
    return Lot.objects.filter(program=program).order_by("expires_on", "lot_number")


@login_required
def stock(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    since = timezone.now() - timedelta(days=365)
    report = selectors.stock_report(program)
    distributed = selectors.kits_distributed(program, since)
    channels = [(Channel(c).label, n) for c, n in distributed["by_channel"].items()]
    return render(
        request,
        "naloxone/stock.html",
        {
            "program": program,
            "report": report,
            "warnings": [r for r in report if r.below_threshold or r.expiring_kits],
            "total": sum(r.on_hand for r in report),
            "by_product": selectors.stock_by_product(program),
            "administrations": selectors.administrations_report(program, since),
            "distributed": distributed,
            "channels": channels,
            "may_manage": can(request.user, caps.NALOXONE_MANAGE, program),
            "may_use": can(request.user, caps.NALOXONE_USE, program),
            "draw_form": DrawForm(locations=_locations(program), lots=_lots(program)),
            "kinds": Movement.choices,
            "warning_days": selectors.EXPIRY_WARNING_DAYS,
        },
    )


@login_required
def ledger(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    location = None
    if request.GET.get("location"):
        location = _locations(program).filter(pk=request.GET["location"]).first()
        if location is None:
            raise Http404("No such location.")
    return render(
        request,
        "naloxone/ledger.html",
        {
            "program": program,
            "location": location,
            "entries": selectors.ledger_page(program, location),
        },
    )


def _encounters(request: SignedInRequest, program: Program) -> QuerySet[Encounter]:
    since = timezone.now() - timedelta(days=30)
    if not can(request.user, caps.ENCOUNTER_VIEW, program):
        return visible_to(request.user, Encounter).none()
    return (
        visible_to(request.user, Encounter)
        .filter(program=program, occurred_at__gte=since, overdose__isnull=False)
        .order_by("-occurred_at")[:50]
    )


@login_required
@require_http_methods(["GET", "POST"])
def movement(request: SignedInRequest, program_id: int, kind: str) -> HttpResponse:
    if kind not in services.MOVEMENT_CAPABILITY:
        raise Http404("No such kind of movement.")
    program = _program(request, program_id, services.MOVEMENT_CAPABILITY[kind])
    encounters = (
        _encounters(request, program)
        if kind == Movement.ADMINISTERED
        else visible_to(request.user, Encounter).none()
    )
    if kind == Movement.ADMINISTERED and request.method == "POST":
        # The choice list is the recent ones; any encounter the user may see is accepted.
        encounters = visible_to(request.user, Encounter).filter(program=program)
    form = MovementForm(
        request.POST or None,
        kind=kind,
        locations=_locations(program),
        lots=_lots(program),
        encounters=encounters,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                lot = data.get("lot") or services.lot_get_or_create(
                    program=program,
                    product=data["product"],
                    lot_number=data["lot_number"],
                    expires_on=data.get("expires_on"),
                )
                services.movement_record(
                    actor=request.user,
                    program=program,
                    kind=kind,
                    location=data["location"],
                    lot=lot,
                    quantity=data["quantity"],
                    to_location=data.get("to_location"),
                    source=data.get("source", ""),
                    channel=data.get("channel", ""),
                    disposal_reason=data.get("disposal_reason", ""),
                    encounter=data.get("encounter"),
                    note=data.get("note", ""),
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{Movement(kind).label}: {data['quantity']} kit(s).")
                return redirect("naloxone:stock", program_id=program.pk)
        status = 422
    return render(
        request,
        "naloxone/movement.html",
        {"program": program, "form": form, "kind": kind, "kind_label": Movement(kind).label},
        status=status,
    )


@login_required
@require_POST
def draw(request: SignedInRequest, program_id: int) -> HttpResponse:
    """A responder takes kits into their own kit."""
    program = _program(request, program_id, caps.NALOXONE_USE)
    form = DrawForm(request.POST, locations=_locations(program), lots=_lots(program))
    if form.is_valid():
        try:
            services.kit_draw(actor=request.user, program=program, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{form.cleaned_data['quantity']} kit(s) added to your kit.")
    else:
        messages.error(request, "Choose where the kit comes from, the lot and how many.")
    return redirect("naloxone:stock", program_id=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def locations(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, caps.NALOXONE_MANAGE)
    form = LocationForm(
        request.POST or None, agencies=program.agencies.all(), staff=program_staff(program)
    )
    status = 200
    if request.method == "POST" and request.POST.get("location_id"):
        return _threshold_update(request, program)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.location_save(actor=request.user, program=program, **form.cleaned_data)
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Location saved.")
                return redirect("naloxone:locations", program_id=program.pk)
        status = 422
    return render(
        request,
        "naloxone/locations.html",
        {
            "program": program,
            "form": form,
            "locations": StockLocation.objects.filter(program=program).select_related(
                "agency", "holder"
            ),
            "kinds": LocationKind,
        },
        status=status,
    )


def _threshold_update(request: SignedInRequest, program: Program) -> HttpResponse:
    """Change one location's reorder threshold (the inline form of the locations table)."""
    location = StockLocation.objects.filter(program=program, pk=request.POST["location_id"]).first()
    if location is None:
        raise Http404("No such location.")
    try:
        threshold = int(request.POST.get("reorder_threshold", ""))
        services.location_save(
            actor=request.user,
            program=program,
            location=location,
            name=location.name,
            kind=location.kind,
            agency=location.agency,
            holder=location.holder,
            reorder_threshold=threshold,
        )
    except ValueError:
        messages.error(request, "The threshold must be a whole number.")
    except DomainError as error:
        messages.error(request, "; ".join(sum(error.fields.values(), [])) or error.message)
    else:
        messages.success(request, f"{location}: reorder below {threshold} kits.")
    return redirect("naloxone:locations", program_id=program.pk)
