"""The resource directory's error codes (MOUs)."""

from deflect.core.errors import DomainErrorCode


class ResourceErrorCode(DomainErrorCode):
    MOU_INVALID_TRANSITION = "mou_invalid_transition"
