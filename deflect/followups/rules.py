"""Follow-up due windows: pure functions over plain values, in the program's time zone.

A step is due ``offset`` after the anchor (the overdose, the placement, the completion) and must
be done within ``window`` of opening. ``unit`` "hours" counts elapsed time (the 24-hour first
attempt, the 72-hour recovery window: a daylight-saving change does not stretch them); "days"
counts calendar days on the local clock: a 7-day follow-up opens at the start of the local day
seven days after the anchor's local date and is due by the end of the local day ``window`` days
later, whatever the UTC offset is by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UNITS = ("hours", "days")
MAX_STEPS = 20
MAX_OFFSET = {"hours": 24 * 400, "days": 400}


@dataclass(frozen=True)
class Step:
    label: str
    offset: int
    window: int
    unit: str = "hours"
    contact_required: bool = False


@dataclass(frozen=True)
class Window:
    step: int
    label: str
    opens_at: dt.datetime
    due_at: dt.datetime
    contact_required: bool


# The programs' usual schedules (seeds: QRT's 72-hour recovery window; 7, 30 and 90 days).
DEFAULT_STEPS: dict[str, tuple[Step, ...]] = {
    "nonfatal_overdose": (
        Step("First attempt", 0, 24, "hours"),
        Step("Contact within the recovery window", 0, 72, "hours", contact_required=True),
        Step("7-day follow-up", 7, 1, "days"),
        Step("30-day follow-up", 30, 2, "days"),
        Step("90-day follow-up", 90, 3, "days"),
    ),
    "placement": (
        Step("24-hour check-in", 0, 24, "hours", contact_required=True),
        Step("Week 1 contact", 7, 1, "days"),
        Step("Week 2 contact", 14, 1, "days"),
        Step("Week 3 contact", 21, 1, "days"),
        Step("Week 4 contact", 28, 1, "days"),
    ),
    "completion": (
        Step("Aftercare: 7 days", 7, 2, "days"),
        Step("Aftercare: 30 days", 30, 3, "days"),
        Step("Aftercare: 90 days", 90, 5, "days"),
    ),
}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Unknown time zone {name!r}.") from error


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The first instant of ``day`` in ``tz`` (a midnight skipped by a DST change moves to the
    first local time that exists)."""
    naive = dt.datetime.combine(day, dt.time(0, 0))
    for minutes in range(0, 180, 30):
        candidate = (naive + dt.timedelta(minutes=minutes)).replace(tzinfo=tz)
        round_trip = candidate.astimezone(dt.UTC).astimezone(tz)
        if round_trip.replace(tzinfo=None) == candidate.replace(tzinfo=None):
            return candidate
    return naive.replace(tzinfo=tz)


def step_window(anchor: dt.datetime, step: Step, tz: ZoneInfo, index: int = 0) -> Window:
    if anchor.tzinfo is None:
        raise ValueError("The anchor time needs a time zone.")
    if step.unit == "hours":
        # Arithmetic in UTC: adding to a local time would add wall-clock hours.
        opens = anchor.astimezone(dt.UTC) + dt.timedelta(hours=step.offset)
        due = opens + dt.timedelta(hours=step.window)
    elif step.unit == "days":
        local_day = anchor.astimezone(tz).date()
        open_day = local_day + dt.timedelta(days=step.offset)
        opens = _local_midnight(open_day, tz)
        due = _local_midnight(open_day + dt.timedelta(days=max(step.window, 1)), tz)
        due -= dt.timedelta(microseconds=1)
        opens = max(opens, anchor.astimezone(dt.UTC))
    else:
        raise ValueError(f"Unknown unit {step.unit!r}.")
    return Window(
        step=index,
        label=step.label,
        opens_at=opens.astimezone(dt.UTC),
        due_at=due.astimezone(dt.UTC),
        contact_required=step.contact_required,
    )


def due_windows(
    anchor: dt.datetime, steps: tuple[Step, ...] | list[Step], tz_name: str
) -> list[Window]:
    """Every step's window after ``anchor``, in UTC."""
    tz = zone(tz_name)
    return [step_window(anchor, step, tz, index) for index, step in enumerate(steps)]


def steps_problems(raw: list[dict]) -> dict[str, list[str]]:
    """Problems with a policy's steps as submitted (field names ``steps.N.field``)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(raw, list) or not raw:
        return {"steps": ["Give at least one step."]}
    if len(raw) > MAX_STEPS:
        return {"steps": [f"At most {MAX_STEPS} steps."]}
    for i, item in enumerate(raw):

        def add(name: str, message: str, i: int = i) -> None:
            problems.setdefault(f"steps.{i}.{name}", []).append(message)

        if not isinstance(item, dict):
            add("label", "Each step is an object.")
            continue
        if not str(item.get("label", "")).strip():
            add("label", "Name the step.")
        unit = item.get("unit", "hours")
        if unit not in UNITS:
            add("unit", "Hours or days.")
            continue
        for name, low in (("offset", 0), ("window", 1)):
            value = item.get(name)
            if not isinstance(value, int) or isinstance(value, bool):
                add(name, "A whole number.")
            elif value < low or value > MAX_OFFSET[unit]:
                add(name, f"Between {low} and {MAX_OFFSET[unit]} {unit}.")
    return problems


def steps_from(raw: list[dict]) -> tuple[Step, ...]:
    return tuple(
        Step(
            label=str(item["label"]).strip()[:120],
            offset=int(item["offset"]),
            window=int(item["window"]),
            unit=item.get("unit", "hours"),
            contact_required=bool(item.get("contact_required", False)),
        )
        for item in raw
    )


def steps_as_dicts(steps: tuple[Step, ...]) -> list[dict]:
    return [
        {
            "label": s.label,
            "offset": s.offset,
            "window": s.window,
            "unit": s.unit,
            "contact_required": s.contact_required,
        }
        for s in steps
    ]


@dataclass(frozen=True)
class Timeliness:
    state: str  # "met", "met_late", "missed", "open_overdue", "open_due", "upcoming"
    label: str


def timeliness(
    *, opens_at: dt.datetime, due_at: dt.datetime, done_at: dt.datetime | None, now: dt.datetime
) -> Timeliness:
    """Whether a follow-up's window was met, met late, visibly missed, or is still running."""
    if done_at is not None:
        if done_at <= due_at:
            return Timeliness("met", "Met in time")
        return Timeliness("met_late", "Done after the window")
    if now > due_at:
        return Timeliness("open_overdue", "Overdue")
    if now >= opens_at:
        return Timeliness("open_due", "Due now")
    return Timeliness("upcoming", "Upcoming")


def local_day_bounds(now: dt.datetime, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The start of today and of tomorrow on the local clock, in UTC."""
    tz = zone(tz_name)
    today = now.astimezone(tz).date()
    start = _local_midnight(today, tz)
    end = _local_midnight(today + dt.timedelta(days=1), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
