"""Second-factor pages: enrolment (authenticator app, recovery codes), the verification
step after the password, and the administrator's reset. Thin: the work is in mfa_services."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from deflect.access import capabilities as caps
from deflect.access.policy import get_for
from deflect.core.errors import DomainError

from . import mfa_services as mfa
from .models import User

_SETUP_DEVICE = "mfa_setup_device"


def _finish_second_factor(request) -> None:
    """The session has proved both factors: a new session key, and the gate opens."""
    request.session.cycle_key()
    request.session.pop(mfa.PENDING, None)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mfa_setup(request):
    """Your sign-in security: authenticators, recovery codes, and whether MFA is required."""
    user = request.user
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "devices": mfa.totp_devices(user),
            "recovery_left": mfa.recovery_codes_left(user),
            "required": mfa.mfa_required(user),
            "must_enrol": request.session.get(mfa.PENDING) == mfa.ENROL,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_totp(request):
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
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@require_POST
def mfa_recovery_codes(request):
    try:
        codes = mfa.recovery_codes_generate(actor=request.user)
    except DomainError as problem:
        messages.error(request, problem.message)
        return redirect("mfa-setup")
    return _no_store(render(request, "accounts/mfa_codes.html", {"codes": codes}))


@login_required
@require_POST
def mfa_totp_remove(request, device_id: int):
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user).first()
    if device is None:
        messages.error(request, "No such authenticator.")
        return redirect("mfa-setup")
    try:
        mfa.totp_remove(actor=request.user, device=device)
    except DomainError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, "Authenticator removed.")
    return redirect("mfa-setup")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
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
        {"error": error, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_POST
def mfa_reset(request, user_id: int):
    """An administrator removes a user's second factors (a lost or replaced phone)."""
    user = get_for(request.user, User, user_id, caps.MFA_RESET)
    try:
        mfa.mfa_reset(actor=request.user, user=user)
    except DomainError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"Second factors of {user} removed; they enrol again.")
    return redirect("staff-list")
