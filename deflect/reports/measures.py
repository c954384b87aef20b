"""The report measures, each defined once: its name, definition, numerator, denominator and the
SQL that computes it over the rows the actor may see. Report templates name measures by key.

A measure returns a ``Value``: a total, optionally a breakdown by pathway, the numerator and
denominator of a share, and a note when the data it needs is missing ("needs jail data").
Aggregates run in the database (``Count``, ``Sum``, ``Avg``); nothing loops over rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Avg, Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from scipy.stats import t as t_dist

from deflect.access import capabilities as caps
from deflect.access.policy import visible_to
from deflect.accounts.models import User
from deflect.core.models import Pathway
from deflect.encounters.models import Encounter
from deflect.followups.models import FollowUp, FollowUpStatus, Trigger
from deflect.naloxone.models import LedgerEntry, Movement
from deflect.programs.models import Program
from deflect.referrals.models import Referral
from deflect.resources.models import Mou, MouStatus
from deflect.training.models import TrainingRecord

NEEDS_JAIL_DATA = "needs jail data"
JAIL_BOOKING = "jail_booking"
# Re-booked within this many days of a release counts as a return to jail.
RECIDIVISM_DAYS = 365
NO_PATHWAY = "none"


class DaysBetween(Func):
    """Days from the second datetime to the first, in SQL on both databases."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


@dataclass
class Value:
    total: float | int | None = None
    by_pathway: dict[str, int | None] = field(default_factory=dict)
    numerator: int | None = None
    denominator: int | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""
    suppressed: bool = False


@dataclass
class Scope:
    """What one report covers: the actor's visible rows, one period, optionally one program."""

    actor: User
    start: dt.datetime
    end: dt.datetime  # exclusive
    program: Program | None = None

    def rows(self, model) -> QuerySet:
        queryset = visible_to(self.actor, model, caps.REPORT_VIEW)
        if self.program is not None:
            queryset = queryset.filter(program=self.program)
        return queryset

    def encounters(self) -> QuerySet:
        return self.rows(Encounter).filter(occurred_at__gte=self.start, occurred_at__lt=self.end)

    @property
    def start_date(self) -> dt.date:
        return timezone.localtime(self.start).date()

    @property
    def last_date(self) -> dt.date:
        return timezone.localtime(self.end).date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    definition: str
    numerator: str
    denominator: str
    kind: str  # "count", "share" (a percentage), "mean" (days), "sum"
    compute: Callable[[Scope], Value]
    by_pathway: bool = False


def _distinct_people_by_pathway(queryset: QuerySet, pathway_field: str) -> Value:
    total = queryset.aggregate(n=Count("person", distinct=True))["n"]
    rows = queryset.values(pathway_field).annotate(n=Count("person", distinct=True)).order_by()
    return Value(
        total=total,
        by_pathway={(row[pathway_field] or NO_PATHWAY): row["n"] for row in rows},
    )


def people_contacted(scope: Scope) -> Value:
    return _distinct_people_by_pathway(scope.encounters().filter(person__isnull=False), "pathway")


def encounters_recorded(scope: Scope) -> Value:
    queryset = scope.encounters()
    rows = queryset.values("pathway").annotate(n=Count("id")).order_by()
    by_pathway = {row["pathway"]: row["n"] for row in rows}
    return Value(total=sum(by_pathway.values()), by_pathway=by_pathway)


def people_screened(scope: Scope) -> Value:
    return _distinct_people_by_pathway(
        scope.encounters().filter(person__isnull=False, eligibility__isnull=False), "pathway"
    )


def people_referred(scope: Scope) -> Value:
    referrals = scope.rows(Referral).filter(sent_at__gte=scope.start, sent_at__lt=scope.end)
    return _distinct_people_by_pathway(referrals, "encounter__pathway")


def people_engaged_in_treatment(scope: Scope) -> Value:
    referrals = scope.rows(Referral).filter(intake_at__gte=scope.start, intake_at__lt=scope.end)
    return _distinct_people_by_pathway(referrals, "encounter__pathway")


def _naloxone(scope: Scope, kind: str) -> Value:
    entries = scope.rows(LedgerEntry).filter(
        kind=kind, occurred_at__gte=scope.start, occurred_at__lt=scope.end
    )
    return Value(total=-(entries.aggregate(n=Sum("quantity"))["n"] or 0))


def naloxone_administered(scope: Scope) -> Value:
    return _naloxone(scope, Movement.ADMINISTERED)


def naloxone_kits_left(scope: Scope) -> Value:
    return _naloxone(scope, Movement.DISTRIBUTED)


def _overdoses(scope: Scope, *, fatal: bool) -> Value:
    queryset = scope.encounters().filter(overdose__isnull=False, overdose__fatal=fatal)
    rows = queryset.values("pathway").annotate(n=Count("id")).order_by()
    by_pathway = {row["pathway"]: row["n"] for row in rows}
    return Value(total=sum(by_pathway.values()), by_pathway=by_pathway)


def overdoses_nonfatal(scope: Scope) -> Value:
    return _overdoses(scope, fatal=False)


