"""The JSON API at /api/v1/, assembled at the composition root: authentication, the one error
shape (with the handlers that turn domain errors into it), and every app's router."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from deflect.access import capabilities as caps
from deflect.access.policy import can, deny, record_pending_denial, scope_to_program
from deflect.accounts.models import User
from deflect.accounts.services import api_token_authenticate
from deflect.core.errors import DomainError, ErrorCode, TokenReadOnly, error_body

log = logging.getLogger("deflect.api")


def _require_api_use(request: HttpRequest, user: User) -> User:
    if not can(user, caps.API_USE):
        raise deny(user, caps.API_USE, reason="no active membership")
    request.user = user
    return user


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dfl_…`` with a token from ``deflect token create``.

    A read-only token answers 403 ``token_read_only`` to any other method than GET; a
    program token narrows the user's memberships to that program for the request (see
    ``access.policy.scope_to_program``)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_token_authenticate(
            token, client_ip=request.META.get("REMOTE_ADDR", ""), request=request
        )
        if found is None:
            return None
        user = found.user
        if found.program_id is not None:
            scope_to_program(user, found.program_id)
        if found.read_only and request.method not in SAFE_METHODS:
            deny(user, caps.API_USE, reason="read-only token")
            raise TokenReadOnly("This API token is read-only; it cannot change anything.")
        return _require_api_use(request, user)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.session.get("mfa_pending"):
            return None  # password only: the second factor is still owed
        return _require_api_use(request, user)


class BodyNotAnObject(ValueError):
    """The JSON body is an array, a string, a number or null: every operation takes an object."""


class ObjectBodyParser(Parser):
    """Every request body is a JSON object. (Without this check, a schema whose fields all have
    defaults would read any other JSON value, e.g. ``[null]``, as an empty object.)"""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotAnObject
        return data


api = NinjaAPI(
    title="deflect API",
    version="1",
    description=(
        "Deflection and pre-arrest diversion programs. Authenticate with a signed-in session "
        "(send the CSRF token in `X-CSRFToken` for writes) or `Authorization: Bearer <token>`. "
        'Every error has the shape `{"code", "message", "fields"}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=ObjectBodyParser(),
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


def _fields_from_validation(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload")]
        key = ".".join(location[1:] if location and location[0] in ("query", "path") else location)
        fields.setdefault(key or "__all__", []).append(str(error.get("msg", "invalid")))
    return fields


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = exc.errors
    if any(e.get("type") == "json_invalid" or "JSON" in str(e.get("msg", "")) for e in errors):
        return error_response(
            request, 400, ErrorCode.MALFORMED_JSON, "The request body is not valid JSON."
        )
    return error_response(
        request,
        422,
        ErrorCode.VALIDATION_ERROR,
        "Some fields are missing or invalid.",
        _fields_from_validation(errors),
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, ErrorCode.NOT_AUTHENTICATED, "Sign in or send a valid API token."
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    record_pending_denial(exc)
    return error_response(
        request, 403, ErrorCode.PERMISSION_DENIED, "You do not have permission to do that."
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, ErrorCode.NOT_FOUND, str(exc) or "Not found.")


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message, exc.fields)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    log.warning("request body too large path=%s", request.path)
    return error_response(
        request, 413, ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc.__cause__, RequestDataTooBig):
        return on_too_big(request, exc.__cause__)
    if isinstance(exc.__cause__, BodyNotAnObject):
        return error_response(
            request, 400, ErrorCode.BAD_REQUEST, "The request body must be a JSON object."
        )
    if status == 400 and str(exc).startswith("Cannot parse request body"):
        log.warning("malformed request body path=%s", request.path)
        return error_response(
            request, 400, ErrorCode.MALFORMED_JSON, "The request body is not valid JSON."
        )
    if status == 403 and "CSRF" in str(exc):
        log.warning("csrf failure path=%s", request.path)
        return error_response(
            request,
            403,
            ErrorCode.CSRF_FAILED,
            "The CSRF token is missing or wrong; reload the page.",
        )
    code = {
        400: ErrorCode.BAD_REQUEST,
        401: ErrorCode.NOT_AUTHENTICATED,
        403: ErrorCode.PERMISSION_DENIED,
        404: ErrorCode.NOT_FOUND,
        409: ErrorCode.CONFLICT,
    }.get(status, ErrorCode.BAD_REQUEST)
    return error_response(request, status, code, str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error path=%s", request.path)
    return error_response(
        request,
        500,
        ErrorCode.SERVER_ERROR,
        "Something went wrong on our side; it has been logged.",
    )


api.add_router("/", "deflect.accounts.api.router")
api.add_router("/programs", "deflect.programs.api.router")
api.add_router("/audit", "deflect.audit.api.router")
api.add_router("/screening", "deflect.screening.api.router")
api.add_router("/encounters", "deflect.encounters.api.router")
api.add_router("/people", "deflect.people.api.router")
api.add_router("/planning", "deflect.planning.api.router")
api.add_router("/naloxone", "deflect.naloxone.api.router")
api.add_router("/training", "deflect.training.api.router")
api.add_router("/reports", "deflect.reports.api.router")
api.add_router("/resources", "deflect.resources.api.router")
api.add_router("/referrals", "deflect.referrals.api.router")
api.add_router("/followups", "deflect.followups.api.router")
api.add_router("/linkage", "deflect.linkage.api.router")
api.add_router("/cases", "deflect.cases.api.router")
api.add_router("/outcomes", "deflect.outcomes.api.router")
api.add_router("/equity", "deflect.equity.api.router")
api.add_router("/surveillance", "deflect.surveillance.api.router")
api.add_router("/dashboard", "deflect.reporting.measures_api.router")
