"""The funder reports' and exports' error codes."""

from deflect.core.errors import DomainError, DomainErrorCode


class ReportErrorCode(DomainErrorCode):
    # No report template has this slug.
    TEMPLATE_NOT_FOUND = "report_template_not_found"
    # A report template file is not valid (bad TOML, unknown measure, missing title).
    TEMPLATE_INVALID = "report_template_invalid"
    # The period asked for is not a valid date range (end before start, or too long).
    PERIOD_INVALID = "report_period_invalid"
    # A de-identified export could not be made k-anonymous (nothing left to export).
    EXPORT_EMPTY = "export_empty"


class ReportError(DomainError):
    code = ReportErrorCode.PERIOD_INVALID


class ReportNotFound(ReportError):
    code = ReportErrorCode.TEMPLATE_NOT_FOUND
    status = 404