def overdose_deaths(scope: Scope) -> Value:
    return _overdoses(scope, fatal=True)


def overdose_followups_within_window(scope: Scope) -> Value:
    now = timezone.now()
    window = scope.rows(FollowUp).filter(
        trigger=Trigger.NONFATAL_OVERDOSE,
        contact_required=True,
        anchor_at__gte=scope.start,
        anchor_at__lt=scope.end,
    )
    counts = window.aggregate(
        total=Count("id", filter=Q(due_at__lt=now) | Q(status=FollowUpStatus.CONTACTED)),
        met=Count("id", filter=Q(status=FollowUpStatus.CONTACTED, closed_at__lte=F("due_at"))),
    )
    return Value(numerator=counts["met"], denominator=counts["total"])


def training_completions(scope: Scope) -> Value:
    records = scope.rows(TrainingRecord).filter(
        completed_on__gte=scope.start_date, completed_on__lte=scope.last_date
    )
    return Value(total=records.count())


def staff_trained(scope: Scope) -> Value:
    records = scope.rows(TrainingRecord).filter(
        completed_on__gte=scope.start_date, completed_on__lte=scope.last_date
    )
    return Value(total=records.aggregate(n=Count("user", distinct=True))["n"])


def partners_with_mou(scope: Scope) -> Value:
    last = scope.last_date
    mous = scope.rows(Mou).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=last),
        status__in=[MouStatus.ACTIVE, MouStatus.EXPIRED],
        signed_on__lte=last,
    )
    return Value(total=mous.aggregate(n=Count("organization", distinct=True))["n"])


# --- Stepping Up: people with a mental-health need -------------------------------------------


def _mental_health_people(scope: Scope) -> QuerySet:
    """Ids of people screened in the period with a mental-health need (a crisis flagged, or
    crisis services recommended, at the needs screening)."""
    return (
        scope.encounters()
        .filter(person__isnull=False)
        .filter(Q(needs__mental_health_crisis=True) | Q(needs__crisis_services=True))
        .values("person_id")
    )


def _jail_bookings(scope: Scope) -> QuerySet | None:
    """The jail bookings of the outside records, or None when there are none to read."""
    try:
        model = apps.get_model("outcomes", "ExternalRecord")
    except LookupError:
        return None
    queryset = scope.rows(model)
    bookings = queryset.filter(kind=JAIL_BOOKING)
    return bookings if bookings.exists() else None


def mh_people(scope: Scope) -> Value:
    return Value(total=_mental_health_people(scope).distinct().count())


def mh_booked(scope: Scope) -> Value:
    bookings = _jail_bookings(scope)
    if bookings is None:
        return Value(note=NEEDS_JAIL_DATA)
    booked = bookings.filter(
        person_id__in=_mental_health_people(scope),
        event_at__gte=scope.start,
        event_at__lt=scope.end,
    )
    return Value(total=booked.aggregate(n=Count("person", distinct=True))["n"])


def mh_length_of_stay(scope: Scope) -> Value:
    bookings = _jail_bookings(scope)
    if bookings is None:
        return Value(note=NEEDS_JAIL_DATA)
    stays = bookings.filter(
        person_id__in=_mental_health_people(scope),
        event_at__gte=scope.start,
        event_at__lt=scope.end,
        released_at__isnull=False,
    ).annotate(days=DaysBetween(F("released_at"), F("event_at")))
    figures = stays.aggregate(n=Count("id"), mean=Avg("days"), square=Avg(F("days") * F("days")))
    n, mean = figures["n"], figures["mean"]
    if mean is None:
        return Value(denominator=n)
    value = Value(total=round(mean, 1), denominator=n)
    if n > 1:
        # A t interval from the mean and the mean of squares (both computed in SQL).
        variance = max(figures["square"] - mean * mean, 0.0) * n / (n - 1)
        half = float(t_dist.ppf(0.975, n - 1)) * math.sqrt(variance / n)
        value.low, value.high = max(mean - half, 0.0), mean + half
    return value


