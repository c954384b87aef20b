"""Reads of outside records. Every read that returns people's identifiers is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.core.models import Pathway
from deflect.programs.models import Program

from .errors import OutcomesErrorCode
from .measures import (
    ENGAGEMENT_CONTACTS,
    ENGAGEMENT_DAYS,
    INITIATION_DAYS,
    RETENTION_DAYS,
    WINDOWS,
    Cohort,
    durations,
    group_columns,
    group_sums,
)
from .models import ExternalRecord, ImportBatch
from .stats import (
    Comparison,
    Curve,
    Proportion,
    Rate,
    hazard_ratio,
    km_curve,
    odds_ratio,
    proportion,
    rate,
    small,
    time_to_event,
)

# Audit rows name every record up to this many; a larger read names the range of ids.
AUDIT_ID_LIMIT = 1000

LINKAGE_FIELDS = (
    "id",
    "source",
    "source_record_id",
    "first_name",
    "middle_name",
    "last_name",
    "dob",
    "sex",
    "race",
    "phone",
    "address",
    "city",
    "zip",
)


def audit_ids(ids: list[int]) -> dict[str, Any]:
    """The ids part of an audit row: all of them, or their count and range when there are many."""
    if len(ids) <= AUDIT_ID_LIMIT:
        return {"count": len(ids), "ids": ids}
    return {"count": len(ids), "id_min": min(ids), "id_max": max(ids)}


def records_for_linkage(program: Program, *, actor: User) -> list[dict[str, Any]]:
    """Every outside record of ``program`` with its identifiers decrypted, for the linkage:
    dicts with the keys of ``LINKAGE_FIELDS`` (``dob`` a date or None, text "" when missing),
    in id order. Requires the link capability; one audit row names the records read."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    rows = ExternalRecord.objects.filter(program=program).only(*LINKAGE_FIELDS).order_by("id")
    result = [{field: getattr(row, field) for field in LINKAGE_FIELDS} for row in rows.iterator()]
    audit_record(
        action=Action.OUTSIDE_RECORDS_READ,
        actor=actor,
        target=program,
        extra={"purpose": "linkage", **audit_ids([row["id"] for row in result])},
    )
    return result


