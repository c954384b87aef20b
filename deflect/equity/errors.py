"""The equity analysis's error codes."""

from deflect.core.errors import DomainErrorCode


class EquityErrorCode(DomainErrorCode):
    INVALID_FILTER = "equity_invalid_filter"
