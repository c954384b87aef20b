import datetime as dt
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator


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


class ErrorOut(Schema):
    """The one error shape of every API error."""

    code: str
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
    500: ErrorOut,
}
WITH_NOT_FOUND = {**COMMON_ERRORS, 404: ErrorOut}
WITH_CONFLICT = {**WITH_NOT_FOUND, 409: ErrorOut}
