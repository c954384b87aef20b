"""The referral domain's error codes."""

from deflect.core.errors import DomainErrorCode


class ReferralErrorCode(DomainErrorCode):
    INVALID_TRANSITION = "referral_invalid_transition"
