"""Planning pages: adopted models and their checklists, readiness, and the intercept map.

Everyone in a program reads its planning; its coordinators (PLANNING_MANAGE) change it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.accounts.models import User
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.programs.models import Program

from . import selectors, services
from .forms import (
    ActivityForm,
    AddActivityForm,
    InterceptActionForm,
    InterceptGapForm,
    InterceptResourceForm,
)
from .models import ActivityStatus, InterceptAction, ModelAdoption, PlanningActivity
from .pipeline import PIPELINE


class SignedInRequest(HttpRequest):
    """A request to a ``login_required`` page: its user is signed in."""

    user: User


# The button that moves an activity from one status to another.
_STEP_LABELS = {
    ("not_started", "in_progress"): "Start",
    ("not_started", "done"): "Mark done",
    ("not_started", "not_applicable"): "Not applicable",
    ("in_progress", "not_started"): "Back to not started",
    ("in_progress", "done"): "Mark done",
    ("in_progress", "not_applicable"): "Not applicable",
    ("done", "in_progress"): "Reopen",
    ("not_applicable", "not_started"): "Make applicable again",
}


def _program(request: SignedInRequest, program_id: int) -> Program:
    return get_for(request.user, Program, program_id)


def _adoption(program: Program, adoption_id: int) -> ModelAdoption:
    adoption = program.adoptions.filter(pk=adoption_id).first()
    if adoption is None:
        raise Http404("No such planning model.")
    return adoption


def _activity(program: Program, activity_id: int) -> PlanningActivity:
    activity = (
        PlanningActivity.objects.filter(program=program, pk=activity_id)
        .select_related("adoption", "owner", "program")
        .first()
    )
    if activity is None:
        raise Http404("No such activity.")
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def planning(request: SignedInRequest, program_id: int) -> HttpResponse:
    """The program's adopted models with their readiness; coordinators adopt more here."""
    program = _program(request, program_id)
    may_edit = can(request.user, caps.PLANNING_MANAGE, program)
    status = 200
    if request.method == "POST":
        require(request.user, caps.PLANNING_MANAGE, program)
        try:
            adoption = services.model_adopt(
                actor=request.user, program=program, code=request.POST.get("code", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
            status = 422
        else:
            messages.success(request, f"{adoption.name} adopted: its checklist is below.")
            return redirect(
                "planning:planning-model", program_id=program.pk, adoption_id=adoption.pk
            )
    return render(
        request,
        "planning/planning.html",
        {
            "program": program,
            "views": selectors.adoption_views(program),
            "available": selectors.models_not_adopted(program) if may_edit else [],
            "may_edit": may_edit,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def planning_model(request: SignedInRequest, program_id: int, adoption_id: int) -> HttpResponse:
    """One adopted model's checklist. POST adds the program's own activity."""
    program = _program(request, program_id)
    adoption = _adoption(program, adoption_id)
    may_edit = can(request.user, caps.PLANNING_MANAGE, program)
    form = AddActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, caps.PLANNING_MANAGE, program)
        if form.is_valid():
            try:
                services.activity_add(
                    actor=request.user, adoption=adoption, title=form.cleaned_data["title"]
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Activity added.")
                return redirect(
                    "planning:planning-model", program_id=program.pk, adoption_id=adoption.pk
                )
        status = 422
    view = selectors.adoption_view(adoption)
    for activity in view.activities:
        activity.next_steps = [
            (status, _STEP_LABELS[(activity.status, status)])
            for status in ActivityStatus.values
            if status in PIPELINE[activity.status]
        ]
    return render(
        request,
        "planning/planning_model.html",
        {"program": program, "view": view, "may_edit": may_edit, "form": form},
        status=status,
    )


@login_required
def planning_readiness(request: SignedInRequest, program_id: int, adoption_id: int) -> HttpResponse:
    """The printable readiness report of one model, for the steering committee."""
    program = _program(request, program_id)
    adoption = _adoption(program, adoption_id)
    return render(
        request,
        "planning/planning_readiness.html",
        {
            "program": program,
            "view": selectors.adoption_view(adoption),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: SignedInRequest, program_id: int, activity_id: int) -> HttpResponse:
    program = _program(request, program_id)
    require(request.user, caps.PLANNING_MANAGE, program)
    activity = _activity(program, activity_id)
    initial = {
        "title": activity.title,
        "owner": activity.owner_id,
        "due_date": activity.due_date,
        "notes": activity.notes,
        "evidence_url": activity.evidence_url,
        "evidence_label": activity.evidence_label,
    }
    form = ActivityForm(
        request.POST or None, request.FILES or None, initial=initial, program=program
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.activity_update(
                    actor=request.user,
                    activity=activity,
                    title=data["title"],
                    owner=data["owner"],
                    due_date=data["due_date"],
                    notes=data["notes"],
                    evidence_url=data["evidence_url"],
                    evidence_label=data["evidence_label"],
                    evidence_file=data["evidence_file"] or None,
                    remove_file=data["remove_file"],
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Activity saved.")
                return redirect(
                    "planning:planning-model",
                    program_id=program.pk,
                    adoption_id=activity.adoption_id,
                )
        status = 422
    return render(
        request,
        "planning/activity_edit.html",
        {
            "program": program,
            "activity": activity,
            "form": form,
            "suggestions": _evidence_suggestions(program),
        },
        status=status,
    )


def _evidence_suggestions(program: Program) -> list[tuple[str, str]]:
    """Pages of deflect that often satisfy an activity, offered in the evidence link field."""
    pk = program.pk
    return [
        (reverse("training:overview", args=[pk]), "Staff training and coverage"),
        (reverse("naloxone:stock", args=[pk]), "Naloxone stock"),
        (reverse("screening:eligibility", args=[pk]), "Eligibility rules"),
        (reverse("community:events", args=[pk]), "Community education events"),
        (reverse("planning:intercepts", args=[pk]), "Sequential Intercept map"),
        (reverse("feedback:form-lang", args=[pk, "en"]), "Participant feedback form"),
        (reverse("staff-list"), "Staff and roles"),
    ]


@login_required
@require_POST
def activity_status(request: SignedInRequest, program_id: int, activity_id: int) -> HttpResponse:
    program = _program(request, program_id)
    require(request.user, caps.PLANNING_MANAGE, program)
    activity = _activity(program, activity_id)
    try:
        activity = services.activity_transition(
            actor=request.user, activity=activity, status=request.POST.get("status", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"“{activity.title[:60]}” is {activity.get_status_display().lower()}."
        )
    return redirect(
        "planning:planning-model", program_id=program.pk, adoption_id=activity.adoption_id
    )


@login_required
def activity_evidence(
    request: SignedInRequest, program_id: int, activity_id: int
) -> HttpResponseBase:
    """The attached document, to those who may read the program's planning."""
    program = _program(request, program_id)
    activity = _activity(program, activity_id)
    if not activity.evidence_file:
        raise Http404("No document attached.")
    return FileResponse(
        activity.evidence_file.open("rb"),
        as_attachment=True,
        filename=activity.evidence_file.name.rsplit("/", 1)[-1],
    )


# ---------------------------------------------------------------------------------------------
# The Sequential Intercept map
# ---------------------------------------------------------------------------------------------

_MAP_FORMS = {
    "resource": InterceptResourceForm,
    "gap": InterceptGapForm,
    "action": InterceptActionForm,
}


def _map_form(kind: str, program: Program, data: QueryDict | None = None) -> forms.Form:
    form_class = _MAP_FORMS[kind]
    kwargs = {"program": program} if kind == "action" else {}
    return form_class(data, prefix=kind, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def intercept_map(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    may_edit = can(request.user, caps.PLANNING_MANAGE, program)
    forms = {kind: _map_form(kind, program) for kind in _MAP_FORMS} if may_edit else {}
    status = 200
    if request.method == "POST":
        require(request.user, caps.PLANNING_MANAGE, program)
        kind = request.POST.get("kind", "")
        if kind not in _MAP_FORMS:
            raise Http404("No such kind of item.")
        form = forms[kind] = _map_form(kind, program, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "resource":
                    services.intercept_resource_add(actor=request.user, program=program, **data)
                elif kind == "gap":
                    services.intercept_gap_add(actor=request.user, program=program, **data)
                else:
                    services.intercept_action_add(actor=request.user, program=program, **data)
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Added to the intercept map.")
                return redirect("planning:intercepts", program_id=program.pk)
        status = 422
    return render(
        request,
        "planning/intercept_map.html",
        {
            "program": program,
            "intercepts": selectors.intercept_map(program),
            "may_edit": may_edit,
            "forms": forms,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def intercept_map_print(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    return render(
        request,
        "planning/intercept_map_print.html",
        {
            "program": program,
            "intercepts": selectors.intercept_map(program),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def intercept_action_done(request: SignedInRequest, program_id: int, item_id: int) -> HttpResponse:
    program = _program(request, program_id)
    require(request.user, caps.PLANNING_MANAGE, program)
    items = InterceptAction.objects.filter(program=program, pk=item_id).select_related("program")
    item = items.first()
    if item is None:
        raise Http404("No such action item.")
    services.intercept_action_complete(
        actor=request.user, item=item, done=request.POST.get("done") == "1"
    )
    return redirect("planning:intercepts", program_id=program.pk)


@login_required
@require_POST
def intercept_item_remove(
    request: SignedInRequest, program_id: int, kind: str, item_id: int
) -> HttpResponse:
    program = _program(request, program_id)
    require(request.user, caps.PLANNING_MANAGE, program)
    try:
        services.intercept_item_remove(
            actor=request.user, program=program, kind=kind, item_id=item_id
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Removed from the intercept map.")
    return redirect("planning:intercepts", program_id=program.pk)
