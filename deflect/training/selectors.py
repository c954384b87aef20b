"""Reads for training. Counts are aggregates in SQL; the judgements are ``training.rules``."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from deflect.access.policy import program_memberships
from deflect.accounts.models import AgencyKind, Membership, Role
from deflect.programs.models import Program

from .models import Course, Shift, Topic, TrainingPolicy, TrainingRecord
from .rules import (
    REFRESHER_WARNING_DAYS,
    CoverageRow,
    GroupCount,
    ShiftCount,
    ShiftCoverage,
    coverage,
    round_the_clock,
    shift_coverage,
)

OFFICERS, DISPATCHERS = "officers", "dispatchers"


def policy_for(program: Program) -> TrainingPolicy:
    return TrainingPolicy.objects.filter(program=program).first() or TrainingPolicy(program=program)


def _current(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})


def _groups(program: Program) -> tuple[QuerySet[Membership], Q, Q]:
    """Sworn officers (responders at law-enforcement agencies) and dispatchers, as membership
    rows of the program's agencies, each row tagged with its group."""
    base = program_memberships(program)
    officers = Q(role=Role.RESPONDER, agency__kind=AgencyKind.LAW_ENFORCEMENT)
    dispatchers = Q(role=Role.DISPATCHER)
    return base, officers, dispatchers


def coverage_counts(program: Program, today: date | None = None) -> list[GroupCount]:
    """Staff and currently trained staff per agency, group and course: three SQL queries."""
    today = today or timezone.localdate()
    base, officers, dispatchers = _groups(program)
    courses = dict(Course.objects.filter(program=program, is_active=True).values_list("pk", "name"))
    staff: dict[tuple[str, str], int] = {}
    trained: dict[tuple[str, str, int], int] = {}
    for group, condition in ((OFFICERS, officers), (DISPATCHERS, dispatchers)):
        for row in (
            base.filter(condition)
            .values("agency__name")
            .annotate(n=Count("user", distinct=True))
            .order_by()
        ):
            staff[(row["agency__name"], group)] = row["n"]
        for row in (
            base.filter(condition)
            .filter(
                Q(user__training_records__course__in=courses)
                & (
                    Q(user__training_records__expires_on__isnull=True)
                    | Q(user__training_records__expires_on__gte=today)
                )
            )
            .values("agency__name", "user__training_records__course")
            .annotate(n=Count("user", distinct=True))
            .order_by()
        ):
            key = (row["agency__name"], group, row["user__training_records__course"])
            trained[key] = row["n"]
    return [
        GroupCount(agency, group, name, total, trained.get((agency, group, pk), 0))
        for (agency, group), total in staff.items()
        for pk, name in courses.items()
    ]


def coverage_report(program: Program, today: date | None = None) -> list[CoverageRow]:
    policy = policy_for(program)
    minimums = {OFFICERS: policy.min_officer_share, DISPATCHERS: policy.min_dispatcher_share}
    return coverage(coverage_counts(program, today), minimums)


def shift_report(program: Program, today: date | None = None) -> list[ShiftCoverage]:
    """CIT-trained staff on each shift (a current record of a 40-hour CIT course)."""
    today = today or timezone.localdate()
    shifts = list(
        Shift.objects.filter(program=program)
        .select_related("agency")
        .annotate(on_duty=Count("members", distinct=True))
    )
    cit = dict(
        Shift.members.through.objects.filter(shift__program=program)
        .filter(
            Q(user__training_records__course__topic=Topic.CIT_40)
            & Q(user__training_records__program=program)
            & _current(today, "user__training_records__")
        )
        .values("shift_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
        # django-stubs does not see the annotation "n" made after .values(); Django does.
        .values_list("shift_id", "n")  # type: ignore[misc]
    )
    counts = [ShiftCount(str(s), s.on_duty, cit.get(s.pk, 0)) for s in shifts]
    return shift_coverage(counts, policy_for(program).min_cit_per_shift)


def round_the_clock_report(program: Program, today: date | None = None) -> list[dict]:
    """Per agency with shifts: do its shifts cover all 24 hours, and does every shift meet the
    CIT minimum? Both together are 24/7 crisis-intervention coverage."""
    shifts = list(Shift.objects.filter(program=program).select_related("agency"))
    short = {s.shift for s in shift_report(program, today) if s.below_minimum}
    agencies: dict[str, list[Shift]] = {}
    for shift in shifts:
        agencies.setdefault(shift.agency.name, []).append(shift)
    report = []
    for agency, own in sorted(agencies.items()):
        hours = round_the_clock((s.starts_at.hour, s.ends_at.hour) for s in own)
        staffed = not any(str(s) in short for s in own)
        report.append(
            {
                "agency": agency,
                "all_hours": hours,
                "all_staffed": staffed,
                "covered": hours and staffed,
            }
        )
    return report


def refreshers_due(program: Program, today: date | None = None, limit: int = 500) -> list[dict]:
    """Each staff member's latest completion per expiring course that has run out or runs out
    within the warning window, soonest first."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=REFRESHER_WARNING_DAYS)
    rows = (
        TrainingRecord.objects.filter(program=program, course__validity_months__isnull=False)
        .values(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "course_id",
            "course__name",
        )
        .annotate(expires=Max("expires_on"))
        .filter(expires__lte=horizon)
        .order_by("expires", "user__username")
    )
    result = []
    for row in rows[:limit]:
        name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        result.append(
            {
                "user_id": row["user_id"],
                "name": name or row["user__username"],
                "course_id": row["course_id"],
                "course": row["course__name"],
                "expires_on": row["expires"],
                "expired": row["expires"] < today,
            }
        )
    return result


def records_list(program: Program, limit: int = 200) -> list[TrainingRecord]:
    return list(
        TrainingRecord.objects.filter(program=program).select_related("course", "user")[:limit]
    )
