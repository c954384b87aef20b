"""The program dashboard's numbers, computed in SQL over the rows the access policy lets the
actor see. Never writes domain tables."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, F, FloatField, Func, Model, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import can, require, visible_to
from deflect.accounts.models import User
from deflect.cases.models import AbeyanceCase
from deflect.encounters.models import Encounter
from deflect.followups.models import FollowUp, FollowUpStatus, Trigger
from deflect.referrals.models import Referral, ReferralStatus

from .measures import ACCEPTED_OR_LATER, MeasureResult, Scope, measure_results


@dataclass
class Dashboard:
    since: dt.datetime | None  # None: since launch
    until: dt.datetime | None = None
    pathway: str = ""
    agency_id: int | None = None
    measures: list[MeasureResult] = field(default_factory=list)
    weeks: list[dt.date] = field(default_factory=list)
    # Counts are None where suppress_small_cells hid them (SUPPRESSED).
    by_pathway: dict[str, dict[dt.date, int | None]] = field(default_factory=dict)
    funnel: list[tuple[str, int | None]] = field(default_factory=list)
    hours_to_intake: dict[str, float | None] = field(default_factory=dict)
    overdose_72h: dict[str, int | float | None] = field(default_factory=dict)
    overdue_followups: int | None = 0
    abeyance: list[tuple[str, int | None]] = field(default_factory=list)
    suppressed: bool = False


def _percentile_hours(qs: QuerySet[Any], fraction: float, count: int) -> float | None:
    """The ``fraction`` percentile (nearest rank) of the ordered durations, picked in SQL."""
    if not count:
        return None
    index = max(0, min(count - 1, math.ceil(fraction * count) - 1))
    value = qs.order_by("duration").values_list("duration", flat=True)[index]
    return round(value, 1)


def _week_starts(since: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """Local Mondays 00:00 from the week of ``since`` to the week of ``now`` (the first
    starting at ``since``)."""
    local = timezone.localtime(since)
    day = (local - dt.timedelta(days=local.weekday())).date()
    starts = []
    while True:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
        if start > now:
            break
        starts.append(max(start, since))
        day += dt.timedelta(days=7)
    return starts


class HoursBetween(Func):
    """Hours from the second datetime to the first, in SQL (built-in functions on both
    databases, no per-row Python)."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any] | tuple[Any, ...]]:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any] | tuple[Any, ...]]:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)",
            arg_joiner=" - ",
            **extra,
        )


