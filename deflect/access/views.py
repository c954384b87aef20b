"""The web UI's 403 handler: the denial's audit row, then the error page."""

from django.http import HttpRequest, HttpResponse

from deflect.core import views as core_views

from .policy import record_pending_denial


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if exception is not None:
        record_pending_denial(exception)
    return core_views.permission_denied(request, exception)
