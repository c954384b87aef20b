"""Abeyance compliance, as the prosecutor sees it: a status, never the clinical reasons.
Pure values; no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

IN_PROGRESS = "in_progress"
CONDITIONS_MET = "conditions_met"
NOT_MET = "not_met"
DEADLINE_APPROACHING = "deadline_approaching"
DISPOSED = "disposed"
LABELS = {
    IN_PROGRESS: "In progress",
    CONDITIONS_MET: "Conditions met",
    NOT_MET: "Conditions not met",
    DEADLINE_APPROACHING: "Deadline approaching",
    DISPOSED: "Disposition recorded",
}
APPROACHING_DAYS = 7


@dataclass(frozen=True)
class Conditions:
    requires_treatment: bool
    treatment_met: bool
    requires_plan: bool
    plan_met: bool
    hours_required: Decimal
    hours_done: Decimal
    marked_not_met: bool
    deadline: dt.date
    disposed: bool = False


def conditions_met(c: Conditions) -> bool:
    return (
        (not c.requires_treatment or c.treatment_met)
        and (not c.requires_plan or c.plan_met)
        and c.hours_done >= c.hours_required
    )


def compliance_status(c: Conditions, *, today: dt.date) -> str:
    """in_progress / conditions_met / not_met / deadline_approaching (or disposed)."""
    if c.disposed:
        return DISPOSED
    if conditions_met(c):
        return CONDITIONS_MET
    if c.marked_not_met or today > c.deadline:
        return NOT_MET
    if (c.deadline - today).days <= APPROACHING_DAYS:
        return DEADLINE_APPROACHING
    return IN_PROGRESS
