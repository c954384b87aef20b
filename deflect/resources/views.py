"""Pages of the resource directory: the public directory and resource guide (no sign-in, no
personal data), the responder's match screen, the provider's capacity page and the
coordinator's MOUs."""

from __future__ import annotations

import datetime as dt
import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.http import SignedInRequest
from deflect.accounts.models import User
from deflect.core.errors import DomainError
from deflect.core.forms import add_domain_errors as _add_errors
from deflect.core.models import LevelOfCare
from deflect.encounters.selectors import encounter_get_for, encounter_screening_view
from deflect.people.models import Person
from deflect.programs.models import Program

from . import selectors, services
from . import taxonomy as tx
from .forms import (
    GENDER_CHOICES,
    CapacityForm,
    MouForm,
    NeedsForm,
    SiteForm,
    category_choices,
    feature_choices,
)
from .matching import DEFAULT_MAX_DISTANCE_KM
from .models import Mou, MouStatus, Organization, SelfReferralSite

GUIDE_LANGUAGES = {"en": "English", "es": "Español"}


# ---------------------------------------------------------------------------------------------
# Public: the directory and the guide
# ---------------------------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Search and filter resources and self-referral locations. Public: no sign-in, and only
    directory data (never a person's)."""
    text = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    feature = request.GET.get("feature", "")
    entries = selectors.directory_search(text=text, category=category, feature=feature)
    return render(
        request,
        "resources/directory.html",
        {
            "entries": entries,
            "q": text,
            "category": category,
            "feature": feature,
            "categories": category_choices(),
            "features": feature_choices(),
            "sites": selectors.self_referral_sites(),
        },
    )


def public_url(request: HttpRequest, path: str) -> str:
    """``path`` at the public address (``DEFLECT_PUBLIC_URL``), or where the page was opened."""
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def _guide_context(request: HttpRequest, lang: str) -> dict:
    program = None
    program_id = request.GET.get("program", "")
    if program_id.isdigit():
        program = Program.objects.filter(pk=int(program_id), is_active=True).first()
    directory_url = public_url(request, reverse("resources:directory"))
    qr = segno.make(directory_url, error="m")
    return {
        "program": program,
        # The anonymous feedback form of this program, or of every active one.
        "feedback_programs": [program]
        if program
        else list(Program.objects.filter(is_active=True).order_by("name")),
        "sections": [
            (code, str(tx.TERMS[code].name), entries)
            for code, entries in selectors.guide_sections()
        ],
        "sites": selectors.self_referral_sites(program),
        "directory_url": directory_url,
        "qr_svg": qr.svg_data_uri(scale=4, border=2),
        "lang": lang,
        "languages": GUIDE_LANGUAGES,
        "generated": timezone.localdate(),
    }


def _guide_lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "en")
    return lang if lang in GUIDE_LANGUAGES else "en"


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """The printable community resource guide, in English or Spanish (``?lang=es``)."""
    lang = _guide_lang(request)
    with translation.override(lang):
        context = _guide_context(request, lang)
        html = render_to_string("resources/guide.html", context, request=request)
    return HttpResponse(html)


def guide_pdf_bytes(html: str, base_url: str) -> bytes:
    import weasyprint  # noqa: PLC0415  # heavy: seconds to import, only the PDF guide needs it

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