def mh_connected_to_treatment(scope: Scope) -> Value:
    people = _mental_health_people(scope)
    denominator = people.distinct().count()
    numerator = (
        scope.rows(Referral)
        .filter(person_id__in=people, intake_at__isnull=False, intake_at__lt=scope.end)
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    return Value(numerator=numerator, denominator=denominator)


def mh_recidivism(scope: Scope) -> Value:
    bookings = _jail_bookings(scope)
    if bookings is None:
        return Value(note=NEEDS_JAIL_DATA)
    booked = bookings.filter(
        person_id__in=_mental_health_people(scope),
        event_at__gte=scope.start,
        event_at__lt=scope.end,
    )
    earlier_release = bookings.filter(
        person_id=OuterRef("person_id"),
        released_at__lte=OuterRef("event_at"),
        released_at__gte=OuterRef("event_at") - dt.timedelta(days=RECIDIVISM_DAYS),
    )
    counts = booked.aggregate(
        total=Count("person", distinct=True),
        again=Count("person", distinct=True, filter=Exists(earlier_release)),
    )
    return Value(numerator=counts["again"], denominator=counts["total"])


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "people_contacted",
            "People contacted",
            "Distinct people with at least one encounter in the period.",
            "people with an encounter in the period",
            "",
            "count",
            people_contacted,
            by_pathway=True,
        ),
        Measure(
            "encounters_recorded",
            "Encounters recorded",
            "Encounters (field contacts) recorded in the period, with or without a known person.",
            "encounters in the period",
            "",
            "count",
            encounters_recorded,
            by_pathway=True,
        ),
        Measure(
            "people_screened",
            "People screened for eligibility",
            "Distinct people with an eligibility screening at an encounter in the period.",
            "people with a screened encounter in the period",
            "",
            "count",
            people_screened,
            by_pathway=True,
        ),
        Measure(
            "people_referred",
            "People referred to treatment or services",
            "Distinct people with a referral sent in the period (pathway of the referring "
            "encounter; 'none' when the referral had no encounter).",
            "people with a referral sent in the period",
            "",
            "count",
            people_referred,
            by_pathway=True,
        ),
        Measure(
            "people_engaged_in_treatment",
            "People engaged in treatment (intake)",
            "Distinct people whose referral reached intake at the provider in the period.",
            "people with an intake in the period",
            "",
            "count",
            people_engaged_in_treatment,
            by_pathway=True,
        ),
        Measure(
            "naloxone_administered",
            "Naloxone doses administered",
            "Doses recorded as administered from the program's naloxone stock in the period.",
            "doses administered",
            "",
            "sum",
            naloxone_administered,
        ),
        Measure(
            "naloxone_kits_left",
            "Naloxone kits left behind or distributed",
            "Kits distributed to the public (leave-behind, events, walk-ins) in the period.",
            "kits distributed",
            "",
            "sum",
            naloxone_kits_left,
        ),
        Measure(
            "overdoses_nonfatal",
            "Non-fatal overdoses among participants",
            "Encounters in the period recording a non-fatal overdose.",
            "non-fatal overdose encounters",
            "",
            "count",
            overdoses_nonfatal,
            by_pathway=True,
        ),
        Measure(
            "overdose_deaths",
            "Overdose deaths among participants",
            "Encounters in the period recording a fatal overdose.",
            "fatal overdose encounters",
            "",
            "count",
            overdose_deaths,
            by_pathway=True,
        ),
        Measure(
            "overdose_followups_within_window",
            "Non-fatal overdoses contacted within the follow-up window",
            "Share of post-overdose follow-ups (anchored in the period) where the person was "
            "contacted before the follow-up was due; the window is the program's follow-up "
            "policy (often 72 hours).",
            "follow-ups contacted on or before their due time",
            "follow-ups whose window has closed or that were contacted",
            "share",
            overdose_followups_within_window,
        ),
        Measure(
            "training_completions",
            "Trainings completed",
            "Training records (course completions) dated in the period.",
            "course completions",
            "",
            "count",
            training_completions,
        ),
        Measure(
            "staff_trained",
            "Staff trained",
            "Distinct staff members who completed a course in the period.",
            "staff with a completion in the period",
            "",
            "count",
            staff_trained,
        ),
        Measure(
            "partners_with_mou",
            "Partners with a signed MOU",
            "Partner organizations with an MOU signed by the end of the period and not expired "
            "or terminated before it.",
            "organizations with an MOU in force",
            "",
            "count",
            partners_with_mou,
        ),
        Measure(
            "mh_people",
            "People with a mental-health need",
            "Distinct people screened in the period with a mental-health crisis flagged or "
            "crisis services recommended.",
            "people with a mental-health need",
            "",
            "count",
            mh_people,
        ),
        Measure(
            "mh_booked",
            "People with a mental-health need booked into jail",
            "Of the people with a mental-health need, those with a jail booking in the period "
            "(outside records of kind jail_booking).",
            "people with a mental-health need and a booking in the period",
            "",
            "count",
            mh_booked,
        ),
        Measure(
            "mh_length_of_stay",
            "Average length of stay in jail (days)",
            "Mean days from booking to release of the bookings in the period of people with a "
            "mental-health need (released bookings only).",
            "days in jail",
            "released bookings",
            "mean",
            mh_length_of_stay,
        ),
        Measure(
            "mh_connected_to_treatment",
            "Connected to treatment",
            "Share of the people with a mental-health need whose referral reached intake by "
            "the end of the period.",
            "people with a mental-health need and an intake",
            "people with a mental-health need",
            "share",
            mh_connected_to_treatment,
        ),
        Measure(
            "mh_recidivism",
            "Returned to jail within a year of release",
            "Share of the people with a mental-health need booked in the period who had been "
            f"released from jail in the {RECIDIVISM_DAYS} days before that booking.",
            "people booked again within a year of a release",
            "people with a mental-health need booked in the period",
            "share",
            mh_recidivism,
        ),
    ]
}

PATHWAY_LABELS: dict[str, str] = {**dict(Pathway.choices), NO_PATHWAY: "No encounter"}
