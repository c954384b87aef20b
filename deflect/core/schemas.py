from ninja import Schema


class ErrorOut(Schema):
    """The one error shape of every API error."""

    code: str
    message: str
    fields: dict[str, list[str]]


# Error statuses every authenticated operation may answer.
COMMON_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}
WITH_NOT_FOUND = {**COMMON_ERRORS, 404: ErrorOut}
WITH_CONFLICT = {**WITH_NOT_FOUND, 409: ErrorOut}
