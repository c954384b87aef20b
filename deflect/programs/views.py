from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.accounts.models import Role, User
from deflect.core.errors import DomainError

from . import services
from .forms import ProgramEditForm, ProgramMfaForm
from .models import Program


def _operations_links(user: User, program: Program) -> list[dict]:
    """Links to the parts of running the program this user may open."""
    links = [
        ("Naloxone stock", "naloxone:stock", caps.NALOXONE_VIEW),
        ("Staff training", "training:overview", caps.TRAINING_VIEW),
        ("Participant feedback", "feedback:responses", caps.FEEDBACK_VIEW),
    ]
    return [
        {"label": label, "url": reverse(name, args=[program.pk])}
        for label, name, capability in links
        if can(user, capability, program)
    ]


@login_required
def program_list(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.PROGRAM_VIEW)
    programs = visible_to(request.user, Program).prefetch_related("pathways", "agencies")
    return render(request, "programs/program_list.html", {"programs": programs})


@login_required
@require_http_methods(["GET", "POST"])
def program_detail(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = get_for(request.user, Program, program_id)
    may_edit = can(request.user, caps.PROGRAM_MANAGE, program)
    initial = {
        "jurisdiction": program.jurisdiction,
        "description": program.description,
        "pathways": list(program.pathways.values_list("pathway", flat=True)),
    }
    form = ProgramEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        require(request.user, caps.PROGRAM_MANAGE, program)
        if form.is_valid():
            try:
                services.program_update(
                    actor=request.user,
                    program=program,
                    pathways=form.cleaned_data["pathways"],
                    description=form.cleaned_data["description"],
                    jurisdiction=form.cleaned_data["jurisdiction"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Program saved.")
                return redirect("programs:detail", program_id=program.pk)
        status = 422
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "agencies": program.agencies.all(),
            "pathways": program.pathways.all(),
            "form": form,
            "may_edit": may_edit,
            "operations": _operations_links(request.user, program),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_mfa(request: SignedInRequest, program_id: int) -> HttpResponse:
    """Who must sign in with a second factor: roles and agencies of this program (CJIS asks it
    of everyone who reaches criminal-justice information). Coordinators and admins edit."""

    program = get_for(request.user, Program, program_id)
    require(request.user, caps.PROGRAM_MANAGE, program)
    initial = {
        "roles": program.mfa_required_roles,
        "agencies": list(program.mfa_required_agencies.all()),
    }
    form = ProgramMfaForm(request.POST or None, initial=initial, program=program)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.program_mfa_update(
                    actor=request.user,
                    program=program,
                    roles=form.cleaned_data["roles"],
                    agencies=form.cleaned_data["agencies"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Sign-in requirements saved.")
                return redirect("programs:mfa", program_id=program.pk)
        status = 422
    return render(
        request,
        "programs/program_mfa.html",
        {"program": program, "form": form, "roles": Role},
        status=status,
    )
