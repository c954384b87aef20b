"""Domain errors with stable codes; the API and the web pages turn them into one error shape.

``ErrorCode`` holds the generic codes every operation may answer. Each domain lists its own codes
in a ``DomainErrorCode`` enum (``ReferralErrorCode.INVALID_TRANSITION``, …) so that API clients can
tell one refusal from another; ``all_error_codes`` gathers them for the OpenAPI schema."""

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


class DomainErrorCode(StrEnum):
    """Base of the per-domain code enums (no members of its own). Values are unique across
    domains and never change once published."""


def all_error_codes() -> list[str]:
    """Every code an API error may carry: the generic ones, then each domain's, sorted."""
    domain = {str(code) for enum in DomainErrorCode.__subclasses__() for code in enum}
    return [str(code) for code in ErrorCode] + sorted(domain - set(ErrorCode))


class DomainError(Exception):
    """A business rule refused the request; the message is safe to show to the user.

    ``code`` is the class's code unless the raiser names a more specific one."""

    code: str = ErrorCode.BAD_REQUEST
    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_ERROR
    status = 422


class Conflict(DomainError):
    code: str = ErrorCode.CONFLICT
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
    """A status move the entity's pipeline does not allow; raised with the entity's
    ``…_invalid_transition`` code."""

    code = ErrorCode.CONFLICT
    status = 409


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one error shape every API error uses."""
    return {"code": str(code), "message": message, "fields": fields or {}}