def _period(
    start: dt.date | None, end: dt.date | None, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime]:
    """[since, until): local midnight of ``start`` (None: since launch) to local midnight after
    ``end`` (None: now)."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min)) if start else None
    until = (
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
        if end
        else now + dt.timedelta(seconds=1)
    )
    return since, until


def measure_scope(
    actor: User,
    *,
    since: dt.datetime | None,
    until: dt.datetime,
    pathway: str = "",
    agency_id: int | None = None,
    now: dt.datetime,
) -> Scope:
    """The rows the dashboard counts: what ``actor`` may see, in the period, on the pathway and
    at the agency (of the contact, or for referrals the requesting agency)."""

    def within(
        qs: QuerySet[ModelT], field_name: str, encounter_path: str = "encounter__"
    ) -> QuerySet[ModelT]:
        qs = qs.filter(**{f"{field_name}__lt": until})
        if since is not None:
            qs = qs.filter(**{f"{field_name}__gte": since})
        if pathway:
            qs = qs.filter(**{f"{encounter_path}pathway": pathway})
        if agency_id:
            qs = qs.filter(**{f"{encounter_path}agency_id": agency_id})
        return qs

    return Scope(
        encounters=within(
            visible_to(actor, Encounter, caps.DASHBOARD_VIEW), "occurred_at", encounter_path=""
        ),
        referrals=within(visible_to(actor, Referral, caps.DASHBOARD_VIEW), "sent_at"),
        followups=within(visible_to(actor, FollowUp, caps.DASHBOARD_VIEW), "anchor_at"),
        abeyance=within(
            visible_to(actor, AbeyanceCase, caps.DASHBOARD_VIEW), "encounter__occurred_at"
        ),
        now=now,
    )


def dashboard_for(
    *,
    actor: User,
    days: int = 84,
    now: dt.datetime | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    since_launch: bool = False,
    pathway: str = "",
    agency_id: int | None = None,
) -> Dashboard:
    """The dashboard for a period (default: the last ``days`` days; ``since_launch``: every
    row), a pathway and an agency. The weekly chart covers the last 12 weeks of the period."""
    require(actor, caps.DASHBOARD_VIEW)
    now = now or timezone.now()
    if start or end or since_launch:
        since, until = _period(start, end, now)
    else:
        since, until = now - dt.timedelta(days=days), now + dt.timedelta(seconds=1)
    scope = measure_scope(
        actor, since=since, until=until, pathway=pathway, agency_id=agency_id, now=now
    )
    board = Dashboard(since=since, until=until, pathway=pathway, agency_id=agency_id)
    board.measures = measure_results(scope, suppress=not can(actor, caps.DASHBOARD_SMALL_CELLS))
    encounters = scope.encounters
    # One scan: a filtered count per week (portable; no per-row date functions).
    last = min(until, now)
    chart_since = last - dt.timedelta(days=84)
    if since is not None:
        chart_since = max(since, chart_since)
    week_starts = _week_starts(chart_since, last)
    bounds = list(zip(week_starts, [*week_starts[1:], until], strict=True))
    counts = (
        encounters.values("pathway")
        .annotate(
            **{
                f"w{i}": Count("id", filter=Q(occurred_at__gte=lo, occurred_at__lt=hi))
                for i, (lo, hi) in enumerate(bounds)
            }
        )
        .order_by()
    )
    board.weeks = [timezone.localtime(start).date() for start in week_starts]
    for row in counts:
        board.by_pathway[row["pathway"]] = {
            board.weeks[i]: row[f"w{i}"] for i in range(len(bounds)) if row[f"w{i}"]
        }

    referrals = scope.referrals
    funnel = referrals.aggregate(
        referred=Count("person", distinct=True),
        accepted=Count(
            "person",
            distinct=True,
            filter=Q(status__in=ACCEPTED_OR_LATER)
            | Q(status=ReferralStatus.FAILED, responded_at__isnull=False, intake_at__isnull=False),
        ),
        engaged=Count("person", distinct=True, filter=Q(intake_at__isnull=False)),
    )
    board.funnel = [
        ("Encounters", encounters.count()),
        ("People referred", funnel["referred"]),
        ("Accepted", funnel["accepted"]),
        ("Engaged (intake)", funnel["engaged"]),
    ]
    timed = referrals.filter(intake_at__isnull=False, encounter__isnull=False).annotate(
        duration=HoursBetween(F("intake_at"), F("encounter__occurred_at"))
    )
    count = timed.count()
    board.hours_to_intake = {
        "count": count,
        "median": _percentile_hours(timed, 0.5, count),
        "p90": _percentile_hours(timed, 0.9, count),
    }
    followups = visible_to(actor, FollowUp, caps.DASHBOARD_VIEW)
    if pathway:
        followups = followups.filter(encounter__pathway=pathway)
    if agency_id:
        followups = followups.filter(encounter__agency_id=agency_id)
    window = scope.followups.filter(trigger=Trigger.NONFATAL_OVERDOSE, contact_required=True)
    od = window.aggregate(
        total=Count("id", filter=Q(due_at__lt=now) | Q(status=FollowUpStatus.CONTACTED)),
        met=Count("id", filter=Q(status=FollowUpStatus.CONTACTED, closed_at__lte=F("due_at"))),
    )
    od["share"] = round(100 * od["met"] / od["total"], 1) if od["total"] else None
    board.overdose_72h = od
    board.overdue_followups = followups.filter(status=FollowUpStatus.OPEN, due_at__lt=now).count()
    outcomes = scope.abeyance.values("disposition").annotate(n=Count("id")).order_by()
    labels = {
        "": "Open",
        "charges_dropped": "Charges dropped",
        "referred_for_prosecution": "Referred for prosecution",
    }
    board.abeyance = [(labels.get(r["disposition"], r["disposition"]), r["n"]) for r in outcomes]
    if not can(actor, caps.DASHBOARD_SMALL_CELLS):
        suppress_small_cells(board)
    return board


SMALL_CELL = 11
CellT = TypeVar("CellT", int, float)
ModelT = TypeVar("ModelT", bound=Model)
SUPPRESSED = None  # a count from 1 to 10 for roles without DASHBOARD_SMALL_CELLS


def _cell(n: CellT | None) -> CellT | None:
    return SUPPRESSED if n is not None and 0 < n < SMALL_CELL else n


def suppress_small_cells(board: Dashboard) -> Dashboard:
    """Hide every count from 1 to 10 (and the figures computed from so few rows): what an
    analyst sees. Zero stays zero."""
    board.suppressed = True
    board.by_pathway = {
        pathway: {week: _cell(n) for week, n in weeks.items()}
        for pathway, weeks in board.by_pathway.items()
    }
    board.funnel = [(label, _cell(n)) for label, n in board.funnel]
    count = board.hours_to_intake.get("count") or 0
    if count < SMALL_CELL:
        board.hours_to_intake = {"count": _cell(count), "median": None, "p90": None}
    od = board.overdose_72h
    if (od.get("total") or 0) < SMALL_CELL:
        od = {"total": _cell(od.get("total")), "met": _cell(od.get("met")), "share": None}
    else:
        od = {**od, "met": _cell(od.get("met"))}
    board.overdose_72h = od
    board.overdue_followups = _cell(board.overdue_followups)
    board.abeyance = [(label, _cell(n)) for label, n in board.abeyance]
    return board


def _text(value: object) -> str:
    return "<11" if value is SUPPRESSED else str(value)


def dashboard_rows(board: Dashboard) -> list[tuple[str, str, str]]:
    """The dashboard as (measure, group, value) rows, for CSV ("<11": a suppressed count,
    "": not enough data)."""
    rows: list[tuple[str, str, str]] = []
    for result in board.measures:
        rows.append((result.measure.code, "numerator", _text(result.numerator)))
        if result.measure.denominator:
            rows.append((result.measure.code, "denominator", _text(result.denominator)))
            for key in ("share", "low", "high"):
                value = getattr(result, key)
                rows.append((result.measure.code, key, "" if value is None else f"{value:.4f}"))
    for pathway, weeks in sorted(board.by_pathway.items()):
        for week in board.weeks:
            rows.append(
                (
                    "encounters_by_pathway",
                    f"{pathway} {week.isoformat()}",
                    _text(weeks.get(week, 0)),
                )
            )
    rows += [("referral_funnel", label, _text(n)) for label, n in board.funnel]
    for key in ("count", "median", "p90"):
        value = board.hours_to_intake.get(key)
        shown = _text(value) if key == "count" else ("" if value is None else str(value))
        rows.append(("hours_encounter_to_intake", key, shown))
    for key in ("total", "met", "share"):
        value = board.overdose_72h.get(key)
        shown = _text(value) if key != "share" else ("" if value is None else str(value))
        rows.append(("nonfatal_overdose_contact_72h", key, shown))
    rows.append(("overdue_followups", "all", _text(board.overdue_followups)))
    rows += [("abeyance_outcomes", label, _text(n)) for label, n in board.abeyance]
    return rows
