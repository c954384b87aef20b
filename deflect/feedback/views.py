"""The public, anonymous feedback form (no sign-in, English and Spanish), its QR code, and
the coordinators' view of the responses."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require
from deflect.accounts.http import SignedInRequest
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.core.middleware import client_ip
from deflect.programs.models import Program
from deflect.programs.selectors import program_first_for

from . import selectors, services
from .forms import FeedbackForm


def _client(request: HttpRequest) -> str:
    """The address the rate limit counts by. Behind the TLS proxy (``BEHIND_TLS_PROXY``) every
    request comes from the proxy, so the address the proxy saw is taken from the last entry of
    X-Forwarded-For; elsewhere that header could be forged and is ignored."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return client_ip(request)


def _public_program(program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id, is_active=True).first()
    if program is None:
        raise Http404("No such program.")
    return program


def _language(request: HttpRequest, lang: str | None) -> str:
    if lang in services.LANGUAGES:
        return lang
    if lang is not None:
        raise Http404("No such language.")
    accepted = request.META.get("HTTP_ACCEPT_LANGUAGE", "").lower()
    return "es" if accepted.startswith("es") else "en"


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest, program_id: int, lang: str | None = None) -> HttpResponse:
    """The form a person opens from the resource guide, a QR code or a text message."""
    program = _public_program(program_id)
    language = _language(request, lang)
    with translation.override(language):
        form = FeedbackForm(request.POST or None, initial={"token": services.form_token(program)})
        status = 200
        refused = False
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.feedback_submit(
                        program=program,
                        language=language,
                        treated=data["treated"],
                        timely=data["timely"],
                        would_have_helped=data["would_have_helped"],
                        token=data["token"],
                        honeypot=data["website"],
                        client=_client(request),
                    )
                except services.Refused:
                    refused = True
                    status = 429
                except ValidationFailed:
                    form = FeedbackForm(initial={"token": services.form_token(program)})
                    form.expired = True
                    status = 422
                else:
                    return redirect("feedback:thanks", program_id=program.pk, lang=language)
            else:
                status = 422
                data = request.POST.copy()
                data["token"] = services.form_token(program)
                form.data = data
        response = render(
            request,
            "feedback/form.html",
            {
                "program": program,
                "form": form,
                "language": language,
                "other": "es" if language == "en" else "en",
                "refused": refused,
            },
            status=status,
        )
    return response


def feedback_thanks(request: HttpRequest, program_id: int, lang: str) -> HttpResponse:
    program = _public_program(program_id)
    language = _language(request, lang)
    with translation.override(language):
        return render(request, "feedback/thanks.html", {"program": program, "language": language})


def feedback_qr(request: HttpRequest, program_id: int, lang: str) -> HttpResponse:
    """A QR code (SVG) of the form's address, for the resource guide and flyers."""
    program = _public_program(program_id)
    language = _language(request, lang)
    url = request.build_absolute_uri(
        reverse("feedback:form-lang", kwargs={"program_id": program.pk, "lang": language})
    )
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, title=url)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    program = program_first_for(actor=request.user, capability=caps.FEEDBACK_VIEW)
    return redirect("feedback:responses", program_id=program.pk)


@login_required
def responses(request: SignedInRequest, program_id: int) -> HttpResponse:
    program = get_for(request.user, Program, program_id)
    require(request.user, caps.FEEDBACK_VIEW, program)
    audit_record(action=Action.FEEDBACK_VIEW, actor=request.user, target=program)
    links = {
        lang: request.build_absolute_uri(
            reverse("feedback:form-lang", kwargs={"program_id": program.pk, "lang": lang})
        )
        for lang in services.LANGUAGES
    }
    return render(
        request,
        "feedback/responses.html",
        {
            "program": program,
            "summary": selectors.feedback_summary(program),
            "responses": selectors.feedback_list(program),
            "links": links,
        },
    )
