"""The planning domain's error codes (the API's ``code`` field)."""

from deflect.core.errors import DomainErrorCode


class PlanningErrorCode(DomainErrorCode):
    ACTIVITY_INVALID_TRANSITION = "planning_activity_invalid_transition"
