"""Error pages for the web UI, and the JSON 404 for unknown API routes."""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .errors import ErrorCode, error_body
from .logging import clean

log = logging.getLogger("deflect.web")


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = {
            400: ErrorCode.BAD_REQUEST,
            403: ErrorCode.PERMISSION_DENIED,
            404: ErrorCode.NOT_FOUND,
            500: ErrorCode.SERVER_ERROR,
        }[status]
        return JsonResponse(error_body(code, message), status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    log.warning("bad request path=%s reason=%s", clean(request.path), type(exception).__name__)
    return _error_page(
        request,
        400,
        "Bad request",
        "The request could not be understood. If you sent a file or a long "
        "form, it may be too large.",
    )


def bad_input(request: HttpRequest, message: str) -> HttpResponse:
    """400 for input refused at the door (e.g. a NUL byte), with a message naming the problem."""
    log.warning("bad input path=%s", clean(request.path))
    return _error_page(request, 400, "Bad request", message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (``deflect.access.views.permission_denied`` audits the denial first)."""
    return _error_page(
        request,
        403,
        "Not allowed",
        "Your role does not allow this. Ask your program coordinator if you think it should.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404, "Not found", "There is nothing here, or you may not see it.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(
        request,
        500,
        "Something went wrong",
        "Something went wrong on our side. It has been logged; please try again.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    log.warning("csrf failure path=%s", request.path)
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(
                ErrorCode.CSRF_FAILED,
                "The CSRF token is missing or wrong; reload the page and try again.",
            ),
            status=403,
        )
    return render(
        request,
        "error.html",
        {
            "title": "Form expired",
            "message": "This form has expired or was sent from elsewhere. Go back, reload the page "
            "and submit again — nothing was saved.",
        },
        status=403,
    )


def api_not_found(request: HttpRequest) -> HttpResponse:
    log.info("unknown API route method=%s path=%s", request.method, clean(request.path))
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, "No such API route."), status=404)
