"""The follow-up domain's error codes."""

from deflect.core.errors import DomainErrorCode


class FollowUpErrorCode(DomainErrorCode):
    INVALID_TRANSITION = "followup_invalid_transition"
