"""The review pair pipeline: an analyst confirms or rejects a pair, and may change their mind.
``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import LinkageErrorCode
from .models import ReviewDecision, ReviewPair
from .models import ReviewStatus as S

ANALYST = "analyst"

PIPELINE: dict[str, dict[str, str]] = {
    S.PENDING: {S.CONFIRMED: ANALYST, S.REJECTED: ANALYST},
    S.CONFIRMED: {S.REJECTED: ANALYST},
    S.REJECTED: {S.CONFIRMED: ANALYST},
}

REVIEW = Pipeline(
    model=ReviewPair,
    noun="review pair",
    moves=PIPELINE,
    code=LinkageErrorCode.INVALID_TRANSITION,
    action=Action.LINK_REVIEW_DECIDE,
    history=ReviewDecision,
    subject="subject",
)
