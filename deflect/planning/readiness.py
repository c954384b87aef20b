"""Readiness of a planning model's checklist: a pure function of the activities and a date.

Every applicable activity is in exactly one state:

- ``done``: its status is done;
- ``overdue``: not done, and its due date has passed (the due date itself is not overdue);
- ``scheduled``: not done, with an owner and a due date still ahead;
- ``missing``: not done and not planned yet (no owner or no due date).

Activities marked *not applicable* count in none of these. A model is ready when every
applicable activity is done and there is at least one. ``done_without_evidence`` lists done
activities nobody attached evidence to, for the steering committee to ask about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from deflect.core import pathways as registry


class State(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    SCHEDULED = "scheduled"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class ActivityFacts:
    key: int | str
    status: str  # an ActivityStatus value
    due_date: date | None = None
    has_owner: bool = False
    has_evidence: bool = False


@dataclass(frozen=True)
class Readiness:
    applicable: int
    done: tuple = ()
    overdue: tuple = ()
    scheduled: tuple = ()
    missing: tuple = ()
    not_applicable: tuple = ()
    done_without_evidence: tuple = ()
    states: dict = field(default_factory=dict)

    @property
    def percent_done(self) -> int:
        return round(100 * len(self.done) / self.applicable) if self.applicable else 0

    @property
    def ready(self) -> bool:
        return self.applicable > 0 and len(self.done) == self.applicable


def activity_state(activity: ActivityFacts, today: date) -> State:
    if activity.status == "not_applicable":
        return State.NOT_APPLICABLE
    if activity.status == "done":
        return State.DONE
    if activity.due_date is not None and activity.due_date < today:
        return State.OVERDUE
    if activity.due_date is not None and activity.has_owner:
        return State.SCHEDULED
    return State.MISSING


def readiness(activities: Iterable[ActivityFacts], today: date) -> Readiness:
    buckets: dict[State, list] = {state: [] for state in State}
    states = {}
    without_evidence = []
    for activity in activities:
        state = activity_state(activity, today)
        buckets[state].append(activity.key)
        states[activity.key] = state
        if state is State.DONE and not activity.has_evidence:
            without_evidence.append(activity.key)
    applicable = len(states) - len(buckets[State.NOT_APPLICABLE])
    return Readiness(
        applicable=applicable,
        done=tuple(buckets[State.DONE]),
        overdue=tuple(buckets[State.OVERDUE]),
        scheduled=tuple(buckets[State.SCHEDULED]),
        missing=tuple(buckets[State.MISSING]),
        not_applicable=tuple(buckets[State.NOT_APPLICABLE]),
        done_without_evidence=tuple(without_evidence),
        states=states,
    )


def pathways_at(intercept: int, enabled: Iterable[str]) -> list[str]:
    """The enabled pathways that sit at ``intercept``, in the PTACC order."""
    chosen = set(enabled)
    return [p.code for p in registry.PATHWAYS if p.code in chosen and p.intercept == intercept]
