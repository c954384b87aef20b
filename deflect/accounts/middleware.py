import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from deflect.audit.actions import Action
from deflect.audit.services import audit_record


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
