"""Second-factor pages: enrolment (authenticator app, recovery codes), the verification
step after the password, and the administrator's reset. Thin: the work is in mfa_services."""

import json
from base64 import b32encode, b64decode, b64encode
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError

from . import mfa_services as mfa
from .models import PasskeyCredential, User

_SETUP_DEVICE = "mfa_setup_device"


def _finish_second_factor(request: SignedInRequest) -> None:
    """The session has proved both factors: a new session key, and the gate opens."""
    request.session.cycle_key()
    request.session.pop(mfa.PENDING, None)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mfa_setup(request: SignedInRequest) -> HttpResponse:
    """Your sign-in security: authenticators, recovery codes, and whether MFA is required."""
    user = request.user
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "devices": mfa.totp_devices(user),
            "passkeys": PasskeyCredential.objects.filter(user=user),
            "recovery_left": mfa.recovery_codes_left(user),
            "required": mfa.mfa_required(user),
            "must_enrol": request.session.get(mfa.PENDING) == mfa.ENROL,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_totp(request: SignedInRequest) -> HttpResponse:
    """Add an authenticator app: a QR code and the secret, then one code to confirm it."""
    user = request.user
    device = TOTPDevice.objects.filter(
        pk=request.session.get(_SETUP_DEVICE), user=user, confirmed=False
    ).first()
    if device is None:
        device = mfa.totp_enrol_start(actor=user)
        request.session[_SETUP_DEVICE] = device.pk
    error = ""
    status = 200
    if request.method == "POST":
        try:
            codes = mfa.totp_enrol_confirm(
                actor=user, device=device, code=request.POST.get("code", "")
            )
        except DomainError as problem:
            error = problem.message
            status = 422
        else:
            request.session.pop(_SETUP_DEVICE, None)
            if request.session.get(mfa.PENDING) == mfa.ENROL:
                _finish_second_factor(request)
            messages.success(request, "Authenticator added.")
            if codes:
                return _no_store(render(request, "accounts/mfa_codes.html", {"codes": codes}))
            return redirect("mfa-setup")
    qr = segno.make(device.config_url, error="m")
    return _no_store(
        render(
            request,
            "accounts/mfa_totp.html",
            {
                "qr_svg": qr.svg_inline(scale=4, title="Authenticator QR code"),
                "secret": _b32(device),
                "error": error,
            },
            status=status,
        )
    )


def _b32(device: TOTPDevice) -> str:
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@require_POST
def mfa_recovery_codes(request: SignedInRequest) -> HttpResponse:
    try:
        codes = mfa.recovery_codes_generate(actor=request.user)
    except DomainError as problem:
        messages.error(request, problem.message)
        return redirect("mfa-setup")
    return _no_store(render(request, "accounts/mfa_codes.html", {"codes": codes}))


@login_required
@require_POST
def mfa_totp_remove(request: SignedInRequest, device_id: int) -> HttpResponse:
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user).first()
    return _factor_remove(
        request,
        device,
        "authenticator",
        lambda found: mfa.totp_remove(actor=request.user, device=found),
    )


def _factor_remove(
    request: SignedInRequest, factor: Any, noun: str, remove: Callable[[Any], None]
) -> HttpResponse:
    """Remove one of the signed-in user's own factors (``factor`` is None when the id is not
    theirs) and go back to the sign-in security page with what happened."""
    if factor is None:
        messages.error(request, f"No such {noun}.")
        return redirect("mfa-setup")
    try:
        remove(factor)
    except DomainError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"{noun.capitalize()} removed.")
    return redirect("mfa-setup")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: SignedInRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    if request.session.get(mfa.PENDING) != mfa.VERIFY:
        return redirect("home")
    error = ""
    status = 200
    if request.method == "POST":
        if mfa.mfa_verify(actor=request.user, code=request.POST.get("code", "")):
            _finish_second_factor(request)
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "home"
            return redirect(target)
        error = "That code is not right (or was already used). Try the newest code."
        status = 422
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "error": error,
            "next": request.GET.get("next", ""),
            "has_passkey": PasskeyCredential.objects.filter(user=request.user).exists(),
        },
        status=status,
    )


