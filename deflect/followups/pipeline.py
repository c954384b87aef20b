"""The follow-up status pipeline: an open follow-up ends once, when the outreach team logs an
attempt that makes contact, closes it, or (a death) cancels the person's other follow-ups.
``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import FollowUpErrorCode
from .models import FollowUp, FollowUpStatusChange
from .models import FollowUpStatus as S

OUTREACH = "outreach team"

PIPELINE: dict[str, dict[str, str]] = {
    S.OPEN: {S.CONTACTED: OUTREACH, S.CLOSED: OUTREACH, S.CANCELLED: OUTREACH},
    S.CONTACTED: {},
    S.CLOSED: {},
    S.CANCELLED: {},
}

FOLLOWUP = Pipeline(
    model=FollowUp,
    noun="follow-up",
    moves=PIPELINE,
    code=FollowUpErrorCode.INVALID_TRANSITION,
    action=Action.FOLLOWUP_TRANSITION,
    history=FollowUpStatusChange,
    subject="followup",
)
