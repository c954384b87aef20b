"""The consent domain's error codes (42 CFR Part 2 §2.31)."""

from deflect.core.errors import DomainErrorCode


class ConsentErrorCode(DomainErrorCode):
    # No consent in force allows this disclosure; nothing was sent.
    CONSENT_REQUIRED = "consent_required"
    # The consent was revoked before; a revocation happens once.
    ALREADY_REVOKED = "consent_already_revoked"