@login_required
@require_POST
def mfa_reset(request: SignedInRequest, user_id: int) -> HttpResponse:
    """An administrator removes a user's second factors (a lost or replaced phone)."""
    user = get_for(request.user, User, user_id, caps.MFA_RESET)
    try:
        mfa.mfa_reset(actor=request.user, user=user)
    except DomainError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"Second factors of {user} removed; they enrol again.")
    return redirect("staff-list")


# --- Passkeys (WebAuthn): JSON endpoints for static/deflect/passkeys.js ------------------------

_REG_CHALLENGE = "webauthn_registration_challenge"
_AUTH_CHALLENGE = "webauthn_authentication_challenge"


def _relying_party(request: SignedInRequest) -> tuple[str, str]:
    """(RP id, expected origin): the host this page was served on (ALLOWED_HOSTS applies),
    or ``DEFLECT_WEBAUTHN_RP_ID`` when set."""

    host = request.get_host()
    rp_id = settings.DEFLECT_WEBAUTHN_RP_ID or host.rsplit(":", 1)[0].strip("[]")
    return rp_id, f"{request.scheme}://{host}"


def _json_body(request: SignedInRequest) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _challenge(request: SignedInRequest, key: str) -> bytes | None:
    value = request.session.pop(key, None)
    return b64decode(value) if value else None


def _remember_challenge(request: SignedInRequest, key: str, challenge: bytes) -> None:
    request.session[key] = b64encode(challenge).decode()


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": "passkey_failed", "message": message, "fields": {}}, status=status)


@login_required
@require_POST
def passkey_register_options(request: SignedInRequest) -> HttpResponse:

    rp_id, _ = _relying_party(request)
    options, challenge = mfa.passkey_registration_options(actor=request.user, rp_id=rp_id)
    _remember_challenge(request, _REG_CHALLENGE, challenge)
    return _no_store(HttpResponse(options, content_type="application/json"))


@login_required
@require_POST
def passkey_register(request: SignedInRequest) -> HttpResponse:
    body = _json_body(request)
    challenge = _challenge(request, _REG_CHALLENGE)
    if body is None or not isinstance(body.get("credential"), dict) or challenge is None:
        return _json_error("Start the passkey registration again.")
    rp_id, origin = _relying_party(request)
    try:
        _, codes = mfa.passkey_register(
            actor=request.user,
            credential=body["credential"],
            challenge=challenge,
            rp_id=rp_id,
            origin=origin,
            name=str(body.get("name", ""))[:100],
        )
    except DomainError as problem:
        return _json_error(problem.message, problem.status)
    if request.session.get(mfa.PENDING) == mfa.ENROL:
        _finish_second_factor(request)
    messages.success(request, "Passkey added.")
    return _no_store(JsonResponse({"codes": codes}, status=201))


@login_required
@require_POST
def passkey_verify_options(request: SignedInRequest) -> HttpResponse:

    if request.session.get(mfa.PENDING) != mfa.VERIFY:
        return _json_error("There is no sign-in waiting for a second factor.", 409)
    rp_id, _ = _relying_party(request)
    options, challenge = mfa.passkey_authentication_options(actor=request.user, rp_id=rp_id)
    _remember_challenge(request, _AUTH_CHALLENGE, challenge)
    return _no_store(HttpResponse(options, content_type="application/json"))


@login_required
@require_POST
def passkey_verify(request: SignedInRequest) -> HttpResponse:
    if request.session.get(mfa.PENDING) != mfa.VERIFY:
        return _json_error("There is no sign-in waiting for a second factor.", 409)
    body = _json_body(request)
    challenge = _challenge(request, _AUTH_CHALLENGE)
    if body is None or not isinstance(body.get("credential"), dict) or challenge is None:
        return _json_error("Start the passkey sign-in again.")
    rp_id, origin = _relying_party(request)
    if not mfa.passkey_verify(
        actor=request.user,
        credential=body["credential"],
        challenge=challenge,
        rp_id=rp_id,
        origin=origin,
    ):
        return _json_error("That passkey was not accepted.", 403)
    _finish_second_factor(request)
    return JsonResponse({"redirect": reverse("home")})


@login_required
@require_POST
def passkey_remove(request: SignedInRequest, passkey_id: int) -> HttpResponse:
    passkey = PasskeyCredential.objects.filter(pk=passkey_id, user=request.user).first()
    return _factor_remove(
        request,
        passkey,
        "passkey",
        lambda found: mfa.passkey_remove(actor=request.user, passkey=found),
    )