def iter_records_for_linkage(
    program: Program, *, actor: User, chunk_size: int = 10_000
) -> Iterator[list[dict[str, Any]]]:
    """``records_for_linkage`` in chunks of ``chunk_size`` (for programs with millions of
    records); one audit row per chunk."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    last_id = 0
    while True:
        rows = list(
            ExternalRecord.objects.filter(program=program, id__gt=last_id)
            .only(*LINKAGE_FIELDS)
            .order_by("id")[:chunk_size]
        )
        if not rows:
            return
        chunk = [{field: getattr(row, field) for field in LINKAGE_FIELDS} for row in rows]
        last_id = rows[-1].pk
        audit_record(
            action=Action.OUTSIDE_RECORDS_READ,
            actor=actor,
            target=program,
            extra={"purpose": "linkage", **audit_ids([row["id"] for row in chunk])},
        )
        yield chunk


# --- the outcome measures ------------------------------------------------------------------------

ALL_PATHWAYS = "all"
COMPARISON = "comparison"


class ComparisonKind:
    NONE = ""
    ELIGIBLE = "eligible"  # screened eligible, never deflected in the period
    PERIOD = "period"  # deflected in another period (e.g. before the program)


@dataclass(frozen=True)
class MeasureRow:
    key: str
    label: str
    unit: str  # "proportion" or "rate"
    cells: dict[str, Proportion | Rate]


@dataclass
class OutcomeReport:
    program: Program
    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    pathway: str
    agency_id: int | None
    comparison: str
    compare_start: dt.datetime | None
    compare_end: dt.datetime | None
    columns: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    people: dict[str, int] = field(default_factory=dict)
    rows: list[MeasureRow] = field(default_factory=list)
    curves: dict[str, list[Curve]] = field(default_factory=dict)  # measure -> curves
    time_to_treatment: dict[str, Curve | None] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)


PROPORTIONS: list[tuple[str, str]] = [
    ("nfod", "Repeat non-fatal overdose"),
    ("fod", "Fatal overdose"),
    ("arrest", "Re-arrest"),
    ("booking", "Jail booking"),
    ("ed", "Emergency department visit"),
    ("tx", "Treatment admission"),
]
RATES: list[tuple[str, str]] = [
    ("nfod", "Non-fatal overdoses"),
    ("arrest", "Arrests"),
    ("booking", "Jail bookings"),
    ("ed", "ED visits"),
]
CURVE_MEASURES = {"arrest": "Time to re-arrest", "nfod": "Time to repeat overdose"}


def _rows(sums: dict[str, dict[str, float]]) -> list[MeasureRow]:
    rows: list[MeasureRow] = []
    for w in WINDOWS:
        for key, label in PROPORTIONS:
            cells: dict[str, Proportion | Rate] = {
                g: proportion(s[f"{key}_{w}"], s[f"followed_{w}"]) for g, s in sums.items()
            }
            rows.append(MeasureRow(f"{key}_{w}", f"{label} within {w} days", "proportion", cells))
        rows.append(
            MeasureRow(
                f"jail_days_{w}",
                f"Days in jail within {w} days (per 1,000 person-days)",
                "rate",
                {
                    g: rate(s[f"jail_days_{w}"], s[f"followed_{w}"] * w, s[f"followed_{w}"])
                    for g, s in sums.items()
                },
            )
        )
    rows.append(
        MeasureRow(
            "initiation",
            f"Treatment initiation within {INITIATION_DAYS} days",
            "proportion",
            {g: proportion(s["initiated"], s["followed_initiation"]) for g, s in sums.items()},
        )
    )
    rows.append(
        MeasureRow(
            "engagement",
            f"Treatment engagement ({ENGAGEMENT_CONTACTS}+ contacts within {ENGAGEMENT_DAYS} days)",
            "proportion",
            {g: proportion(s["engaged"], s["followed_engagement"]) for g, s in sums.items()},
        )
    )
    for days in RETENTION_DAYS:
        rows.append(
            MeasureRow(
                f"retention_{days}",
                f"Retained in treatment {days} days after admission",
                "proportion",
                {
                    g: proportion(s[f"retained_{days}"], s[f"admitted_{days}"])
                    for g, s in sums.items()
                },
            )
        )
    rows.append(
        MeasureRow(
            "completion",
            "Completed treatment (of those admitted)",
            "proportion",
            {g: proportion(s["completed"], s["admitted"]) for g, s in sums.items()},
        )
    )
    for key, label in RATES:
        rows.append(
            MeasureRow(
                f"rate_{key}",
                f"{label} per 1,000 person-days",
                "rate",
                {
                    g: rate(s[f"events_{key}"], s["person_days"], s["people"])
                    for g, s in sums.items()
                },
            )
        )
    return rows


def _total(sums: dict[str, dict[str, float]]) -> dict[str, float]:
    """The sums over every group (zeros for an empty cohort)."""
    total: dict[str, float] = dict.fromkeys((name for name, _ in group_columns()), 0.0)
    for group in sums.values():
        for name, value in group.items():
            total[name] = total.get(name, 0.0) + value
    return total


def outcomes_report(
    *,
    actor: User,
    program: Program,
    start: dt.datetime,
    end: dt.datetime,
    pathway: str = "",
    agency_id: int | None = None,
    comparison: str = ComparisonKind.NONE,
    compare_start: dt.datetime | None = None,
    compare_end: dt.datetime | None = None,
    as_of: dt.datetime | None = None,
) -> OutcomeReport:
    """Every outcome measure for the people deflected in [start, end) in ``program``, by
    pathway and for all pathways, against a comparison group if asked, followed up to
    ``as_of`` (default now). Counts under 11 are suppressed. One audit row records the
    request."""
    require(actor, caps.OUTCOMES_VIEW, program)
    as_of = as_of or timezone.now()
    problems: dict[str, list[str]] = {}
    if end <= start:
        problems["end"] = ["The period must end after it starts."]
    if comparison == ComparisonKind.PERIOD and not (
        compare_start and compare_end and compare_start < compare_end
    ):
        problems["compare_start"] = ["Choose the comparison period (start before end)."]
    if comparison not in {ComparisonKind.NONE, ComparisonKind.ELIGIBLE, ComparisonKind.PERIOD}:
        problems["comparison"] = ["Choose eligible-not-deflected or a period."]
    if problems:
        raise ValidationFailed(
            "The outcome filters are not valid.",
            fields=problems,
            code=OutcomesErrorCode.MEASURE_INVALID,
        )
    report = OutcomeReport(
        program, start, end, as_of, pathway, agency_id, comparison, compare_start, compare_end
    )
    cohort = Cohort(program.pk, start, end, pathway, agency_id)
    sums = group_sums(cohort, as_of)
    labels = dict(Pathway.choices)
    report.columns = [(g, str(labels.get(g, g))) for g in sums]
    sums[ALL_PATHWAYS] = _total(sums)
    report.columns.append((ALL_PATHWAYS, "All pathways"))
    people = durations(cohort, as_of)
    compared: list[dict[str, Any]] = []
    if comparison:
        other = (
            Cohort(program.pk, start, end, pathway, agency_id, eligible_not_deflected=True)
            if comparison == ComparisonKind.ELIGIBLE
            else Cohort(program.pk, compare_start, compare_end, pathway, agency_id)  # type: ignore[arg-type]
        )
        sums[COMPARISON] = _total(group_sums(other, as_of))
        label = (
            "Eligible, not deflected"
            if comparison == ComparisonKind.ELIGIBLE
            else f"Deflected {compare_start:%Y-%m-%d} to {compare_end:%Y-%m-%d}"
        )
        report.columns.append((COMPARISON, label))
        compared = durations(other, as_of)
    report.people = {g: int(s["people"]) for g, s in sums.items()}
    report.rows = _rows(sums)
    _survival(report, people, compared)
    audit_record(
        action=Action.OUTCOMES_VIEW,
        actor=actor,
        target=program,
        extra={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "pathway": pathway,
            "agency": agency_id,
            "comparison": comparison,
            "people": report.people,
        },
    )
    return report


def _survival(
    report: OutcomeReport, people: list[dict[str, Any]], compared: list[dict[str, Any]]
) -> None:
    for event, title in CURVE_MEASURES.items():
        frame = time_to_event(people, event)
        curves = [
            curve
            for key, label in report.columns
            if key != COMPARISON
            and (
                curve := km_curve(
                    label, frame if key == ALL_PATHWAYS else frame[frame["pathway"] == key]
                )
            )
            is not None
        ]
        if report.comparison:
            other = time_to_event(compared, event)
            if (curve := km_curve("Comparison", other)) is not None:
                curves.append(curve)
            report.comparisons.append(hazard_ratio(title, frame, other))
        report.curves[title] = curves
    treatment = time_to_event(people, "tx")
    for key, label in report.columns:
        if key == COMPARISON:
            continue
        frame = treatment if key == ALL_PATHWAYS else treatment[treatment["pathway"] == key]
        report.time_to_treatment[label] = km_curve(label, frame, median_interval=True)
    if report.comparison:
        sums_rows = {row.key: row for row in report.rows}
        for key, title in (
            ("arrest_90", "Re-arrest within 90 days"),
            ("nfod_90", "Repeat overdose within 90 days"),
        ):
            mine = sums_rows[key].cells[ALL_PATHWAYS]
            theirs = sums_rows[key].cells[COMPARISON]
            assert isinstance(mine, Proportion) and isinstance(theirs, Proportion)
            report.comparisons.append(
                odds_ratio(
                    title, mine.numerator, mine.denominator, theirs.numerator, theirs.denominator
                )
            )


def report_csv_rows(report: OutcomeReport) -> list[list[str]]:
    """The report as CSV rows: measure, group, numerator, denominator, value, low, high
    ("<11" for a suppressed count)."""

    def fmt(value: float | None, digits: int = 4) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    labels = dict(report.columns)
    out = [["measure", "group", "numerator", "denominator", "value", "ci_low", "ci_high"]]
    for row in report.rows:
        for group, cell in row.cells.items():
            if isinstance(cell, Proportion):
                num, den = str(cell.numerator), str(cell.denominator)
                if cell.suppressed:
                    num = "<11" if small(cell.numerator) else num
                    den = "<11" if small(cell.denominator) else den
                    num = "" if den == "<11" and num != "<11" else num
                out.append(
                    [
                        row.label,
                        labels[group],
                        num,
                        den,
                        fmt(cell.value),
                        fmt(cell.low),
                        fmt(cell.high),
                    ]
                )
            else:
                events = "<11" if cell.suppressed else str(cell.events)
                out.append(
                    [
                        row.label,
                        labels[group],
                        events,
                        f"{cell.person_days:.1f}",
                        fmt(cell.per_1000),
                        fmt(cell.low),
                        fmt(cell.high),
                    ]
                )
    for comparison in report.comparisons:
        value = "suppressed" if comparison.suppressed else fmt(comparison.value)
        out.append(
            [
                f"{comparison.measure} ({comparison.kind})",
                "deflected vs comparison",
                "",
                "",
                value,
                fmt(comparison.low),
                fmt(comparison.high),
            ]
        )
    return out


ONE_DAY = dt.timedelta(days=1)
RECORDS_SHOWN = 200


@audited_list(Action.OUTSIDE_RECORDS_READ, target_type="outcomes.externalrecord")
def records_list(*, actor: User, program: Program, kind: str = "") -> list[ExternalRecord]:
    """The latest outside records of ``program`` (of one kind, if given) with their
    identifiers; one audit row names every record and person shown."""
    require(actor, caps.OUTSIDE_RECORD_VIEW, program)
    rows = visible_to(actor, ExternalRecord).filter(program=program)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.select_related("person").order_by("-event_at", "-id")[:RECORDS_SHOWN])


def batches_list(*, actor: User, program: Program) -> list[ImportBatch]:
    """The program's latest imports (no identifiers: file name, counts, status)."""
    require(actor, caps.OUTSIDE_RECORD_VIEW, program)
    return list(
        visible_to(actor, ImportBatch)
        .filter(program=program)
        .select_related("imported_by")
        .order_by("-created_at", "-id")[:50]
    )
