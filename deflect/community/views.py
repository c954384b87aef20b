"""Community education: the program's events, and recording one (with the kits it gave out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.naloxone.models import Lot, StockLocation
from deflect.programs.models import Program
from deflect.programs.selectors import program_first_for

from . import services
from .forms import EventForm
from .models import Event


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    program = program_first_for(actor=request.user, capability=caps.PROGRAM_VIEW)
    return redirect("community:events", program_id=program.pk)


class EventKits(TypedDict):
    kits: int | None


def _events(program: Program) -> QuerySet[WithAnnotations[Event, EventKits]]:
    """The program's events, each with ``kits``: the kits distributed at it (negative)."""
    return (
        Event.objects.filter(program=program)
        .annotate(
            kits=Sum("naloxone_entries__quantity", filter=Q(naloxone_entries__kind="distributed"))
        )
        .order_by("-starts_at", "-id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def events(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = get_for(request.user, Program, program_id)
    may_record = can(request.user, caps.COMMUNITY_MANAGE, program)
    form = None
    status = 200
    if may_record:
        form = EventForm(
            request.POST or None,
            locations=StockLocation.objects.filter(program=program, is_active=True),
            lots=Lot.objects.filter(program=program),
        )
    if request.method == "POST":
        require(request.user, caps.COMMUNITY_MANAGE, program)
        assert form is not None  # require() refused anyone who may not record
        if form.is_valid():
            try:
                event = services.event_record(
                    actor=request.user, program=program, **form.cleaned_data
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Recorded: {event.title}.")
                return redirect("community:events", program_id=program.pk)
        status = 422
    listed = list(_events(program)[:200])
    totals = Event.objects.filter(program=program).aggregate(
        events=Count("pk"), attendance=Sum("attendance"), trained=Sum("people_trained")
    )
    return render(
        request,
        "community/events.html",
        {
            "program": program,
            "events": listed,
            "totals": totals,
            "kits_total": -sum(e.kits or 0 for e in listed),
            "form": form,
            "may_record": may_record,
        },
        status=status,
    )
