from typing import Any

from ninja import Schema
from pydantic import Field

from .errors import all_error_codes


def _list_codes(schema: dict[str, Any]) -> None:
    # Filled in when the OpenAPI schema is built, after every domain's codes are imported.
    schema["enum"] = all_error_codes()


class ErrorOut(Schema):
    """The one error shape of every API error."""

    code: str = Field(
        description="Stable, machine-readable: the generic codes, then each domain's "
        "(e.g. `consent_required`, `referral_invalid_transition`). See docs/api.md.",
        json_schema_extra=_list_codes,
    )
    message: str
    fields: dict[str, list[str]]


# Error statuses every authenticated operation may answer.
COMMON_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    500: ErrorOut,
}
WITH_NOT_FOUND = {**COMMON_ERRORS, 404: ErrorOut}
WITH_CONFLICT = {**WITH_NOT_FOUND, 409: ErrorOut}
