"""The case domain's error codes."""

from deflect.core.errors import DomainErrorCode


class CaseErrorCode(DomainErrorCode):
    INVALID_TRANSITION = "case_invalid_transition"
