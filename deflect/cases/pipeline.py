"""The case status pipeline: the program's case manager moves a case; a reason is required to
close it or mark the person disengaged. ``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import CaseErrorCode
from .models import Case, CaseStatusChange
from .models import CaseStatus as S

CASE_MANAGER = "case manager"

PIPELINE: dict[str, dict[str, str]] = {
    S.ACTIVE: {S.COMPLETED: CASE_MANAGER, S.DISENGAGED: CASE_MANAGER, S.CLOSED: CASE_MANAGER},
    S.DISENGAGED: {S.ACTIVE: CASE_MANAGER, S.CLOSED: CASE_MANAGER},
    S.COMPLETED: {},
    S.CLOSED: {},
}
REASON_REQUIRED = frozenset({S.CLOSED, S.DISENGAGED})

CASE = Pipeline(
    model=Case,
    noun="case",
    moves=PIPELINE,
    code=CaseErrorCode.INVALID_TRANSITION,
    action=Action.CASE_TRANSITION,
    history=CaseStatusChange,
    subject="case",
    reason_required=REASON_REQUIRED,
)
