"""The clerical review queue for analysts: uncertain pairs and likely duplicate people, the two
records side by side, confirm / reject, merge two people and undo a merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.people.merge import person_merge, person_unmerge
from deflect.programs.models import Program

from . import selectors, services
from .models import PairKind, ReviewStatus


@login_required
@require_http_methods(["GET"])
def queue(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = get_for(request.user, Program, program_id, caps.OUTSIDE_RECORD_LINK)
    kind = request.GET.get("kind", "")
    if kind not in PairKind.values:
        kind = ""
    pairs = selectors.review_queue(actor=request.user, program=program, kind=kind)
    return render(
        request,
        "linkage/queue.html",
        {
            "program": program,
            "pairs": pairs,
            "kind": kind,
            "kinds": PairKind.choices,
            "run": selectors.latest_run(actor=request.user, program=program),
            "merges": selectors.merges_of(actor=request.user, program=program),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair(request: SignedInRequest, pair_id: int) -> HttpResponse:
    view = selectors.review_pair_get(actor=request.user, pair_id=pair_id)
    status = 200
    if request.method == "POST":
        try:
            services.review_decide(
                actor=request.user,
                pair_id=view.pair.pk,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
            status = error.status
        else:
            messages.success(request, "Decision saved; later runs respect it.")
            return redirect("linkage:queue", program_id=view.pair.program_id)
    return render(
        request,
        "linkage/pair.html",
        {"view": view, "statuses": ReviewStatus, "kinds": PairKind},
        status=status,
    )


@login_required
@require_POST
def merge(request: SignedInRequest, pair_id: int) -> HttpResponse:
    """Merge the two people of a duplicate pair (the left one survives) and confirm the pair."""
    view = selectors.review_pair_get(actor=request.user, pair_id=pair_id)
    left, right = view.left.get("person_id"), view.right.get("person_id")
    if view.pair.kind != PairKind.PERSON_PERSON or not left or not right:
        messages.error(request, "Only two deflect people can be merged.")
        return render(
            request, "linkage/pair.html", {"view": view, "statuses": ReviewStatus}, status=422
        )
    try:
        person_merge(
            actor=request.user,
            survivor_id=left,
            merged_id=right,
            reason=request.POST.get("reason", ""),
        )
        if view.pair.status != ReviewStatus.CONFIRMED:
            services.review_decide(
                actor=request.user, pair_id=view.pair.pk, decision=ReviewStatus.CONFIRMED
            )
    except DomainError as error:
        messages.error(request, error.message)
        return render(
            request,
            "linkage/pair.html",
            {"view": view, "statuses": ReviewStatus},
            status=error.status,
        )
    messages.success(request, f"Person #{right} merged into #{left}.")
    return redirect("linkage:queue", program_id=view.pair.program_id)


@login_required
@require_POST
def unmerge(request: SignedInRequest, merge_id: int) -> HttpResponse:
    record = selectors.merge_for(actor=request.user, merge_id=merge_id)
    try:
        person_unmerge(actor=request.user, merge_id=record.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("linkage:queue", program_id=record.program_id)
    messages.success(request, f"Merge undone: person #{record.merged_id} is separate again.")
    return redirect("linkage:queue", program_id=record.program_id)
