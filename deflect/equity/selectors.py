"""Equity at every decision point: counts per group and quarter in one SQL query over the
encounters the actor may see, then rates, relative rate indexes with their intervals, and
small-cell suppression (``stats``). Never writes.

Each decision point is defined once below (``DECISION_POINTS``) with its numerator and its
denominator; docs/equity.md explains them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.models import User
from deflect.core.models import Pathway
from deflect.encounters.choices import OfficerDecision, Outcome
from deflect.encounters.models import Encounter
from deflect.people.choices import Ethnicity, Gender, Race
from deflect.referrals.models import Referral, ReferralStatus

from . import stats

OFFICER_INTERVENTION = "officer_intervention"
DEFLECTING_DECISIONS = [OfficerDecision.TREATMENT_IN_LIEU, OfficerDecision.CIVIL_CITATION]
UNKNOWN = "unknown"

# How far an encounter's referrals got: 0 none sent, 1 sent, 2 intake done, 3 completed.
_REFERRAL_STAGE = Case(
    When(status=ReferralStatus.COMPLETED, intake_at__isnull=False, then=Value(3)),
    When(intake_at__isnull=False, then=Value(2)),
    When(sent_at__isnull=False, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)

# --- the counts (one SQL column each) ------------------------------------------------------------
_ELIGIBLE = Q(eligibility__isnull=True) | Q(eligibility__eligible=True)
_OFFERED = _ELIGIBLE & (
    Q(outcome__in=[Outcome.REFERRED, Outcome.DECLINED])
    | Q(referral_stage__gte=1)
    | Q(officer_intervention__decision__in=[*DEFLECTING_DECISIONS, OfficerDecision.PERSON_DECLINED])
)
_ACCEPTED = (
    _ELIGIBLE
    & (
        Q(outcome=Outcome.REFERRED)
        | Q(referral_stage__gte=1)
        | Q(officer_intervention__decision__in=DEFLECTING_DECISIONS)
    )
    & ~Q(outcome=Outcome.DECLINED)
)
_OI = Q(pathway=OFFICER_INTERVENTION)
COUNTS: dict[str, Q] = {
    "contacts": Q(),
    "eligible": _ELIGIBLE,
    "offered": _OFFERED,
    "accepted": _ACCEPTED,
    "referred": _ACCEPTED & Q(referral_stage__gte=1),
    "entered": _ACCEPTED & Q(referral_stage__gte=2),
    "completed": _ACCEPTED & Q(referral_stage__gte=3),
    "oi_contacts": _OI,
    "deflected": _OI
    & (
        Q(officer_intervention__decision__in=DEFLECTING_DECISIONS)
        | Q(officer_intervention__charges_held_in_abeyance=True)
    ),
    "arrested": _OI
    & (
        Q(officer_intervention__decision=OfficerDecision.NOT_ELIGIBLE_ARREST)
        | Q(outcome=Outcome.ARRESTED)
    ),
}


@dataclass(frozen=True)
class DecisionPoint:
    code: str
    label: str
    numerator: str  # a key of COUNTS
    denominator: str  # a key of COUNTS
    definition: str
    officer_intervention_only: bool = False


DECISION_POINTS: tuple[DecisionPoint, ...] = (
    DecisionPoint(
        "eligible",
        "Found eligible",
        "eligible",
        "contacts",
        "Contacts not screened out by the program's eligibility rules (after any override); "
        "contacts without a screening count as eligible.",
    ),
    DecisionPoint(
        "offered",
        "Offered deflection",
        "offered",
        "eligible",
        "Eligible contacts where treatment or services were offered: outcome referred or "
        "declined, a referral sent, or an officer's decision of treatment in lieu of arrest, a "
        "civil citation, or the person declining.",
    ),
    DecisionPoint(
        "accepted",
        "Accepted",
        "accepted",
        "offered",
        "Offers the person accepted: outcome referred, a referral sent, or treatment in lieu of "
        "arrest or a civil citation; never an outcome of 'declined'.",
    ),
    DecisionPoint(
        "referred",
        "Referred",
        "referred",
        "accepted",
        "Accepted contacts with a referral sent to a provider.",
    ),
    DecisionPoint(
        "entered",
        "Entered treatment",
        "entered",
        "referred",
        "Referred contacts whose provider recorded an intake.",
    ),
    DecisionPoint(
        "completed",
        "Completed",
        "completed",
        "entered",
        "Contacts that entered treatment whose referral was completed.",
    ),
    DecisionPoint(
        "deflected",
        "Deflected (citation or abeyance)",
        "deflected",
        "oi_contacts",
        "Officer-intervention contacts where the officer chose treatment in lieu of arrest or a "
        "civil citation, or held charges in abeyance.",
        officer_intervention_only=True,
    ),
    DecisionPoint(
        "arrested",
        "Arrested or booked",
        "arrested",
        "oi_contacts",
        "Officer-intervention contacts with the decision 'not eligible, arrest' or the outcome "
        "'arrested'.",
        officer_intervention_only=True,
    ),
)
PAIRS = [(p.numerator, p.denominator) for p in DECISION_POINTS]

# --- the groups ---------------------------------------------------------------------------------
AGE_BANDS = [
    ("under_18", "Under 18", None, 18),
    ("18_24", "18 to 24", 18, 25),
    ("25_34", "25 to 34", 25, 35),
    ("35_44", "35 to 44", 35, 45),
    ("45_54", "45 to 54", 45, 55),
    ("55_64", "55 to 64", 55, 65),
    ("65_plus", "65 and over", 65, None),
]


class AgeYears(Func):
    """Whole years from a date of birth to a datetime, with each database's own date functions
    (no per-row Python): PostgreSQL's AGE(), SQLite's julianday() difference over 365.25 days
    (which can differ by one from the calendar age only on a birthday in a few leap-year cases).
    """

    arity = 2
    output_field = IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any] | tuple[Any, ...]]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s)) / 365.25 AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any] | tuple[Any, ...]]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(YEAR FROM AGE(%(expressions)s)) AS INTEGER)",
            arg_joiner=", ",
            **extra,
        )


def _age_at_encounter() -> Case:
    """Whole years from the person's date of birth to the contact (the recorded estimate when
    the date is unknown), in SQL."""
    return Case(
        When(
            person__date_of_birth__isnull=False,
            then=AgeYears("occurred_at", "person__date_of_birth"),
        ),
        default="person__age_estimate",
        output_field=IntegerField(),
    )


def _age_band() -> Case:
    whens = []
    for code, _label, low, high in AGE_BANDS:
        condition = Q(age__isnull=False)
        if low is not None:
            condition &= Q(age__gte=low)
        if high is not None:
            condition &= Q(age__lt=high)
        whens.append(When(condition, then=Value(code)))
    return Case(*whens, default=Value(UNKNOWN))


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    labels: dict[str, str]


DIMENSIONS: dict[str, Dimension] = {
    "race": Dimension("race", "Race (as recorded)", dict(Race.choices)),
    "ethnicity": Dimension("ethnicity", "Ethnicity (as recorded)", dict(Ethnicity.choices)),
    "gender": Dimension("gender", "Sex or gender (as recorded)", dict(Gender.choices)),
    "age": Dimension(
        "age",
        "Age band at the contact",
        {code: label for code, label, _, _ in AGE_BANDS} | {UNKNOWN: "Unknown"},
    ),
    "area": Dimension("area", "Area (the agency that made the contact)", {}),
}


def _group_expression(encounters: QuerySet[Encounter], dimension: str) -> QuerySet[Encounter]:
    if dimension in ("race", "ethnicity", "gender"):
        return encounters.annotate(group=Coalesce(f"person__{dimension}", Value(UNKNOWN)))
    if dimension == "age":
        return encounters.annotate(age=_age_at_encounter()).annotate(group=_age_band())
    return encounters.annotate(group=Coalesce("agency__name", Value(UNKNOWN)))


# --- the result ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """One group at one decision point. Hidden counts are None."""

    group: str
    label: str
    numerator: int | None
    denominator: int | None
    rate: float | None = None  # a proportion, 0..1
    rate_low: float | None = None
    rate_high: float | None = None
    rri: float | None = None
    rri_low: float | None = None
    rri_high: float | None = None
    differs: bool = False  # the RRI's interval excludes 1
    reference: bool = False


@dataclass
class PointResult:
    point: DecisionPoint
    cells: list[Cell]
    total: Cell
    trend: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GroupShare:
    group: str
    label: str
    contacts: int | None
    share: float | None
    share_low: float | None
    share_high: float | None


@dataclass
class EquityReport:
    start: dt.date
    end: dt.date
    pathway: str
    agency_id: int | None
    dimension: Dimension
    reference: str
    reference_label: str
    groups: list[GroupShare]
    points: list[PointResult]
    quarters: list[str]
    total_contacts: int | None


def _quarters(start: dt.date, end: dt.date) -> list[tuple[str, dt.datetime]]:
    """(label, local start) of every calendar quarter from the one holding ``start`` to the one
    holding ``end``."""
    year, quarter = start.year, (start.month - 1) // 3
    quarters = []
    while (year, quarter) <= (end.year, (end.month - 1) // 3):
        first = dt.datetime.combine(dt.date(year, 3 * quarter + 1, 1), dt.time.min)
        quarters.append((f"{year} Q{quarter + 1}", timezone.make_aware(first)))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return quarters


def _quarter_index(start: dt.date, end: dt.date) -> Case:
    """The encounter's quarter as a number (0 = the first quarter of the period), from
    comparisons with the local quarter starts: portable, no per-row date functions."""
    quarters = _quarters(start, end)
    whens = [
        When(occurred_at__lt=next_start, then=Value(i))
        for i, (_, next_start) in enumerate(quarters[1:])
    ]
    return Case(*whens, default=Value(len(quarters) - 1), output_field=IntegerField())


def _encounters(
    actor: User, *, start: dt.date, end: dt.date, pathway: str, agency_id: int | None
) -> QuerySet[Encounter]:
    encounters = visible_to(actor, Encounter, caps.DASHBOARD_VIEW).filter(
        occurred_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        occurred_at__lt=timezone.make_aware(
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
        ),
    )
    if pathway:
        encounters = encounters.filter(pathway=pathway)
    if agency_id:
        encounters = encounters.filter(agency_id=agency_id)
    stage = (
        Referral.objects.filter(encounter=OuterRef("pk"))
        .annotate(stage=_REFERRAL_STAGE)
        .order_by("-stage")
        .values("stage")[:1]
    )
    return encounters.annotate(
        referral_stage=Coalesce(Subquery(stage, output_field=IntegerField()), Value(0))
    )


def counts_by_group_and_quarter(
    actor: User,
    *,
    start: dt.date,
    end: dt.date,
    dimension: str,
    pathway: str = "",
    agency_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per (group, quarter) with every count of ``COUNTS``: a single GROUP BY query."""
    require(actor, caps.DASHBOARD_VIEW)
    encounters = _encounters(actor, start=start, end=end, pathway=pathway, agency_id=agency_id)
    encounters = _group_expression(encounters, dimension)
    return list(
        encounters.annotate(quarter=_quarter_index(start, end))
        .values("group", "quarter")
        .annotate(
            **{name: Count("id", filter=q) if q else Count("id") for name, q in COUNTS.items()}
        )
        .order_by()
    )


