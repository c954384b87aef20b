"""The status pipeline of a planning activity: the program's planning team moves it, and every
move keeps a history row. ``deflect.audit.pipeline.transition`` moves it."""

from __future__ import annotations

from deflect.audit.actions import Action
from deflect.audit.pipeline import Pipeline

from .errors import PlanningErrorCode
from .models import ActivityStatus as S
from .models import ActivityStatusChange, PlanningActivity

PLANNING_TEAM = "planning team"

PIPELINE: dict[str, dict[str, str]] = {
    S.NOT_STARTED: {
        S.IN_PROGRESS: PLANNING_TEAM,
        S.DONE: PLANNING_TEAM,
        S.NOT_APPLICABLE: PLANNING_TEAM,
    },
    S.IN_PROGRESS: {
        S.NOT_STARTED: PLANNING_TEAM,
        S.DONE: PLANNING_TEAM,
        S.NOT_APPLICABLE: PLANNING_TEAM,
    },
    S.DONE: {S.IN_PROGRESS: PLANNING_TEAM},
    S.NOT_APPLICABLE: {S.NOT_STARTED: PLANNING_TEAM},
}

ACTIVITY_PIPELINE = Pipeline(
    model=PlanningActivity,
    noun="planning activity",
    moves=PIPELINE,
    code=PlanningErrorCode.ACTIVITY_INVALID_TRANSITION,
    action=Action.PLANNING_ACTIVITY_TRANSITION,
    history=ActivityStatusChange,
    subject="activity",
)
