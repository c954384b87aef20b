"""Case pages (caseload, enrollment, service plan, needs, notes, timeline) and abeyance pages
(the case manager's, and the prosecutor's status-only list)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.disclosure import notice_of
from deflect.access.policy import can, get_for, owns, program_staff, require
from deflect.accounts.http import SignedInRequest
from deflect.accounts.models import User
from deflect.core.errors import DomainError
from deflect.core.forms import parse_id
from deflect.people.models import Person

from . import selectors, services
from .models import (
    NEED_STATUSES,
    AbeyanceCase,
    Case,
    CaseStatus,
    Disposition,
    NeedKind,
    NoteKind,
    PlanGoal,
    PlanTask,
    ProgressKind,
    ProsecutorAbeyance,
)

# What each disposition does, shown beside the choice before the prosecutor confirms it.
DISPOSITION_OUTCOMES = (
    (
        Disposition.CHARGES_DROPPED,
        Disposition.CHARGES_DROPPED.label,
        "The held charges are dismissed and the abeyance case closes.",
    ),
    (
        Disposition.REFERRED_FOR_PROSECUTION,
        Disposition.REFERRED_FOR_PROSECUTION.label,
        "The held charges go forward to prosecution and the abeyance case closes.",
    ),
)


@login_required
@require_GET
def case_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    mine = request.GET.get("mine") == "1"
    cases = selectors.case_list_for(actor=request.user, status=status, mine=mine)
    return render(
        request,
        "cases/case_list.html",
        {
            "cases": cases,
            "status": status,
            "mine": mine,
            "statuses": CaseStatus.choices,
            "may_open": can(request.user, caps.CASE_MANAGE),
        },
    )


def _program_staff(person: Person) -> QuerySet[User]:
    return program_staff(person.program).order_by("username")


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.CASE_MANAGE)
    source = request.POST if request.method == "POST" else request.GET
    person = get_for(request.user, Person, source.get("person"), caps.CASE_MANAGE)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            case = services.case_open(
                actor=request.user,
                person_id=person.pk,
                care_coordinator_id=parse_id(request.POST.get("care_coordinator_id")),
                peer_specialist_id=parse_id(request.POST.get("peer_specialist_id")),
                encounter_id=parse_id(request.POST.get("encounter")),
                referral_id=parse_id(request.POST.get("referral")),
            )
        except DomainError as error:
            errors, status = error.fields or {"__all__": [error.message]}, 422
        else:
            messages.success(request, "Case opened.")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_new.html",
        {
            "person": person,
            "staff": _program_staff(person),
            "errors": errors,
            "encounter": source.get("encounter", ""),
            "referral": source.get("referral", ""),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=request.user, case_id=case_id)
    cache: dict = {}
    notes, withheld, _ = selectors.case_notes_for(actor=request.user, case=case, cache=cache)
    needs = {n.kind: n for n in case.needs.all()}
    need_rows = [
        {"kind": kind, "label": label, "need": needs.get(kind), "statuses": NEED_STATUSES[kind]}
        for kind, label in NeedKind.choices
    ]

    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "notes": notes,
            "withheld": withheld,
            "need_rows": need_rows,
            "may_manage": owns(request.user, caps.CASE_MANAGE, case),
            "may_clinical": can(request.user, caps.CLINICAL_VIEW, case.person),
            "note_kinds": NoteKind.choices,
            "moves": sorted(services.CASE_PIPELINE.get(case.status, ())),
            "referrals": selectors.case_referrals_for(actor=request.user, case=case),
            "timeline": selectors.timeline_for(
                actor=request.user, person=case.person, case=case, cache=cache
            ),
            "notice": notice_of(cache),
        },
    )


@login_required
@require_POST
def case_update(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = get_for(request.user, Case, case_id, caps.CASE_MANAGE)
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "note":
            services.case_note_add(
                actor=request.user, case=case, kind=post.get("kind", ""), text=post.get("text", "")
            )
        elif action == "goal":
            services.plan_goal_add(
                actor=request.user, case=case, description=post.get("description", "")
            )
        elif action == "task":
            goal = selectors.plan_goal_for(
                actor=request.user, case=case, goal_id=parse_id(post.get("goal_id")) or 0
            )
            services.plan_task_add(
                actor=request.user,
                goal=goal,
                description=post.get("description", ""),
                due_on=parse_date(post.get("due_on", "") or "") if post.get("due_on") else None,
            )
        elif action == "task_done":
            task = selectors.plan_task_for(
                actor=request.user, case=case, task_id=parse_id(post.get("task_id")) or 0
            )
            services.plan_task_complete(actor=request.user, task=task)
        elif action == "need":
            services.case_need_set(
                actor=request.user,
                case=case,
                kind=post.get("kind", ""),
                status=post.get("status", ""),
                detail=post.get("detail", ""),
            )
        elif action == "status":
            services.case_transition(
                actor=request.user,
                case=case,
                to=post.get("status", ""),
                reason=post.get("reason", ""),
            )
        else:
            messages.error(request, "Unknown action.")
            return redirect("cases:detail", case_id=case.pk)
    except (PlanGoal.DoesNotExist, PlanTask.DoesNotExist, ValueError):
        messages.error(request, "That item is not part of this case.")
    except DomainError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        messages.error(request, f"{error.message} {details}".strip())
    else:
        messages.success(request, "Saved.")
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_GET
def person_timeline(request: SignedInRequest, person_id: int) -> HttpResponse:
    cache: dict = {}
    person, timeline = selectors.person_timeline_get_for(
        actor=request.user, person_id=person_id, cache=cache
    )
    return render(
        request,
        "cases/timeline.html",
        {"person": person, "timeline": timeline, "notice": notice_of(cache)},
    )


@login_required
@require_GET
def abeyance_list(request: SignedInRequest) -> HttpResponse:
    rows = selectors.abeyance_list_for(actor=request.user)
    return render(
        request,
        "cases/abeyance_list.html",
        {"rows": rows, "notice": next((r.notice for r in rows if r.notice), "")},
    )


@login_required
@require_GET
def abeyance_detail(request: SignedInRequest, abeyance_id: int) -> HttpResponse:
    row = selectors.abeyance_get_for(actor=request.user, abeyance_id=abeyance_id)
    return render(
        request,
        "cases/abeyance_detail.html",
        {
            "row": row,
            "a": row.abeyance,
            "progress": row.abeyance.progress.select_related("recorded_by"),
            "kinds": ProgressKind.choices,
            "may_manage": can(request.user, caps.ABEYANCE_MANAGE, row.abeyance),
            # Progress toward treatment conditions: clinical access AND the compliance
            # information held by the actor's agency or disclosed to it under consent.
            "show_detail": row.disclosed
            and can(request.user, caps.CLINICAL_VIEW, row.abeyance.person),
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def abeyance_progress(request: SignedInRequest, abeyance_id: int) -> HttpResponse:
    abeyance = get_for(request.user, AbeyanceCase, abeyance_id, caps.ABEYANCE_MANAGE)
    post = request.POST
    try:
        if post.get("action") == "conditions":
            services.abeyance_set_conditions(
                actor=request.user,
                abeyance=abeyance,
                requires_treatment=post.get("requires_treatment") == "on",
                requires_service_plan=post.get("requires_service_plan") == "on",
                community_service_hours_required=post.get("community_service_hours_required", "0")
                or "0",
                deadline=parse_date(post.get("deadline", "") or "") or abeyance.deadline,
                conditions_text=post.get("conditions_text", ""),
            )
        else:
            services.abeyance_progress_record(
                actor=request.user,
                abeyance=abeyance,
                kind=post.get("kind", ""),
                hours=post.get("hours", "0") or "0",
                on=parse_date(post.get("on", "") or "") if post.get("on") else None,
                note=post.get("note", ""),
            )
    except (DomainError, ValueError) as error:
        message = getattr(error, "message", "Invalid date.")
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in getattr(error, "fields", {}).items())
        messages.error(request, f"{message} {details}".strip())
    else:
        messages.success(request, "Progress recorded.")
    return redirect("cases:abeyance-detail", abeyance_id=abeyance.pk)


@login_required
@require_GET
def prosecutor_list(request: SignedInRequest) -> HttpResponse:
    rows = [selectors.prosecutor_row(r) for r in selectors.prosecutor_list_for(actor=request.user)]
    return render(
        request,
        "cases/prosecutor_list.html",
        {
            "rows": rows,
            "notice": next((r["notice"] for r in rows if r["notice"]), ""),
            "dispositions": DISPOSITION_OUTCOMES,
            "may_dispose": can(request.user, caps.ABEYANCE_DISPOSE),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def prosecutor_dispose(request: SignedInRequest, abeyance_id: int) -> HttpResponse:
    abeyance = get_for(request.user, ProsecutorAbeyance, abeyance_id, caps.ABEYANCE_DISPOSE)
    correcting = bool(abeyance.disposition)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing was recorded: tick the confirmation box first.")
        return redirect("cases:prosecutor-list")
    try:
        services.abeyance_dispose(
            actor=request.user,
            abeyance=abeyance,
            disposition=request.POST.get("disposition", ""),
            note=request.POST.get("note", ""),
            correction_reason=request.POST.get("correction_reason", ""),
        )
    except DomainError as error:
        details = " ".join(" ".join(v) for v in getattr(error, "fields", {}).values())
        messages.error(request, f"Nothing was recorded: {error.message} {details}".strip())
    else:
        messages.success(
            request, "Disposition corrected." if correcting else "Disposition recorded."
        )
    return redirect("cases:prosecutor-list")