def _rate_cell(
    group: str, label: str, num: int, den: int, hidden_num: bool, hidden_den: bool
) -> Cell:
    cell = Cell(
        group=group,
        label=label,
        numerator=None if hidden_num else num,
        denominator=None if hidden_den else den,
    )
    if not hidden_num and not hidden_den and den:
        cell.rate = num / den
        cell.rate_low, cell.rate_high = stats.wilson(num, den) or (None, None)
    return cell


def _table(
    rows: list[dict[str, Any]],
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    by_group: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in rows:
        for name in COUNTS:
            by_group[row["group"]][name] += row[name]
    totals = {name: sum(g[name] for g in by_group.values()) for name in COUNTS}
    return dict(by_group), totals


def equity_report(
    actor: User,
    *,
    start: dt.date,
    end: dt.date,
    dimension: str = "race",
    pathway: str = "",
    agency_id: int | None = None,
    reference: str = "",
) -> EquityReport:
    """The equity analysis for one period and filter: the share of contacts per group, and at
    each decision point each group's rate, RRI against ``reference`` (default: the group with
    the most contacts) with 95% intervals, every count under 11 hidden along with the counts
    that would reveal it."""
    dim = DIMENSIONS[dimension]
    rows = counts_by_group_and_quarter(
        actor, start=start, end=end, dimension=dimension, pathway=pathway, agency_id=agency_id
    )
    counts, totals = _table(rows)
    hidden, hidden_totals = stats.suppress(counts, totals, PAIRS)
    order = sorted(counts, key=lambda g: (-counts[g]["contacts"], g))
    if reference not in counts:
        reference = order[0] if order else ""

    def label(group: str) -> str:
        return dim.labels.get(group, group) if dim.labels else group

    total_contacts = None if "contacts" in hidden_totals else totals["contacts"]
    groups = []
    for g in order:
        n = counts[g]["contacts"]
        shown = (g, "contacts") not in hidden and total_contacts is not None
        interval = stats.wilson(n, totals["contacts"]) if shown else None
        groups.append(
            GroupShare(
                group=g,
                label=label(g),
                contacts=None if (g, "contacts") in hidden else n,
                share=n / totals["contacts"] if shown and totals["contacts"] else None,
                share_low=interval[0] if interval else None,
                share_high=interval[1] if interval else None,
            )
        )

    points = []
    for point in DECISION_POINTS:
        if point.officer_intervention_only and pathway not in ("", OFFICER_INTERVENTION):
            continue
        num, den = point.numerator, point.denominator
        cells = [
            _rate_cell(
                g,
                label(g),
                counts[g][num],
                counts[g][den],
                (g, num) in hidden,
                (g, den) in hidden,
            )
            for g in order
        ]
        ref_cell = next((c for c in cells if c.group == reference), None)
        for cell in cells:
            cell.reference = cell.group == reference
            if ref_cell is None or cell.rate is None or ref_cell.rate is None:
                continue
            ratio = stats.rri(
                cell.numerator or 0,
                cell.denominator or 0,
                ref_cell.numerator or 0,
                ref_cell.denominator or 0,
            )
            if ratio is not None:
                cell.rri, cell.rri_low, cell.rri_high = ratio.value, ratio.low, ratio.high
                cell.differs = ratio.excludes_one and not cell.reference
        total = _rate_cell(
            "all",
            "All groups",
            totals[num],
            totals[den],
            num in hidden_totals,
            den in hidden_totals,
        )
        points.append(PointResult(point=point, cells=cells, total=total))

    labels = [name for name, _ in _quarters(start, end)]
    for row in rows:
        row["quarter"] = labels[row["quarter"]]
    quarters = [q for q in labels if any(r["quarter"] == q for r in rows)]
    _trends(rows, points, order, label, quarters)
    return EquityReport(
        start=start,
        end=end,
        pathway=pathway,
        agency_id=agency_id,
        dimension=dim,
        reference=reference,
        reference_label=label(reference) if reference else "",
        groups=groups,
        points=points,
        quarters=quarters,
        total_contacts=total_contacts,
    )


def _trends(
    rows: list[dict[str, Any]],
    points: list[PointResult],
    order: list[str],
    label: Callable[[str], str],
    quarters: list[str],
) -> None:
    """Each decision point's rate per group and quarter, suppressed per quarter like the main
    table (each quarter is its own table of counts)."""
    by_quarter: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_quarter[row["quarter"]].append(row)
    for quarter in quarters:
        counts, totals = _table(by_quarter[quarter])
        hidden, _ = stats.suppress(counts, totals, PAIRS)
        for result in points:
            num, den = result.point.numerator, result.point.denominator
            for g in order:
                c = counts.get(g)
                if c is None or not c[den]:
                    continue
                cell = _rate_cell(
                    g, label(g), c[num], c[den], (g, num) in hidden, (g, den) in hidden
                )
                result.trend.append(
                    {
                        "quarter": quarter,
                        "group": cell.label,
                        "rate": None if cell.rate is None else round(100 * cell.rate, 1),
                        "low": None if cell.rate_low is None else round(100 * cell.rate_low, 1),
                        "high": None if cell.rate_high is None else round(100 * cell.rate_high, 1),
                    }
                )


def csv_rows(report: EquityReport) -> list[list[str]]:
    """The report as CSV rows: one per decision point and group ("<11": a hidden count)."""

    def text(value: object, digits: int = 3) -> str:
        if value is None:
            return ""
        return str(round(value, digits)) if isinstance(value, float) else str(value)

    def count(value: int | None) -> str:
        return stats.SUPPRESSED_TEXT if value is None else str(value)

    rows = [
        [
            "decision_point",
            "group",
            "numerator",
            "denominator",
            "rate",
            "rate_low_95",
            "rate_high_95",
            "rri",
            "rri_low_95",
            "rri_high_95",
            "interval_excludes_1",
            "reference_group",
        ]
    ]
    rows += [
        [
            "contact",
            g.label,
            count(g.contacts),
            count(report.total_contacts),
            text(g.share),
            text(g.share_low),
            text(g.share_high),
            "",
            "",
            "",
            "",
            "",
        ]
        for g in report.groups
    ]
    for result in report.points:
        for cell in [*result.cells, result.total]:
            rows.append(
                [
                    result.point.code,
                    cell.label,
                    count(cell.numerator),
                    count(cell.denominator),
                    text(cell.rate),
                    text(cell.rate_low),
                    text(cell.rate_high),
                    text(cell.rri),
                    text(cell.rri_low),
                    text(cell.rri_high),
                    "yes" if cell.differs else "",
                    "yes" if cell.reference else "",
                ]
            )
    return rows


def valid_pathways() -> list[str]:
    return list(Pathway.values)
