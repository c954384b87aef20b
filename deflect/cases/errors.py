"""The case domain's error codes."""

from deflect.core.errors import DomainErrorCode


class CaseErrorCode(DomainErrorCode):
    INVALID_TRANSITION = "case_invalid_transition"
    # The person already has an active case; enroll once.
    ALREADY_ACTIVE = "case_already_active"
    # The charges in abeyance have their disposition; nothing more is recorded.
    ABEYANCE_DISPOSED = "abeyance_disposed"
