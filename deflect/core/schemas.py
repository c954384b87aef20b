"""Shared API schema pieces: the one error shape, and bounded types for every number that
comes in, so an id past 64 bits, a count past a database column, or NaN/Infinity is a 422
at the boundary instead of an error from the database."""

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field

from .errors import all_error_codes


def _iso_date_only(value: Any) -> Any:
    """A date is ``YYYY-MM-DD``; numbers (which pydantic would read as Unix timestamps) and
    other spellings are refused."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use a date as YYYY-MM-DD.")
    return value


# A date given in a query string or body, as the schema says: format "date" and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]

MAX_ID = 2**63 - 1
"""The largest primary key (a signed 64-bit BigAutoField)."""
MAX_COUNT = 2**31 - 1
"""The largest count a PositiveIntegerField holds on every database (PostgreSQL ``integer``)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record id: 1 .. 2^63-1."""
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
"""A non-negative count that fits a PositiveIntegerField."""


FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
"""A float that is a number: NaN and ±Infinity are refused."""


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


# Error statuses every authenticated operation may answer: a malformed request, no session or
# token, a role that does not allow it (or a CSRF failure), a body or URL too large, invalid
# fields, and the logged server error.
COMMON_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    414: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}
WITH_NOT_FOUND = {**COMMON_ERRORS, 404: ErrorOut}
WITH_CONFLICT = {**WITH_NOT_FOUND, 409: ErrorOut}
