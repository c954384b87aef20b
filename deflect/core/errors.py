"""Domain errors with stable codes; the API and the web pages turn them into one error shape."""

from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    MALFORMED_JSON = "malformed_json"
    VALIDATION_ERROR = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    URI_TOO_LONG = "uri_too_long"
    CSRF_FAILED = "csrf_failed"
    TOKEN_READ_ONLY = "token_read_only"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"


class DomainError(Exception):
    """A business rule refused the request; the message is safe to show to the user."""

    code: ErrorCode = ErrorCode.BAD_REQUEST
    status: int = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_ERROR
    status = 422


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
    status = 409


class TokenReadOnly(DomainError):
    """A read-only API token was used for an operation that writes."""

    code = ErrorCode.TOKEN_READ_ONLY
    status = 403


class RateLimited(DomainError):
    """Too many failed attempts from one client; ``retry_after`` seconds until it may retry."""

    code = ErrorCode.RATE_LIMITED
    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidTransition(DomainError):
    code = ErrorCode.CONFLICT
    status = 409


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one error shape every API error uses."""
    return {"code": str(code), "message": message, "fields": fields or {}}
