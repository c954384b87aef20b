import json
import re
import uuid
from typing import Any

from django.core.exceptions import RequestDataTooBig

from .context import (
    RequestMeta,
    end_request_memory,
    reset_request_meta,
    set_request_meta,
    start_request_memory,
)
from .views import bad_input

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives each request an id and makes its metadata available to the audit log; the access
    policy remembers programs' member agencies for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        meta = RequestMeta(
            request_id=request_id,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            method=request.method or "",
            path=request.path[:500],
        )
        token = set_request_meta(meta)
        memory = start_request_memory()
        try:
            response = self.get_response(request)
        finally:
            end_request_memory(memory)
            reset_request_meta(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: a strict CSP and a permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response


NUL_MESSAGE = "Text may not contain NUL characters (\\0 or \\u0000)."
_ESCAPED_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def request_has_nul(request) -> bool:
    """A NUL byte in the query string, or in an API request's form or JSON body (PostgreSQL
    cannot store NUL in text, so no text input may carry one). Web form bodies are left to
    their forms, whose text fields already answer a NUL with a form error."""
    if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get(
        "QUERY_STRING", ""
    ):
        return True
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return False
    try:
        body = request.body
    except RequestDataTooBig:
        return False
    if content_type.startswith("application/x-www-form-urlencoded"):
        return b"%00" in body or b"\x00" in body
    if b"\x00" in body:
        return True
    if _ESCAPED_NUL.search(body):
        try:
            return _has_nul(json.loads(body))
        except ValueError:
            return False
    return False


class RejectNulMiddleware:
    """Answers a request carrying a NUL byte with 400 and a clear message (the API's error
    shape under /api/), before any view or the database sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return bad_input(request, NUL_MESSAGE)
        return self.get_response(request)
