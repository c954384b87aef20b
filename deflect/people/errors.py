"""The consent domain's error codes (42 CFR Part 2 §2.31)."""

from deflect.core.errors import DomainErrorCode


class ConsentErrorCode(DomainErrorCode):
    # No consent in force allows this disclosure; nothing was sent.
    CONSENT_REQUIRED = "consent_required"
    # The consent was revoked before; a revocation happens once.
    ALREADY_REVOKED = "consent_already_revoked"


class MergeErrorCode(DomainErrorCode):
    # The two records cannot be merged (the same person, other programs, already merged).
    MERGE_INVALID = "person_merge_invalid"
    # The merge was undone before; an unmerge happens once.
    ALREADY_UNMERGED = "person_already_unmerged"
    # A row could not move (a uniqueness rule of another table); nothing was merged.
    MERGE_CONFLICT = "person_merge_conflict"
