"""Training rules as pure functions: expiry, refresher status, and coverage against the
program's minimums. The counts come from SQL (``training.selectors``); the judgements here."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

REFRESHER_WARNING_DAYS = 60


class RecordStatus(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"  # expires within the warning window: book the refresher
    EXPIRED = "expired"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(completed_on: date, validity_months: int | None) -> date | None:
    """The last day a completion counts; None when the course does not expire."""
    if not validity_months:
        return None
    return add_months(completed_on, validity_months) - timedelta(days=1)


def record_status(
    expires_on: date | None, today: date, warning_days: int = REFRESHER_WARNING_DAYS
) -> RecordStatus:
    if expires_on is None:
        return RecordStatus.CURRENT
    if expires_on < today:
        return RecordStatus.EXPIRED
    if expires_on <= today + timedelta(days=warning_days):
        return RecordStatus.DUE_SOON
    return RecordStatus.CURRENT


@dataclass(frozen=True)
class GroupCount:
    """How many staff of one group (e.g. sworn officers of an agency) there are, and how many
    of them hold a current completion of one course."""

    agency: str
    group: str  # "officers" or "dispatchers"
    course: str
    staff: int
    trained: int


@dataclass(frozen=True)
class CoverageRow:
    agency: str
    group: str
    course: str
    staff: int
    trained: int
    share: float | None  # percent; None when the group has nobody
    minimum: int
    below_minimum: bool


def coverage(counts: Iterable[GroupCount], minimums: dict[str, int]) -> list[CoverageRow]:
    """Share trained per group and course, flagged when it falls below the group's minimum
    (a percentage in ``minimums``). A group with no staff is never flagged."""
    rows = []
    for count in counts:
        minimum = minimums.get(count.group, 0)
        share = round(100 * count.trained / count.staff, 1) if count.staff else None
        rows.append(
            CoverageRow(
                agency=count.agency,
                group=count.group,
                course=count.course,
                staff=count.staff,
                trained=min(count.trained, count.staff),
                share=min(share, 100.0) if share is not None else None,
                minimum=minimum,
                below_minimum=share is not None and share < minimum,
            )
        )
    return sorted(rows, key=lambda r: (r.agency, r.group, r.course))


@dataclass(frozen=True)
class ShiftCount:
    shift: str
    on_duty: int
    cit_trained: int


@dataclass(frozen=True)
class ShiftCoverage:
    shift: str
    on_duty: int
    cit_trained: int
    minimum: int
    below_minimum: bool


def shift_coverage(shifts: Iterable[ShiftCount], minimum: int) -> list[ShiftCoverage]:
    """Crisis-intervention-trained staff on each shift against the per-shift minimum."""
    return [
        ShiftCoverage(s.shift, s.on_duty, s.cit_trained, minimum, s.cit_trained < minimum)
        for s in shifts
    ]


def round_the_clock(shifts: Iterable[tuple[int, int]]) -> bool:
    """Do shifts (start hour, end hour; end may wrap past midnight) cover all 24 hours?"""
    hours: set[int] = set()
    for start, end in shifts:
        span = (end - start) % 24 or 24
        hours.update((start + h) % 24 for h in range(span))
    return len(hours) == 24
