import uuid
from enum import Enum
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from deflect.access import capabilities as caps
from deflect.access.policy import can, require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.accounts.models import User
from deflect.core.errors import Conflict, DomainError
from deflect.core.forms import add_domain_errors
from deflect.core.models import Pathway
from deflect.people import choices as person_choices
from deflect.people.selectors import person_get_for
from deflect.programs.models import Program
from deflect.programs.selectors import prosecutor_offices
from deflect.screening import rules

from . import amendments, choices, selectors, services
from .forms import submission_from_post
from .inputs import DETAIL_FIELDS
from .sections import SECTIONS


def _labelled(enum: type[Enum]) -> list[tuple[str, str]]:
    return [(item.value, item.value.replace("_", " ").capitalize()) for item in enum]


FORM_CHOICES = {
    "SUBSTANCE_CHOICES": _labelled(rules.Substance),
    "OFFENSE_CATEGORY_CHOICES": _labelled(rules.OffenseCategory),
    "OUD_INDICATOR_CHOICES": _labelled(rules.OudIndicator),
    "HOUSING_CHOICES": _labelled(rules.HousingStatus),
    "READINESS_CHOICES": _labelled(rules.Readiness),
    "YES_NO_UNKNOWN": [("true", "Yes"), ("false", "No")],
    "ELIGIBLE_CHOICES": [("true", "Eligible"), ("false", "Not eligible")],
}


def _person_search_url() -> str:
    try:
        return reverse("people:search-results")
    except NoReverseMatch:
        return ""


def _prosecutor_offices(programs: QuerySet[Program]) -> list[tuple[int, str]]:
    """The prosecutor's offices of the user's programs; the form asks which one holds charges
    in abeyance only when there is more than one."""
    return list(prosecutor_offices(programs).values_list("pk", "name"))


def _form_context(
    request: SignedInRequest,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    programs = visible_to(request.user, Program).prefetch_related("pathways")
    enabled = {p.pathway for program in programs for p in program.pathways.all()}

    return {
        "pathways": [p for p in Pathway if p.value in enabled],
        "detail_fields": DETAIL_FIELDS,
        "pathway_sections": SECTIONS.values(),
        "choices": choices,
        "person_choices": person_choices,
        "form": FORM_CHOICES,
        "prosecutor_offices": _prosecutor_offices(programs),
        "person_search_url": _person_search_url(),
        "values": values or {},
        "errors": errors or {},
        "client_uuid": (values or {}).get("client_uuid") or uuid.uuid4(),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def encounter_new(request: SignedInRequest) -> HttpResponse:
    """The phone form. POSTs are idempotent: a retried submission lands on the same record."""
    require(request.user, caps.ENCOUNTER_CREATE)
    if request.method == "GET":
        return render(request, "encounters/encounter_form.html", _form_context(request))
    from_outbox = request.POST.get("sent_from") == "outbox"
    fresh_uuid = None
    try:
        data = submission_from_post(request.POST)
        result = services.encounter_create(actor=request.user, data=data)
    except Conflict:
        # This form's id already belongs to an encounter with other answers. Keep what was
        # typed, give the form a new id, and let the responder decide: save these answers as a
        # new encounter, or open the one already saved.
        fresh_uuid = uuid.uuid4()
        earlier = selectors.encounter_id_for_submission(
            actor=request.user, client_uuid=request.POST.get("client_uuid", "")
        )
        already = f" as encounter #{earlier}" if earlier else ""
        errors = {
            "__all__": [
                f"This form was already saved{already} with different answers, so these "
                "changes were not saved. Check them and press Save to record them as a new "
                "encounter, or start a new form."
            ]
        }
        status = 409
    except DomainError as error:
        errors = error.fields or {"__all__": [error.message]}
        if error.fields:
            errors.setdefault("__all__", [error.message])
        status = 422
    else:
        if from_outbox:
            # Sent in the background from the phone's outbox: nobody is looking at the record,
            # so answer with its id instead of redirecting to (and auditing a read of) it.
            response = HttpResponse(status=201 if result.created else 200)
            response["X-Encounter-Id"] = str(result.encounter.pk)
            return response
        if result.created:
            messages.success(request, "Encounter saved.")
        else:
            messages.info(request, "This encounter was already saved; nothing was duplicated.")
        return redirect("encounters:detail", encounter_id=result.encounter.pk)
    context = _form_context(request, values=request.POST.dict(), errors=errors)
    context["client_uuid"] = fresh_uuid or request.POST.get("client_uuid") or context["client_uuid"]
    context["conflict"] = fresh_uuid is not None
    context["values_lists"] = {k: request.POST.getlist(k) for k in request.POST}
    return render(request, "encounters/encounter_form.html", context, status=status)


@login_required
def encounter_list(request: SignedInRequest) -> HttpResponse:
    mine = request.GET.get("mine", "1" if _is_field_worker(request.user) else "") == "1"
    pathway = request.GET.get("pathway", "")
    encounters = selectors.encounter_list_for(
        actor=request.user, mine=mine, pathway=pathway if pathway in Pathway.values else ""
    )
    return render(
        request,
        "encounters/encounter_list.html",
        {
            "encounters": encounters,
            "mine": mine,
            "pathway": pathway,
            "pathways": Pathway,
        },
    )


def _is_field_worker(user: User) -> bool:
    return can(user, caps.ENCOUNTER_CREATE)


@login_required
def encounter_detail(request: SignedInRequest, encounter_id: int) -> HttpResponse:
    encounter = selectors.encounter_get_for(actor=request.user, encounter_id=encounter_id)
    return render(
        request,
        "encounters/encounter_detail.html",
        {
            "encounter": encounter,
            "details": selectors.encounter_detail_rows(encounter),
            "screening": selectors.encounter_screening_view(encounter, request.user),
            "can_record": _is_field_worker(request.user),
            "can_match": _can_match(request.user),
            "may_amend": amendments.may_amend(request.user, encounter),
            "amendments": encounter.amendments.select_related("amended_by"),
        },
    )


def _can_match(user: User) -> bool:
    return can(user, caps.RESOURCE_MATCH)


class AmendForm(forms.Form):
    person_id = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, label="Person id (empty: nobody)"
    )
    location_text = forms.CharField(max_length=300, required=False, label="Where")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    reason = forms.CharField(max_length=300, label="Why the correction")


@login_required
@require_http_methods(["GET", "POST"])
def encounter_amend_page(request: SignedInRequest, encounter_id: int) -> HttpResponse:
    """Correct an encounter's person or location (the recording agency's staff; audited)."""
    encounter = selectors.encounter_get_for(actor=request.user, encounter_id=encounter_id)
    amendments.require_amend(request.user, encounter)
    initial = {
        "person_id": encounter.person_id,
        "location_text": encounter.location_text,
        "latitude": encounter.latitude,
        "longitude": encounter.longitude,
    }
    form = AmendForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = (
                    person_get_for(actor=request.user, person_id=data["person_id"])
                    if data["person_id"]
                    else None
                )
                amendments.encounter_amend(
                    actor=request.user,
                    encounter=encounter,
                    reason=data["reason"],
                    person=person,
                    location_text=data["location_text"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, "Encounter corrected; the original is in its history.")
                return redirect("encounters:detail", encounter_id=encounter.pk)
        status = 400
    return render(
        request,
        "encounters/encounter_amend.html",
        {"encounter": encounter, "form": form},
        status=status,
    )
