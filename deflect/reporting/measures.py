"""The dashboard's measures, each defined once: a name that says what is measured, its
definition, numerator and denominator, and the function that computes them in SQL over a
``Scope`` (the rows of one period, pathway and agency the actor may see). A new measure is one
entry in ``MEASURES``.

A measure with a denominator is a share, shown with its 95% Wilson interval; one without is a
count. Counts from 1 to 10 are suppressed for roles without DASHBOARD_SMALL_CELLS, and so is a
share built on a suppressed count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from deflect.core.stats import wilson
from deflect.followups.models import FollowUpStatus, Trigger
from deflect.referrals.models import ReferralStatus

SMALL_CELL = 11
ACCEPTED_OR_LATER = [
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ON_HOLD,
    ReferralStatus.COMPLETED,
]
_ACCEPTED = Q(status__in=ACCEPTED_OR_LATER) | Q(
    status=ReferralStatus.FAILED, responded_at__isnull=False, intake_at__isnull=False
)


@dataclass
class Scope:
    """The rows one dashboard request counts (already filtered by access, period, pathway and
    agency), and the moment "now" for what is due."""

    encounters: QuerySet
    referrals: QuerySet
    followups: QuerySet
    abeyance: QuerySet
    now: object


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    definition: str
    numerator: str
    denominator: str  # "" for a count
    compute: Callable[[Scope], tuple[int, int | None]]


def _contacts(scope: Scope) -> tuple[int, None]:
    return scope.encounters.count(), None


def _people_referred(scope: Scope) -> tuple[int, None]:
    return scope.referrals.aggregate(n=Count("person", distinct=True))["n"], None


def _referred_people(scope: Scope, condition: Q) -> tuple[int, int]:
    row = scope.referrals.aggregate(
        num=Count("person", distinct=True, filter=condition),
        den=Count("person", distinct=True),
    )
    return row["num"], row["den"]


def _accepted(scope: Scope) -> tuple[int, int]:
    return _referred_people(scope, _ACCEPTED)


def _entered_treatment(scope: Scope) -> tuple[int, int]:
    return _referred_people(scope, Q(intake_at__isnull=False))


def _contacted_in_window(scope: Scope) -> tuple[int, int]:
    window = scope.followups.filter(trigger=Trigger.NONFATAL_OVERDOSE, contact_required=True)
    row = window.aggregate(
        den=Count("id", filter=Q(due_at__lt=scope.now) | Q(status=FollowUpStatus.CONTACTED)),
        num=Count("id", filter=Q(status=FollowUpStatus.CONTACTED, closed_at__lte=F("due_at"))),
    )
    return row["num"], row["den"]


def _overdue(scope: Scope) -> tuple[int, None]:
    return scope.followups.filter(status=FollowUpStatus.OPEN, due_at__lt=scope.now).count(), None


def _charges_dropped(scope: Scope) -> tuple[int, int]:
    row = scope.abeyance.exclude(disposition="").aggregate(
        num=Count("id", filter=Q(disposition="charges_dropped")), den=Count("id")
    )
    return row["num"], row["den"]


MEASURES: tuple[Measure, ...] = (
    Measure(
        "contacts",
        "Contacts made",
        "Encounters recorded in the period, on every pathway selected.",
        "encounters whose time falls in the period",
        "",
        _contacts,
    ),
    Measure(
        "people_referred",
        "People referred to treatment or services",
        "Different people with a referral sent in the period.",
        "people with a referral sent in the period",
        "",
        _people_referred,
    ),
    Measure(
        "referral_accepted",
        "Referred people whose referral was accepted",
        "Of the people referred in the period, those with a referral the provider accepted "
        "(or that later reached intake).",
        "people with an accepted referral",
        "people referred in the period",
        _accepted,
    ),
    Measure(
        "entered_treatment",
        "Referred people who entered treatment",
        "Of the people referred in the period, those whose provider recorded an intake.",
        "people with an intake recorded",
        "people referred in the period",
        _entered_treatment,
    ),
    Measure(
        "contacted_in_window",
        "Non-fatal overdoses contacted within the follow-up window",
        "Follow-ups after a non-fatal overdose that require a contact, anchored in the period: "
        "those contacted by their due time, of those already due or contacted. The window is "
        "the program's follow-up policy (72 hours by default).",
        "follow-ups contacted by their due time",
        "follow-ups due (or contacted) so far",
        _contacted_in_window,
    ),
    Measure(
        "overdue_followups",
        "Follow-ups past due and still open",
        "Follow-ups anchored in the period whose due time has passed without a contact.",
        "open follow-ups past their due time",
        "",
        _overdue,
    ),
    Measure(
        "charges_dropped",
        "Abeyance cases closed with charges dropped",
        "Of the abeyance cases from contacts in the period that have a disposition, those "
        "whose charges were dropped.",
        "cases with charges dropped",
        "cases with a disposition",
        _charges_dropped,
    ),
)


@dataclass
class MeasureResult:
    measure: Measure
    numerator: int | None
    denominator: int | None
    share: float | None = None  # 0..1
    low: float | None = None
    high: float | None = None
    suppressed: bool = False


def _small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL_CELL


def measure_results(scope: Scope, *, suppress: bool) -> list[MeasureResult]:
    """Every measure over ``scope``: counts in SQL, shares with their Wilson interval."""
    results = []
    for measure in MEASURES:
        num, den = measure.compute(scope)
        result = MeasureResult(measure=measure, numerator=num, denominator=den)
        if suppress and (_small(num) or _small(den)):
            result.suppressed = True
            result.numerator = None if _small(num) else num
            result.denominator = None if _small(den) else den
        if den and not result.suppressed:
            result.share = num / den
            result.low, result.high = wilson(num, den) or (None, None)
        results.append(result)
    return results
