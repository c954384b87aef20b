"""The naloxone ledger's error codes."""

from deflect.core.errors import DomainErrorCode


class NaloxoneErrorCode(DomainErrorCode):
    # Taking the kits would leave fewer than zero at the location.
    INSUFFICIENT_STOCK = "naloxone_insufficient_stock"
