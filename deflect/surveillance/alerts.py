"""Spike detection as scheduled work, and the alerts it raises.

Counts per area and local day come from SQL (``selectors.daily_counts``); EARS C1–C3 run on
that matrix (``ears``); the plain threshold counts the last 24 hours per area in SQL. An alarm
on a day that continues an alert's run (the day after its ``last_day``, or the same day)
extends that alert; otherwise it is a new spike: one ``SpikeAlert`` row (unique per program,
method, area and first day), one audit event and, claimed by a conditional UPDATE of
``notified_at``, one notice per recipient and channel. Running the job again, or twice at
once, raises and tells nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from deflect.access.policy import program_staff
from deflect.accounts.models import Role
from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.followups.jobs import notices_to
from deflect.programs.models import Program

from . import ears, selectors
from .models import AreaKind, Method, OverdoseEvent, SpikeAlert, SurveillanceSettings
from .services import settings_for

log = logging.getLogger("deflect.surveillance")
# Days of counts read for each run: C3 today needs C2 two days back, whose baseline starts
# nine days before that; one more day lets yesterday's complete count alarm too.
LOOKBACK_DAYS = 13
DEFAULT_NOTIFY_ROLES = [Role.COORDINATOR, Role.OUTREACH]


@dataclass(frozen=True)
class Alarm:
    method: str
    area: str
    day: dt.date
    count: int
    expected: float
    statistic: float | None
    window_start: dt.datetime
    window_end: dt.datetime


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(django_settings.TIME_ZONE)


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def limit_of(config: SurveillanceSettings, method: str) -> float:
    return {
        Method.C1: config.c1_threshold,
        Method.C2: config.c2_threshold,
        Method.C3: config.c3_threshold,
        Method.THRESHOLD: float(config.count_threshold),
    }[Method(method)]


def ears_alarms(program: Program, config: SurveillanceSettings, now: dt.datetime) -> list[Alarm]:
    """EARS alarms on the last two local days (yesterday, complete; today, so far)."""
    tz = _tz()
    today = timezone.localtime(now, tz).date()
    first = today - dt.timedelta(days=LOOKBACK_DAYS)
    grid = selectors.daily_counts(
        program=program, area_kind=config.area_kind, first_day=first, last_day=today, tz=tz
    )
    out: list[Alarm] = []
    if not grid.areas:
        return out
    for method in config.methods:
        if method == Method.THRESHOLD:
            continue
        scores = ears.METHODS[method](grid.counts)
        hits = ears.alarms(grid.counts, method, limit_of(config, method))
        for row, col in zip(*hits[:, -2:].nonzero(), strict=True):
            col = col + grid.counts.shape[1] - 2
            day = grid.days[col]
            start, end = _day_bounds(day, tz)
            out.append(
                Alarm(
                    method=method,
                    area=grid.areas[row],
                    day=day,
                    count=int(grid.counts[row, col]),
                    expected=round(float(scores.expected[row, col]), 3),
                    statistic=round(float(scores.statistic[row, col]), 3),
                    window_start=start,
                    window_end=end,
                )
            )
    return out


def threshold_alarms(
    program: Program, config: SurveillanceSettings, now: dt.datetime
) -> list[Alarm]:
    """Areas with at least the program's count of overdoses in the 24 hours before ``now``."""
    if Method.THRESHOLD not in config.methods:
        return []
    start = now - dt.timedelta(hours=24)
    column = selectors.AREA_COLUMN[AreaKind(config.area_kind)]
    rows = (
        OverdoseEvent.objects.filter(program=program, occurred_at__gt=start, occurred_at__lte=now)
        .exclude(**{column: ""})
        .values(column)
        .annotate(n=Count("id"))
        .filter(n__gte=config.count_threshold)
        .order_by(column)
    )
    day = timezone.localtime(now, _tz()).date()
    return [
        Alarm(
            method=Method.THRESHOLD,
            area=row[column],
            day=day,
            count=row["n"],
            expected=float(config.count_threshold),
            statistic=None,
            window_start=start,
            window_end=now,
        )
        for row in rows
    ]


