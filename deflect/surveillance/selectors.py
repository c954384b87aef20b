"""Reads for overdose surveillance: daily counts per area (SQL), the event list (audited), one
event (audited), alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.programs.models import Program

from .models import AreaKind, OverdoseEvent, SpikeAlert

AREA_COLUMN = {AreaKind.ZIP: "scene_zip", AreaKind.BEAT: "beat", AreaKind.H3: "h3_cell"}
EVENT_LIMIT = 200


@dataclass(frozen=True)
class CountGrid:
    """Overdoses per area (rows) and local day (columns), zeros filled in."""

    areas: list[str]
    days: list[dt.date]
    counts: np.ndarray


def daily_counts(
    *,
    program: Program | int,
    area_kind: str,
    first_day: dt.date,
    last_day: dt.date,
    tz: dt.tzinfo,
) -> CountGrid:
    """Counts per area and local day in SQL (GROUP BY area, day), as a dense matrix over
    ``first_day`` … ``last_day`` for every area with at least one event in that span."""
    column = AREA_COLUMN[AreaKind(area_kind)]
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        OverdoseEvent.objects.filter(
            program_id=getattr(program, "pk", program), occurred_at__gte=start, occurred_at__lt=end
        )
        .exclude(**{column: ""})
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values_list(column, "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    found = list(rows)
    areas = sorted({area for area, _, _ in found})
    row_of = {area: i for i, area in enumerate(areas)}
    counts = np.zeros((len(areas), len(days)), dtype=np.int64)
    for area, day, n in found:
        counts[row_of[area], (day - first_day).days] = n
    return CountGrid(areas=areas, days=days, counts=counts)


def program_for(*, actor: User, program_id: int, capability: str) -> Program:
    program = get_for(actor, Program, program_id)
    require(actor, capability, program)
    return program


@audited_list(Action.OVERDOSE_EVENT_LIST, target_type="surveillance.overdoseevent")
def overdose_event_list(
    *,
    actor: User,
    program: Program,
    since: dt.datetime | None = None,
    unidentified_only: bool = False,
    limit: int = EVENT_LIMIT,
) -> QuerySet[OverdoseEvent]:
    """The program's overdose events the actor may see, newest first (one audit row naming
    the events and people shown)."""
    require(actor, caps.OVERDOSE_EVENT_VIEW, program)
    events = visible_to(actor, OverdoseEvent).filter(program=program)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if unidentified_only:
        events = events.filter(person__isnull=True)
    return events.select_related("person").order_by("-occurred_at", "-id")[:limit]


def overdose_event_get(*, actor: User, event_id: int) -> OverdoseEvent:
    """One event (audited read)."""
    event = get_for(actor, OverdoseEvent, event_id)
    audit_record(
        action=Action.OVERDOSE_EVENT_READ,
        actor=actor,
        target=event,
        extra={"person_id": event.person_id},
    )
    return event


def alert_list(*, actor: User, program: Program, limit: int = 100) -> list[SpikeAlert]:
    require(actor, caps.SURVEILLANCE_VIEW, program)
    return list(
        visible_to(actor, SpikeAlert)
        .filter(program=program)
        .prefetch_related("checklist")
        .order_by("-first_day", "-id")[:limit]
    )


def alert_get(*, actor: User, alert_id: int) -> SpikeAlert:
    return get_for(actor, SpikeAlert, alert_id)