@require_GET
def guide_pdf(request: HttpRequest) -> HttpResponse:
    lang = _guide_lang(request)
    with translation.override(lang):
        context = _guide_context(request, lang) | {"pdf": True}
        html = render_to_string("resources/guide.html", context, request=request)
    pdf = guide_pdf_bytes(html, request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="resource-guide-{lang}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# The responder's match screen
# ---------------------------------------------------------------------------------------------


def _age_of(person: Person | None) -> int | None:
    if person is None:
        return None
    if person.date_of_birth:
        today = timezone.localdate()
        born = person.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return person.age_estimate


def _prefill_from_encounter(request: SignedInRequest, encounter_id: str) -> tuple[dict, dict]:
    """Initial needs from an encounter the actor may see (the read is audited). The level of
    care is clinical: it is used only for actors allowed to see it."""

    encounter = encounter_get_for(actor=request.user, encounter_id=encounter_id)
    screening = encounter_screening_view(encounter, request.user)
    person = encounter.person
    initial: dict = {}
    if encounter.latitude is not None and encounter.longitude is not None:
        initial |= {"latitude": float(encounter.latitude), "longitude": float(encounter.longitude)}
    if person is not None:
        age = _age_of(person)
        if age is not None:
            initial["age"] = age
        if person.gender in dict(GENDER_CHOICES):
            initial["gender"] = person.gender
        if person.insurance in tx.INSURANCE_TERMS:
            initial["insurance"] = person.insurance
        if person.preferred_language and person.preferred_language != "en":
            initial["language"] = person.preferred_language[:3]
    needs = screening.get("needs")
    if needs:
        level = needs["recommended_level_of_care"]
        initial["level_of_care"] = level
        if level == LevelOfCare.OPIOID_TREATMENT_PROGRAM:
            initial["moud"] = "any"
        if level in (LevelOfCare.RESIDENTIAL, LevelOfCare.WITHDRAWAL_MANAGEMENT):
            initial["needs_bed"] = True
        if (
            needs["readiness"] == "ready_now"
            or needs["withdrawal_symptoms_now"]
            or needs["mental_health_crisis"]
        ):
            initial["needed_now"] = True
        if needs["mental_health_crisis"]:
            initial["categories"] = ["crisis-stabilization"]
    else:
        initial["needed_now"] = True
    info = {
        "encounter": encounter,
        "clinical_withheld": screening.get("clinical_withheld", False),
        "screened": needs is not None,
    }
    return initial, info


@login_required
@require_GET
def match(request: SignedInRequest) -> HttpResponse:
    """Needs in, ranked services out, each with the reasons for its place."""
    require(request.user, caps.RESOURCE_MATCH)
    info: dict = {}
    params = request.GET.copy()
    encounter_id = params.pop("encounter", [""])[-1]
    if encounter_id and not params:
        initial, info = _prefill_from_encounter(request, encounter_id)
        data = QueryDict(mutable=True)
        for key, value in (initial | {"max_distance_km": DEFAULT_MAX_DISTANCE_KM}).items():
            if isinstance(value, list):
                data.setlist(key, value)
            elif value is True:
                data[key] = "on"
            else:
                data[key] = str(value)
        form = NeedsForm(data=data)
    elif params:
        form = NeedsForm(data=request.GET)
    else:
        form = NeedsForm()
    results = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            results = selectors.service_match(actor=request.user, needs=form.needs())
        else:
            status = 422
    return render(
        request,
        "resources/match.html",
        {
            "form": form,
            "results": results,
            "encounter_id": encounter_id,
            # From an encounter, results that take referrals through deflect offer one.
            "referable": _referable(request.user, encounter_id, results),
            **info,
        },
        status=status,
    )


def _referable(
    user: User, encounter_id: str, results: list[selectors.ServiceMatch] | None
) -> set[str]:
    if not encounter_id or not results or not can(user, caps.REFERRAL_CREATE):
        return set()
    from deflect.referrals.selectors import referable_service_ids  # noqa: PLC0415  # cycle: referrals imports resources

    return referable_service_ids(service_ids=[r.service_id for r in results])


# ---------------------------------------------------------------------------------------------
# The provider's capacity page
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def capacity(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.CAPACITY_UPDATE)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.capacity_update(
                    actor=request.user,
                    service_id=d["service_id"],
                    unit=d["unit"],
                    available=d["available"],
                    maximum=d.get("maximum"),
                )
            except DomainError as error:
                errors = error.fields or {"__all__": [error.message]}
                status = 422
            else:
                messages.success(request, "Capacity updated.")
                return redirect("resources:capacity")
        else:
            errors = form.errors
            status = 422
    return render(
        request,
        "resources/capacity.html",
        {
            "services": selectors.capacity_services_for(actor=request.user),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# The coordinator's MOUs
# ---------------------------------------------------------------------------------------------


def _mou_programs(user: User) -> list[Program]:
    return [p for p in visible_to(user, Program) if can(user, caps.MOU_MANAGE, p)]


@login_required
@require_http_methods(["GET", "POST"])
def mous(request: SignedInRequest) -> HttpResponse:
    require(request.user, caps.MOU_MANAGE)
    programs = _mou_programs(request.user)
    status = 200
    form = MouForm()
    if request.method == "POST":
        form = MouForm(request.POST, request.FILES)
        program = next((p for p in programs if str(p.pk) == request.POST.get("program")), None)
        if program is None:
            form.add_error(None, "Choose one of your programs.")
        if form.is_valid() and program is not None:
            d = form.cleaned_data
            try:
                services.mou_create(
                    actor=request.user,
                    program=program,
                    organization_id=d["organization"],
                    status=d["status"],
                    signed_on=d.get("signed_on"),
                    expires_on=d.get("expires_on"),
                    covers=d["covers"],
                    warm_handoff=d.get("warm_handoff", False),
                    document=d.get("document"),
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "MOU saved.")
                return redirect("resources:mous")
        status = 422
    today = timezone.localdate()
    rows = [
        {"mou": m, "warning": selectors.mou_warning(m, today)}
        for m in selectors.mou_list_for(actor=request.user)
    ]
    return render(
        request,
        "resources/mous.html",
        {
            "rows": rows,
            "form": form,
            "programs": programs,
            "organizations": Organization.objects.order_by("name").only("id", "name"),
            "statuses": MouStatus,
            "warning_days": selectors.MOU_WARNING_DAYS,
        },
        status=status,
    )


@login_required
@require_POST
def mou_transition(request: SignedInRequest, mou_id: int) -> HttpResponse:
    require(request.user, caps.MOU_MANAGE)
    signed = request.POST.get("signed_on") or None
    try:
        services.mou_transition(
            actor=request.user,
            mou_id=mou_id,
            status=request.POST.get("status", ""),
            signed_on=dt.date.fromisoformat(signed) if signed else None,
        )
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", "The date is not valid."))
    else:
        messages.success(request, "MOU status changed.")
    return redirect("resources:mous")


@login_required
@require_GET
def mou_document(request: SignedInRequest, mou_id: int) -> FileResponse:
    """The signed MOU, for the program's coordinators only (404 for anyone else's)."""

    require(request.user, caps.MOU_MANAGE)
    mou = get_for(request.user, Mou, mou_id)
    if not mou.document:
        raise Http404("This MOU has no document.")
    name = mou.document.name.rsplit("/", 1)[-1]
    return FileResponse(mou.document.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def sites(request: SignedInRequest) -> HttpResponse:
    """The program's self-referral sites (Safe Stations): list and add. Coordinators."""

    require(request.user, caps.MOU_MANAGE)
    programs = _mou_programs(request.user)
    form = SiteForm()
    status = 200
    if request.method == "POST":
        form = SiteForm(request.POST)
        program = next((p for p in programs if str(p.pk) == request.POST.get("program")), None)
        agency = None
        if program is None:
            form.add_error(None, "Choose one of your programs.")
        elif agency_id := request.POST.get("agency"):
            agency = program.agencies.filter(pk=agency_id).first()
            if agency is None:
                form.add_error(None, "Choose an agency of this program.")
        if form.is_valid() and program is not None:
            try:
                services.self_referral_site_create(
                    actor=request.user, program=program, agency=agency, **form.cleaned_data
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Self-referral site added.")
                return redirect("resources:sites")
        status = 422
    site_list = (
        SelfReferralSite.objects.filter(program__in=programs)
        .select_related("program", "location", "agency")
        .prefetch_related("location__addresses")
        .order_by("program__name", "location__name")
    )
    return render(
        request,
        "resources/sites.html",
        {"sites": site_list, "form": form, "programs": programs},
        status=status,
    )
