"""People pages: lookup (results update as you type), a person's record with aliases and
consents, recording a person and a consent. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, owns, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors

from . import selectors, services
from .forms import AliasForm, ConsentForm, PersonCreateForm, PersonSearchForm, RevokeForm
from .models import Person
from .search import LIKELY_SCORE


def _search_context(request: SignedInRequest) -> dict:
    form = PersonSearchForm(request.GET or None)
    matches = None
    if form.is_bound and form.is_valid():
        query = form.query()
        if any(query.values()):
            matches = selectors.person_search(actor=request.user, **query)
    groups = selectors.person_field_groups(
        actor=request.user, people=[m.person for m in matches or ()]
    )
    return {
        "form": form,
        "matches": [
            {"match": m, "show_contact": selectors.CONTACT in groups[m.person.pk]}
            for m in matches or ()
        ],
        "searched": matches is not None,
        "browse": bool(form.is_bound and form.cleaned_data.get("browse")),
        "may_create": can(request.user, caps.PERSON_CREATE),
        "likely_score": LIKELY_SCORE,
    }


@login_required
@require_GET
def person_search_page(request: SignedInRequest) -> HttpResponse:
    """Find a person; without JavaScript the form submits here and the page shows results."""
    require(request.user, caps.PERSON_VIEW)
    return render(request, "people/person_search.html", _search_context(request))


@login_required
@require_GET
def person_search_results(request: SignedInRequest) -> HttpResponse:
    """The results partial the search page (and the encounter form) load as you type."""
    require(request.user, caps.PERSON_VIEW)
    return render(request, "people/_search_results.html", _search_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.PERSON_CREATE)
    programs = selectors.programs_for_person_create(actor=request.user)
    form = PersonCreateForm(request.POST or None, programs=programs)
    if request.method == "POST":
        if form.is_valid():
            program = form.cleaned_data["program"]
            try:
                person = services.person_create(
                    actor=request.user,
                    program=program,
                    agency=selectors.recording_agency_for(actor=request.user, program=program),
                    **form.person_fields(),
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{person} recorded.")
                return redirect("people:detail", person_id=person.pk)
        return render(request, "people/person_create.html", {"form": form}, status=422)
    return render(request, "people/person_create.html", {"form": form})


def _detail(
    request: SignedInRequest,
    person: Person,
    *,
    consent_form: ConsentForm | None = None,
    alias_form: AliasForm | None = None,
    status: int = 200,
) -> HttpResponse:
    groups = selectors.person_field_groups(actor=request.user, people=[person])[person.pk]
    may_consent = can(request.user, caps.CONSENT_RECORD, person)
    recipients = selectors.consent_recipient_choices(actor=request.user)
    if consent_form is None and may_consent:
        consent_form = ConsentForm(
            recipients=recipients,
            initial={
                "discloser": f"{person.program.name} and its member agencies",
            },
        )
    consent_objs = list(selectors.consent_list_for_person(person=person))
    consents = selectors.consent_views(actor=request.user, person=person, consents=consent_objs)
    for row, consent in zip(consents, consent_objs, strict=True):
        # Only the recording agency revokes (a person's few consents: one check each).
        row["may_revoke"] = (
            may_consent
            and not consent.revoked_at
            and owns(request.user, caps.CONSENT_RECORD, consent)
        )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "aliases": selectors.person_aliases(person=person),
            "consents": consents,
            "show_contact": selectors.CONTACT in groups,
            "show_demographics": selectors.DEMOGRAPHICS in groups,
            "may_consent": may_consent,
            "may_edit": can(request.user, caps.PERSON_CREATE, person),
            "consent_form": consent_form,
            "alias_form": alias_form or AliasForm(),
            "revoke_form": RevokeForm(),
        },
        status=status,
    )


@login_required
@require_GET
def person_detail(request: SignedInRequest, person_id: int) -> HttpResponse:
    """A person's record. Every view of it is an audited read."""
    person = selectors.person_get_for(actor=request.user, person_id=person_id)
    return _detail(request, person)


@login_required
@require_POST
def consent_create(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_change(
        actor=request.user, person_id=person_id, capability=caps.CONSENT_RECORD
    )
    form = ConsentForm(
        request.POST, recipients=selectors.consent_recipient_choices(actor=request.user)
    )
    if form.is_valid():
        data = form.elements()
        try:
            services.consent_record(actor=request.user, person=person, **data)
        except DomainError as error:
            if "information_categories" in error.fields and not data["information"]:
                error.fields.pop("information", None)  # the kinds make the description
            _add_errors(form, error)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("people:detail", person_id=person.pk)
    # The page shows the record again, so this is an audited read too.
    person = selectors.person_get_for(actor=request.user, person_id=person_id)
    return _detail(request, person, consent_form=form, status=422)


@login_required
@require_POST
def consent_revoke(request: SignedInRequest, person_id: int, consent_id: int) -> HttpResponse:
    person = selectors.person_for_change(
        actor=request.user, person_id=person_id, capability=caps.CONSENT_RECORD
    )
    consent = selectors.consent_get_for(
        actor=request.user, person=person, consent_id=consent_id, capability=caps.CONSENT_RECORD
    )
    form = RevokeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.consent_revoke(actor=request.user, consent=consent, note=note)
    except DomainError as error:
        messages.error(request, f"{error.message} {' '.join(sum(error.fields.values(), []))}")
    else:
        messages.success(request, "Consent revoked. It no longer allows any disclosure.")
    return redirect("people:detail", person_id=person.pk)


@login_required
@require_POST
def alias_add(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_change(
        actor=request.user, person_id=person_id, capability=caps.PERSON_CREATE
    )
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            alias = services.person_alias_add(
                actor=request.user, person=person, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Alias “{alias}” added.")
    else:
        messages.error(request, "The alias is too long.")
    return redirect("people:detail", person_id=person.pk)
