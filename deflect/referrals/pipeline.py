"""The referral status pipeline: who may move a referral from which status to which.

Follows the HL7 FHIR SDOH Clinical Care closed-loop referral ``Task``: the requester sets draft,
requested and cancelled; the referral target (the provider) sets accepted, rejected,
in-progress, on-hold, failed and completed. A reason is required for rejected, cancelled,
on-hold and failed (``Task.statusReason``). Pure values; no database.
"""

from __future__ import annotations

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
TERMINAL = frozenset(status for status, moves in PIPELINE.items() if not moves)
# Statuses waiting for the provider's first answer.
AWAITING_RESPONSE = frozenset({S.REQUESTED})
# Once the person is engaged the provider's report is treatment information (Part 2).
ENGAGED = frozenset({S.IN_PROGRESS, S.COMPLETED})


def transition_problem(current: str, target: str, party: str, reason: str = "") -> str:
    """Why ``party`` may not move a referral from ``current`` to ``target``; "" when it may."""
    if target not in PIPELINE:
        return f"{target!r} is not a referral status."
    moves = PIPELINE.get(current, {})
    if target not in moves:
        allowed = ", ".join(sorted(moves)) or "none (the referral is closed)"
        return f"A {current} referral cannot become {target}; allowed next: {allowed}."
    if moves[target] != party:
        return f"Only the {moves[target]} sets a referral to {target}."
    if target in REASON_REQUIRED and not reason.strip():
        return f"Give a reason for setting the referral to {target}."
    return ""


def moves_for(current: str, party: str) -> list[str]:
    """The statuses ``party`` may set next."""
    return [target for target, who in PIPELINE.get(current, {}).items() if who == party]
