"""Referral pages: the requester's list, form and detail; the provider portal (inbound list,
answer, intake); the printable accounting of disclosures."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.disclosure import consent_records_visible
from deflect.access.policy import can, get_for, owns, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import Conflict, DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.encounters.models import Encounter
from deflect.people.models import Person
from deflect.programs.models import Program

from . import pipeline, selectors, services
from .forms import ReferralForm, TransitionForm
from .models import Referral, ReferralStatus

# The resource directory's capacity page (built with the directory); the provider portal links
# to it once it exists.
CAPACITY_URL_NAME = "resources:capacity"


@login_required
@require_GET
def referral_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    flagged = request.GET.get("flagged") == "1"
    referrals = list(
        selectors.referral_list_for(actor=request.user, status=status, flagged=flagged)
    )
    cache: dict = {}
    rows = [
        {
            "referral": r,
            "status_label": selectors.referral_view(r, request.user, with_notes=False, cache=cache)[
                "status_label"
            ],
            "flagged": r.no_response_flagged_at is not None
            and r.status in pipeline.AWAITING_RESPONSE,
        }
        for r in referrals
    ]
    return render(
        request,
        "referrals/referral_list.html",
        {"rows": rows, "status": status, "flagged": flagged, "statuses": ReferralStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.REFERRAL_CREATE)
    source = request.POST if request.method == "POST" else request.GET
    person_id = source.get("person_id") or source.get("person")
    encounter = None
    if source.get("encounter_id") or source.get("encounter"):
        encounter = get_for(
            request.user, Encounter, source.get("encounter_id") or source.get("encounter")
        )
        person_id = person_id or encounter.person_id
    if not person_id:
        raise Http404("Choose a person to refer.")
    person = get_for(request.user, Person, person_id, caps.REFERRAL_CREATE)
    services_qs = selectors.referable_services(actor=request.user)
    if request.method == "GET":
        form = ReferralForm(
            services=services_qs,
            initial={
                "person_id": person.pk,
                "encounter_id": encounter.pk if encounter else None,
                "case_id": source.get("case") or None,
                # Chosen on the resource match screen, when the referral starts there.
                "service_id": source.get("service") or None,
                "client_uuid": uuid.uuid4(),
                "response_due_minutes": services.response_minutes_for(person.program),
            },
        )
        status = 200
    else:
        form = ReferralForm(request.POST, services=services_qs)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.referral_create(
                    actor=request.user,
                    person_id=person.pk,
                    service_id=data["service_id"],
                    need=data["need"],
                    level_of_care=data["level_of_care"],
                    encounter_id=data["encounter_id"],
                    case_id=data["case_id"],
                    handoff=data["handoff"],
                    transport=data["transport"],
                    departed_at=data["departed_at"],
                    arrived_at=data["arrived_at"],
                    response_due_minutes=data["response_due_minutes"],
                    client_uuid=data["client_uuid"],
                )
            except Conflict as error:
                # This form's id already belongs to a different referral: nothing was saved.
                # Give the form a new id so pressing Send again records these answers.
                data = request.POST.copy()
                data["client_uuid"] = str(uuid.uuid4())
                form.data = data
                form.add_error(
                    None,
                    f"{error.message} These answers were not saved: check them and press Send "
                    "to make a new referral.",
                )
                status = 409
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Referral sent to the provider.")
                return redirect("referrals:detail", referral_id=result.referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "person": person, "encounter": encounter},
        status=status,
    )


@login_required
@require_GET
def referral_detail(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(actor=request.user, referral_id=referral_id)
    view = selectors.referral_view(referral, request.user)
    may_request = owns(request.user, caps.REFERRAL_CREATE, referral)
    moves = pipeline.moves_for(referral.status, pipeline.REQUESTER) if may_request else []
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "view": view,
            "moves": moves,
            "may_request": may_request,
            "may_enroll": can(request.user, caps.CASE_MANAGE, referral),
        },
    )


def _transition(request: SignedInRequest, referral: Referral, redirect_to: str) -> HttpResponse:
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Some fields are invalid: " + form.errors.as_text())
        return redirect(redirect_to, referral_id=referral.pk)
    data = form.cleaned_data
    try:
        services.referral_transition(
            actor=request.user,
            referral=referral,
            to=data["status"],
            reason=data["reason"],
            note=data["note"],
            intake_at=data["intake_at"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        response = redirect(redirect_to, referral_id=referral.pk)
        response.status_code = 303
        return response
    messages.success(request, f"Referral is now {ReferralStatus(data['status']).label.lower()}.")
    return redirect(redirect_to, referral_id=referral.pk)


@login_required
@require_POST
def referral_status(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = get_for(request.user, selectors.Referral, referral_id, caps.REFERRAL_CREATE)
    return _transition(request, referral, "referrals:detail")


@login_required
@require_GET
def inbound_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    referrals = selectors.inbound_list_for(actor=request.user, status=status)
    return render(
        request,
        "referrals/inbound_list.html",
        {
            "referrals": referrals,
            "counts": selectors.inbound_counts(actor=request.user),
            "status": status,
        },
    )


@login_required
@require_GET
def inbound_detail(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.inbound_get_for(actor=request.user, referral_id=referral_id)
    return render(
        request,
        "referrals/inbound_detail.html",
        {
            "referral": referral,
            "packet": referral.disclosed,
            "moves": pipeline.moves_for(referral.status, pipeline.PROVIDER),
            "reason_required": pipeline.REASON_REQUIRED,
        },
    )


@login_required
@require_POST
def inbound_status(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = get_for(request.user, selectors.InboundReferral, referral_id)
    return _transition(request, referral, "referrals:inbound-detail")


@login_required
@require_GET
def inbound_capacity(request: SignedInRequest) -> HttpResponse:
    """Where the provider updates capacity: the resource directory owns capacity."""
    require(request.user, caps.REFERRAL_RECEIVE)
    try:
        capacity_url = reverse(CAPACITY_URL_NAME)
    except NoReverseMatch:
        capacity_url = ""
    return render(request, "referrals/inbound_capacity.html", {"capacity_url": capacity_url})


@login_required
@require_GET
def disclosures(request: SignedInRequest, person_id: int) -> HttpResponse:
    person, rows = selectors.disclosure_accounting(actor=request.user, person_id=person_id)
    return render(
        request,
        "referrals/disclosures.html",
        {
            "person": person,
            "rows": rows,
            "withheld": not consent_records_visible(request.user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_settings(request: SignedInRequest, program_id: int) -> HttpResponse:
    """The coordinator sets how long providers have to answer a referral."""

    program = get_for(request.user, Program, program_id, caps.FOLLOWUP_CONFIGURE)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            services.referral_settings_update(
                actor=request.user,
                program=program,
                response_minutes=request.POST.get("response_minutes"),
            )
        except DomainError as error:
            errors, status = error.fields, 422
        else:
            messages.success(request, "Referral settings saved.")
            return redirect("referrals:program-settings", program_id=program.pk)
    return render(
        request,
        "referrals/program_settings.html",
        {
            "program": program,
            "minutes": request.POST.get("response_minutes")
            or services.response_minutes_for(program),
            "errors": errors,
        },
        status=status,
    )
