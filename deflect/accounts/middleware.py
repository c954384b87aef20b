import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse

from deflect.audit.actions import Action
from deflect.audit.services import audit_record

from .mfa_services import ENROL, PENDING


class AbsoluteSessionTimeoutMiddleware:
    """Ends a session 12 hours after sign-in however active it is (CJIS re-authentication);
    the 30-minute idle timeout is the session cookie age, refreshed on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get("authenticated_at")
            limit = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if started is None or time.time() - float(started) > limit:
                audit_record(action=Action.AUTH_SESSION_EXPIRED, actor=user)
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps the 30-minute idle timeout sliding without a database write on every request:
    the session is re-saved (renewing its expiry) when the last save is older than
    ``SESSION_ACTIVITY_RESOLUTION_SECONDS``, so the idle limit holds to within that margin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        if not session.session_key or SESSION_KEY not in session:
            return response  # token-authenticated API calls carry no session to renew
        now = int(time.time())
        last = session.get("activity_at", 0)
        if now - int(last) >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
            session["activity_at"] = now
        return response


class MfaGateMiddleware:
    """After a password sign-in that needs a second factor, the session can reach only the
    factor's pages and sign-out: ``verify`` (has a factor) or ``enrol`` (a program requires one
    and the user has none). API calls on such a session are refused by ``SessionAuth``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        state = session.get(PENDING) if session is not None else None
        if state and not request.path.startswith(("/api/", settings.STATIC_URL)):
            allowed = {reverse("logout")}
            if state == ENROL:
                allowed |= {
                    reverse(name)
                    for name in (
                        "mfa-setup",
                        "mfa-totp",
                        "passkey-register-options",
                        "passkey-register",
                    )
                }
            else:
                allowed |= {
                    reverse(name)
                    for name in ("mfa-verify", "passkey-verify-options", "passkey-verify")
                }
            if request.path not in allowed:
                target = "mfa-setup" if state == ENROL else "mfa-verify"
                return redirect(target)
        return self.get_response(request)