def _raise(program: Program, area_kind: str, alarm: Alarm) -> SpikeAlert | None:
    """A new alert for ``alarm``, or None when it continues (or repeats) a known spike."""
    run = (
        SpikeAlert.objects.select_for_update()
        .filter(
            program=program,
            method=alarm.method,
            area_kind=area_kind,
            area=alarm.area,
            last_day__gte=alarm.day - dt.timedelta(days=1),
            first_day__lte=alarm.day,
        )
        .first()
    )
    if run is not None:
        changed = []
        if alarm.day > run.last_day:
            run.last_day, run.window_end = alarm.day, alarm.window_end
            changed += ["last_day", "window_end"]
        if alarm.count > run.count:
            run.count = alarm.count
            changed.append("count")
        if changed:
            run.save(update_fields=[*changed, "updated_at"])
        return None
    try:
        with transaction.atomic():
            alert = SpikeAlert.objects.create(
                program=program,
                method=alarm.method,
                area_kind=area_kind,
                area=alarm.area,
                first_day=alarm.day,
                last_day=alarm.day,
                window_start=alarm.window_start,
                window_end=alarm.window_end,
                count=alarm.count,
                expected=alarm.expected,
                statistic=alarm.statistic,
            )
    except IntegrityError:  # raised by a concurrent run
        return None
    audit_record(
        action=Action.SPIKE_ALERT_RAISE,
        actor=dangerously_as_system("jobs"),
        target=alert,
        extra={
            "program_id": program.pk,
            "method": alarm.method,
            "area": alarm.area,
            "count": alarm.count,
            "expected": alarm.expected,
        },
    )
    return alert


def alert_notify(alert: SpikeAlert, config: SurveillanceSettings, now: dt.datetime) -> int:
    """Tell the program's chosen roles about a new spike, once (in-app: the alert list shows
    it to them; email and SMS through the notice outbox). Returns the notices queued."""
    claimed = SpikeAlert.objects.filter(pk=alert.pk, notified_at__isnull=True).update(
        notified_at=now
    )
    if not claimed:
        return 0
    roles = config.notify_roles or DEFAULT_NOTIFY_ROLES
    users = list(program_staff(alert.program_id, roles=roles).order_by("pk"))
    SpikeAlert.objects.filter(pk=alert.pk).update(notified_user_ids=[u.pk for u in users])
    subject = f"Overdose spike: {alert.count} in {alert.get_area_kind_display()} {alert.area}"
    body = (
        f"{subject} ({alert.get_method_display()}, expected {alert.expected:g}) "
        f"on {alert.first_day:%Y-%m-%d}. Open the alert in deflect for the response checklist: "
        f"{reverse('surveillance:alert', kwargs={'alert_id': alert.pk})}"
    )
    return notices_to(users=users, key=f"spike:{alert.pk}", subject=subject, body=body)


def spikes_detect(*, program: Program, now: dt.datetime) -> dict[str, int]:
    config = settings_for(program)
    found = ears_alarms(program, config, now) + threshold_alarms(program, config, now)
    raised: list[SpikeAlert] = []
    with transaction.atomic():
        for alarm in found:
            alert = _raise(program, config.area_kind, alarm)
            if alert is not None:
                raised.append(alert)
    notices = sum(alert_notify(alert, config, now) for alert in raised)
    return {"alarms": len(found), "alerts": len(raised), "notices": notices}


def spikes_job(now: dt.datetime) -> dict[str, int]:
    """``deflect jobs run``: detect spikes in every active program with recent overdoses."""
    since = now - dt.timedelta(days=LOOKBACK_DAYS + 1)
    programs = Program.objects.filter(
        Q(is_active=True),
        pk__in=OverdoseEvent.objects.filter(occurred_at__gte=since).values("program_id"),
    ).order_by("pk")
    totals = {"programs": 0, "alarms": 0, "alerts": 0, "notices": 0}
    for program in programs:
        counts = spikes_detect(program=program, now=now)
        totals["programs"] += 1
        for key, value in counts.items():
            totals[key] += value
    log.info("spikes %s", totals)
    return totals
