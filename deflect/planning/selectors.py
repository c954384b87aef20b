"""Reads for planning: adopted models with their readiness, and the intercept map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from deflect.core.models import Pathway
from deflect.programs.models import Program

from .models import (
    Intercept,
    InterceptAction,
    InterceptGap,
    InterceptResource,
    ModelAdoption,
    PlanningActivity,
)
from .readiness import ActivityFacts, Readiness, State, pathways_at, readiness
from .services import planning_catalogue


def facts_of(activity: PlanningActivity) -> ActivityFacts:
    return ActivityFacts(
        key=activity.pk,
        status=activity.status,
        due_date=activity.due_date,
        has_owner=activity.owner_id is not None,
        has_evidence=activity.has_evidence,
    )


@dataclass
class AdoptionView:
    adoption: ModelAdoption
    activities: list[PlanningActivity]
    readiness: Readiness

    def in_state(self, state: str) -> list[PlanningActivity]:
        return [a for a in self.activities if self.readiness.states.get(a.pk) == state]

    @property
    def done(self) -> list[PlanningActivity]:
        return self.in_state(State.DONE)

    @property
    def overdue(self) -> list[PlanningActivity]:
        return self.in_state(State.OVERDUE)

    @property
    def scheduled(self) -> list[PlanningActivity]:
        return self.in_state(State.SCHEDULED)

    @property
    def missing(self) -> list[PlanningActivity]:
        return self.in_state(State.MISSING)


def _activities_prefetch() -> Prefetch:
    return Prefetch(
        "activities",
        queryset=PlanningActivity.objects.select_related("owner").order_by("position", "id"),
    )


def adoption_views(program: Program, today: date | None = None) -> list[AdoptionView]:
    today = today or timezone.localdate()
    adoptions = program.adoptions.prefetch_related(_activities_prefetch())
    views = []
    for adoption in adoptions:
        activities = list(adoption.activities.all())
        for activity in activities:
            activity.state = None
        result = readiness([facts_of(a) for a in activities], today)
        for activity in activities:
            activity.state = result.states[activity.pk]
        views.append(AdoptionView(adoption, activities, result))
    return views


def adoption_view(adoption: ModelAdoption, today: date | None = None) -> AdoptionView:
    today = today or timezone.localdate()
    activities = list(adoption.activities.select_related("owner").order_by("position", "id"))
    result = readiness([facts_of(a) for a in activities], today)
    for activity in activities:
        activity.state = result.states[activity.pk]
    return AdoptionView(adoption, activities, result)


def models_not_adopted(program: Program) -> list[dict]:
    adopted = set(program.adoptions.values_list("code", flat=True))
    return [entry for code, entry in planning_catalogue().items() if code not in adopted]


@dataclass
class InterceptView:
    number: int
    label: str
    pathways: list[str]
    resources: list[InterceptResource]
    gaps: list[InterceptGap]
    actions: list[InterceptAction]


def intercept_map(program: Program) -> list[InterceptView]:
    enabled = list(program.pathways.values_list("pathway", flat=True))
    resources = list(
        InterceptResource.objects.filter(program=program).select_related("organization", "service")
    )
    gaps = list(InterceptGap.objects.filter(program=program))
    actions = list(InterceptAction.objects.filter(program=program).select_related("owner"))
    return [
        InterceptView(
            number=number,
            label=label,
            pathways=[Pathway(p).label for p in pathways_at(number, enabled)],
            resources=[r for r in resources if r.intercept == number],
            gaps=[g for g in gaps if g.intercept == number],
            actions=[a for a in actions if a.intercept == number],
        )
        for number, label in Intercept.choices
    ]
