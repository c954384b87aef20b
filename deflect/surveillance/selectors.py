"""Reads for overdose surveillance: daily counts per area (SQL), the event list (audited), one
event (audited), alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import h3
import numpy as np
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audit_list, audited_list
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


# --- the map ---------------------------------------------------------------------------------

SMALL_CELL = 11  # counts under this are suppressed for viewers of aggregates only
MAX_POINTS = 5000


def _cell_counts(events: QuerySet[OverdoseEvent]) -> list[dict]:
    """Events per hex cell, fatal and with naloxone, in SQL."""
    return list(
        events.exclude(h3_cell="")
        .values("h3_cell")
        .annotate(
            total=Count("id"),
            fatal=Count("id", filter=Q(fatal=True)),
            naloxone=Count("id", filter=Q(naloxone_doses__gt=0)),
        )
        .order_by("h3_cell")
    )


def _suppress(value: int, exact: bool) -> int | None:
    return value if exact or value == 0 or value >= SMALL_CELL else None


def map_data(
    *, actor: User, program: Program, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    """What the map shows over a period: hex cells with counts (for everyone who may see the
    program's surveillance; counts under 11 suppressed for those who may not see events),
    individual points (never names) only for those who may see events, and the alerts.
    One audit row names the events and people behind the points shown."""
    require(actor, caps.SURVEILLANCE_VIEW, program)
    events = OverdoseEvent.objects.filter(
        program=program, occurred_at__gte=since, occurred_at__lt=until
    )
    individual = can(actor, caps.OVERDOSE_EVENT_VIEW, program)
    exact = individual or can(actor, caps.DASHBOARD_SMALL_CELLS, program)
    cells = []
    for row in _cell_counts(events):
        boundary = [
            [round(lat, 6), round(lng, 6)] for lat, lng in h3.cell_to_boundary(row["h3_cell"])
        ]
        cells.append(
            {
                "cell": row["h3_cell"],
                "boundary": boundary,
                "total": _suppress(row["total"], exact),
                "fatal": _suppress(row["fatal"], exact),
                "naloxone": _suppress(row["naloxone"], exact),
                "suppressed": not exact and 0 < row["total"] < SMALL_CELL,
            }
        )
    points: list[dict[str, Any]] = []
    shown: list[tuple[int, int | None]] = []
    if individual:
        rows = (
            visible_to(actor, OverdoseEvent)
            .filter(
                program=program,
                occurred_at__gte=since,
                occurred_at__lt=until,
                latitude__isnull=False,
            )
            .order_by("-occurred_at")
            .values_list(
                "pk", "person_id", "latitude", "longitude", "fatal", "naloxone_doses", "occurred_at"
            )[:MAX_POINTS]
        )
        for pk, person_id, lat, lng, fatal, doses, at in rows:
            shown.append((pk, person_id))
            points.append(
                {
                    "id": pk,
                    "lat": float(lat),
                    "lng": float(lng),
                    "fatal": fatal,
                    "naloxone": doses > 0,
                    "day": at.date().isoformat(),
                }
            )
    alerts = [
        {
            "id": a.pk,
            "method": a.get_method_display(),
            "area_kind": a.area_kind,
            "area": a.area,
            "first_day": a.first_day.isoformat(),
            "count": a.count,
            "expected": a.expected,
            "boundary": (
                [[round(x, 6), round(y, 6)] for x, y in h3.cell_to_boundary(a.area)]
                if a.area_kind == AreaKind.H3 and h3.is_valid_cell(a.area)
                else None
            ),
        }
        for a in SpikeAlert.objects.filter(
            program=program, last_day__gte=since.date(), first_day__lte=until.date()
        ).order_by("-first_day")[:200]
    ]
    audit_list(
        action=Action.SURVEILLANCE_MAP_VIEW,
        actor=actor,
        records=shown,
        target_type="surveillance.overdoseevent",
        record_id=lambda r: r[0],
        person_id=lambda r: r[1],
        extra={"program_id": program.pk, "cells": len(cells), "individual": individual},
    )
    return {
        "cells": cells,
        "points": points,
        "alerts": alerts,
        "individual": individual,
        "small_cell": SMALL_CELL,
    }


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


# --- ODMAP export ----------------------------------------------------------------------------

ODMAP_COLUMNS = [
    "incident_date",
    "incident_time",
    "latitude",
    "longitude",
    "fatal",
    "naloxone_administered",
    "naloxone_doses",
    "source",
]
ODMAP_PLACES = Decimal("0.001")  # about 100 m: an approximate location


def odmap_rows(
    *, actor: User, program: Program, since: dt.datetime, until: dt.datetime, tz: dt.tzinfo
) -> list[list[str]]:
    """The program's overdose events as ODMAP's bulk upload reads them: local date and time,
    the location rounded to about 100 m, fatal or not, naloxone given and the doses. No person,
    no address. Audited as an export."""
    require(actor, caps.SURVEILLANCE_MANAGE, program)
    rows = (
        OverdoseEvent.objects.filter(
            program=program, occurred_at__gte=since, occurred_at__lt=until, latitude__isnull=False
        )
        .order_by("occurred_at", "pk")
        .values_list(
            "pk", "occurred_at", "latitude", "longitude", "fatal", "naloxone_doses", "source"
        )
    )
    out = []
    ids = []
    for pk, at, lat, lon, fatal, doses, source in rows.iterator():
        if lat is None or lon is None:  # excluded by the query; for the type checker
            continue
        local = at.astimezone(tz)
        ids.append(pk)
        out.append(
            [
                local.strftime("%m/%d/%Y"),
                local.strftime("%H:%M"),
                str(lat.quantize(ODMAP_PLACES)),
                str(lon.quantize(ODMAP_PLACES)),
                "Fatal" if fatal else "Non-Fatal",
                "Yes" if doses else "No",
                str(doses),
                source,
            ]
        )
    audit_record(
        action=Action.EXPORT,
        actor=actor,
        target=program,
        extra={"format": "odmap", "count": len(ids), "ids": ids, "since": since.isoformat()},
    )
    return out
