"""The referral status pipeline: who may move a referral from which status to which.

Follows the HL7 FHIR SDOH Clinical Care closed-loop referral ``Task``: the requester sets draft,
requested and cancelled; the referral target (the provider) sets accepted, rejected,
in-progress, on-hold, failed and completed. A reason is required for rejected, cancelled,
on-hold and failed (``Task.statusReason``). ``deflect.audit.pipeline.transition`` moves it.
"""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import ReferralErrorCode
from .models import Referral, ReferralEvent
from .models import ReferralStatus as S

REQUESTER = "requester"
PROVIDER = "provider"

PIPELINE: dict[str, dict[str, str]] = {
    S.DRAFT: {S.REQUESTED: REQUESTER, S.CANCELLED: REQUESTER},
    S.REQUESTED: {S.ACCEPTED: PROVIDER, S.REJECTED: PROVIDER, S.CANCELLED: REQUESTER},
    S.ACCEPTED: {
        S.IN_PROGRESS: PROVIDER,
        S.ON_HOLD: PROVIDER,
        S.FAILED: PROVIDER,
        S.CANCELLED: REQUESTER,
    },
    S.IN_PROGRESS: {S.COMPLETED: PROVIDER, S.FAILED: PROVIDER, S.ON_HOLD: PROVIDER},
    S.ON_HOLD: {S.ACCEPTED: PROVIDER, S.IN_PROGRESS: PROVIDER, S.FAILED: PROVIDER},
    S.REJECTED: {},
    S.COMPLETED: {},
    S.FAILED: {},
    S.CANCELLED: {},
}
REASON_REQUIRED = frozenset({S.REJECTED, S.CANCELLED, S.ON_HOLD, S.FAILED})
REFERRAL = Pipeline(
    model=Referral,
    noun="referral",
    moves=PIPELINE,
    code=ReferralErrorCode.INVALID_TRANSITION,
    action=Action.REFERRAL_TRANSITION,
    history=ReferralEvent,
    subject="referral",
    reason_required=REASON_REQUIRED,
)
TERMINAL = frozenset(status for status, moves in PIPELINE.items() if not moves)
# Statuses waiting for the provider's first answer.
AWAITING_RESPONSE = frozenset({S.REQUESTED})
# Once the person is engaged the provider's report is treatment information (Part 2).
ENGAGED = frozenset({S.IN_PROGRESS, S.COMPLETED})


def transition_problem(current: str, target: str, party: str, reason: str = "") -> str:
    """Why ``party`` may not move a referral from ``current`` to ``target``; "" when it may."""
    return REFERRAL.problem(current, target, party, reason)


def moves_for(current: str, party: str) -> list[str]:
    """The statuses ``party`` may set next."""
    return REFERRAL.moves_for(current, party)
