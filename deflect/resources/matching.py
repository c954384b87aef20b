"""Matching rules: pure functions from plain values to ranked services with their reasons.

No database here. ``selectors.service_match`` narrows the directory in SQL (a latitude/longitude
box on an index, the tag bitmask, ages) and hands the survivors to ``rank`` as ``Candidate``
values. The rules, written out for programs in docs/resources.md:

Hard filters (a service that fails one is left out, with the reason):
1. *Active*: the service's HSDS status is active.
2. *Serves this person*: the age is within the service's ages; the gender is one it serves
   (a service that lists no genders serves everyone); the insurance is accepted (a service
   that lists no payment information is kept, with a reason to call and check); the language
   is spoken there or interpretation is offered.
3. *Fits the need*: it offers the level of care (see ``taxonomy.LEVEL_CATEGORIES``), every
   other kind of help asked for, and the medication (MOUD) asked for.
4. *Within reach*: no farther than ``max_distance_km`` when the person's location is known.
5. *Open now*, when help is needed now: open 24/7 or open at this hour by its schedule.
6. *Has room*, when a bed is needed: its latest bed figure is above zero (a stale figure
   counts, and is marked stale).

Score (higher first; the terms add up, at most 100):
- distance: up to 40 points, falling linearly to 0 at ``max_distance_km``;
- MOU partner: 25 points when the program has an MOU in force with the organization;
- warm handoff: 15 points when the service or the MOU takes warm handoffs;
- capacity freshness: 15 points for open capacity updated within 24 hours, 5 when older;
- open now: 5 points when open at this moment.
Ties are broken by distance (unknown last), then organization, service and id, so the order
is stable.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from . import taxonomy as tx

STALE_AFTER = dt.timedelta(hours=24)
DEFAULT_MAX_DISTANCE_KM = 80.0
EARTH_RADIUS_KM = 6371.0088

DISTANCE_POINTS = 40.0
MOU_POINTS = 25.0
WARM_HANDOFF_POINTS = 15.0
FRESH_CAPACITY_POINTS = 15.0
STALE_CAPACITY_POINTS = 5.0
OPEN_NOW_POINTS = 5.0

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ht": "Haitian Creole",
    "pt": "Portuguese",
    "ru": "Russian",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "ar": "Arabic",
    "ko": "Korean",
    "tl": "Tagalog",
    "asl": "American Sign Language",
}


@dataclass(frozen=True)
class Needs:
    """What the person needs. Empty values ask for nothing; ``None`` means not known."""

    level_of_care: str = ""
    categories: frozenset[str] = frozenset()
    moud: str = ""  # "", "any", or a key of taxonomy.MOUD_CATEGORIES
    insurance: str = ""
    language: str = ""
    age: int | None = None
    gender: str = ""
    latitude: float | None = None
    longitude: float | None = None
    max_distance_km: float = DEFAULT_MAX_DISTANCE_KM
    needed_now: bool = False
    needs_bed: bool = False


@dataclass(frozen=True)
class Opening:
    """Open on ``weekday`` (0 = Monday) from ``opens`` to ``closes`` local time; ``closes``
    at or before ``opens`` runs past midnight."""

    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Capacity:
    unit: str
    available: int
    updated: dt.datetime
    updated_by: str = ""


@dataclass(frozen=True)
class Candidate:
    service_at_location_id: str
    service_name: str
    organization_name: str
    tags: int = 0
    active: bool = True
    latitude: float | None = None
    longitude: float | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    languages: frozenset[str] = frozenset({"en"})
    hours: str = ""
    capacities: tuple[Capacity, ...] = ()
    mou_partner: bool = False
    mou_warm_handoff: bool = False


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    distance_km: float | None
    reasons: tuple[str, ...]
    stale_capacity: bool = False
    open_now: bool | None = None


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Hours
# ---------------------------------------------------------------------------------------------

ALWAYS_OPEN = "24/7"


def format_hours(openings: list[Opening]) -> str:
    """The compact form stored in ``MatchEntry.hours``: ``0:0800-1700;5:0900-1200``."""
    return ";".join(
        f"{o.weekday}:{o.opens:%H%M}-{o.closes:%H%M}"
        for o in sorted(openings, key=lambda o: (o.weekday, o.opens))
    )


def parse_hours(text: str) -> list[Opening]:
    openings = []
    for part in filter(None, (text or "").split(";")):
        if part == ALWAYS_OPEN:
            continue
        day, _, span = part.partition(":")
        opens, _, closes = span.partition("-")
        openings.append(
            Opening(
                int(day),
                dt.time(int(opens[:2]), int(opens[2:])),
                dt.time(int(closes[:2]), int(closes[2:])),
            )
        )
    return openings


def is_open(hours: str, tags: int, when: dt.datetime) -> bool | None:
    """Open at local time ``when``? ``None`` when no hours are listed."""
    if tags & tx.TERMS["open-24-7"].mask or hours == ALWAYS_OPEN:
        return True
    openings = parse_hours(hours)
    if not openings:
        return None
    now = when.time().replace(tzinfo=None)
    today = when.weekday()
    yesterday = (today - 1) % 7
    for o in openings:
        overnight = o.closes <= o.opens
        if o.weekday == today and (o.opens <= now < o.closes or (overnight and now >= o.opens)):
            return True
        if o.weekday == yesterday and overnight and now < o.closes:
            return True
    return False


def describe_hours(
    hours: str,
    tags: int = 0,
    *,
    days: tuple[str, ...] = DAY_ABBREVIATIONS,
    always: str = "Open 24 hours, 7 days",
    unknown: str = "Hours not listed",
) -> str:
    """Weekly hours in words, consecutive days with the same hours joined: ``Mon–Fri
    08:00–17:00; Sat 09:00–12:00``. ``days``, ``always`` and ``unknown`` may be translated."""
    if tags & tx.TERMS["open-24-7"].mask or hours == ALWAYS_OPEN:
        return always
    openings = parse_hours(hours)
    if not openings:
        return unknown
    spans: list[tuple[int, int, str]] = []  # first day, last day, times
    by_day: dict[int, list[str]] = {}
    for o in sorted(openings, key=lambda o: (o.weekday, o.opens)):
        by_day.setdefault(o.weekday, []).append(f"{o.opens:%H:%M}–{o.closes:%H:%M}")
    for day in sorted(by_day):
        times = ", ".join(by_day[day])
        if spans and spans[-1][1] == day - 1 and spans[-1][2] == times:
            spans[-1] = (spans[-1][0], day, times)
        else:
            spans.append((day, day, times))
    return "; ".join(f"{days[a]}{'–' + days[b] if b > a else ''} {times}" for a, b, times in spans)


# ---------------------------------------------------------------------------------------------
# Distance
# ---------------------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing every point within ``km``."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# ---------------------------------------------------------------------------------------------
# Hard filters: each returns a Verdict whose reasons explain a pass or a failure.
# ---------------------------------------------------------------------------------------------


def _has(tags: int, code: str) -> bool:
    return bool(tags & tx.TERMS[code].mask)


def _name(code: str) -> str:
    return str(tx.TERMS[code].name)


def filter_active(c: Candidate) -> Verdict:
    return Verdict(True) if c.active else Verdict(False, ("The service is not active",))


def filter_age(c: Candidate, needs: Needs) -> Verdict:
    if needs.age is None:
        return Verdict(True)
    if c.minimum_age is not None and needs.age < c.minimum_age:
        return Verdict(False, (f"Serves ages {c.minimum_age} and over",))
    if c.maximum_age is not None and needs.age > c.maximum_age:
        return Verdict(False, (f"Serves ages up to {c.maximum_age}",))
    if c.minimum_age is None and c.maximum_age is None:
        return Verdict(True)
    return Verdict(True, (f"Serves age {needs.age}",))


def filter_gender(c: Candidate, needs: Needs) -> Verdict:
    listed = c.tags & tx.GENDER_MASK
    wanted = tx.GENDER_TERMS.get(needs.gender, ())
    if not listed or not wanted:
        return Verdict(True)
    if any(_has(c.tags, code) for code in wanted):
        return Verdict(True, (next(_name(code) for code in wanted if _has(c.tags, code)),))
    return Verdict(False, ("Does not serve this person's gender",))


def filter_insurance(c: Candidate, needs: Needs) -> Verdict:
    code = tx.INSURANCE_TERMS.get(needs.insurance)
    if code is None:
        return Verdict(True)
    if _has(c.tags, code):
        return Verdict(True, (_name(code),))
    if not c.tags & tx.INSURANCE_MASK:
        return Verdict(True, ("Payment accepted is not listed — call to check",))
    return Verdict(False, (f"Does not list {needs.insurance} among payment accepted",))


def filter_language(c: Candidate, needs: Needs) -> Verdict:
    code = (needs.language or "").lower()
    if not code or code == "en":
        return Verdict(True)
    name = LANGUAGE_NAMES.get(code, code)
    if code in c.languages:
        return Verdict(True, (f"Staff speak {name}",))
    if _has(c.tags, "interpretation"):
        return Verdict(True, (f"Interpretation available for {name}",))
    return Verdict(False, (f"No {name} and no interpretation listed",))


def filter_need(c: Candidate, needs: Needs) -> Verdict:
    reasons: list[str] = []
    if needs.level_of_care:
        codes = tx.LEVEL_CATEGORIES.get(needs.level_of_care, ())
        offered = [code for code in codes if _has(c.tags, code)]
        if not offered:
            return Verdict(False, ("Does not offer this level of care",))
        reasons.append(f"Offers {_name(offered[0]).lower()}")
    for code in sorted(needs.categories):
        if code not in tx.TERMS:
            continue
        if not _has(c.tags, code):
            return Verdict(False, (f"Does not offer {_name(code).lower()}",))
        reasons.append(f"Offers {_name(code).lower()}")
    if needs.moud:
        if needs.moud == "any":
            if not c.tags & tx.MOUD_ANY:
                return Verdict(False, ("Does not offer medication for opioid use disorder",))
            reasons.append("Offers medication for opioid use disorder")
        else:
            moud_code = tx.MOUD_CATEGORIES.get(needs.moud)
            if moud_code is None or not _has(c.tags, moud_code):
                return Verdict(False, (f"Does not offer {needs.moud}",))
            reasons.append(f"Offers {needs.moud}")
    return Verdict(True, tuple(dict.fromkeys(reasons)))


def candidate_distance(c: Candidate, needs: Needs) -> float | None:
    if None in (needs.latitude, needs.longitude, c.latitude, c.longitude):
        return None
    return distance_km(needs.latitude, needs.longitude, c.latitude, c.longitude)  # type: ignore[arg-type]


def filter_distance(distance: float | None, needs: Needs) -> Verdict:
    if distance is None:
        return Verdict(True)
    if distance > needs.max_distance_km:
        return Verdict(
            False, (f"{distance:.0f} km away, farther than {needs.max_distance_km:.0f}",)
        )
    return Verdict(True)


def filter_open_now(c: Candidate, needs: Needs, when: dt.datetime) -> Verdict:
    open_now = is_open(c.hours, c.tags, when)
    if not needs.needed_now:
        return Verdict(True)
    if open_now is None:
        return Verdict(False, ("Hours are not listed, so it may be closed now",))
    if not open_now:
        return Verdict(False, ("Closed now",))
    if _has(c.tags, "open-24-7") or c.hours == ALWAYS_OPEN:
        return Verdict(True, ("Open 24/7",))
    return Verdict(True, ("Open now",))


def latest_capacity(c: Candidate, unit: str) -> Capacity | None:
    figures = [cap for cap in c.capacities if cap.unit == unit]
    return max(figures, key=lambda cap: cap.updated) if figures else None


def is_stale(capacity: Capacity, now: dt.datetime) -> bool:
    return now - capacity.updated > STALE_AFTER


def age_text(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} days ago"


def capacity_text(capacity: Capacity, now: dt.datetime) -> str:
    unit = "bed" if capacity.unit == "bed" else "slot"
    plural = "" if capacity.available == 1 else "s"
    by = f" by {capacity.updated_by}" if capacity.updated_by else ""
    stale = " — stale, call to confirm" if is_stale(capacity, now) else ""
    return (
        f"{capacity.available} {unit}{plural} open "
        f"(updated {age_text(now - capacity.updated)}{by}){stale}"
    )


def filter_bed(c: Candidate, needs: Needs, now: dt.datetime) -> Verdict:
    if not needs.needs_bed:
        return Verdict(True)
    bed = latest_capacity(c, "bed")
    if bed is None:
        return Verdict(False, ("No bed count reported",))
    if bed.available <= 0:
        return Verdict(False, (f"No beds open (updated {age_text(now - bed.updated)})",))
    return Verdict(True)


def hard_filters(c: Candidate, needs: Needs, now: dt.datetime) -> tuple[Verdict, float | None]:
    """All hard filters in order; the first failure decides. ``now`` is timezone-aware local
    time. Returns the verdict and the distance (``None`` when not known)."""
    distance = candidate_distance(c, needs)
    reasons: list[str] = []
    for verdict in (
        filter_active(c),
        filter_need(c, needs),
        filter_distance(distance, needs),
        filter_age(c, needs),
        filter_gender(c, needs),
        filter_insurance(c, needs),
        filter_language(c, needs),
        filter_open_now(c, needs, now),
        filter_bed(c, needs, now),
    ):
        if not verdict.passed:
            return verdict, distance
        reasons.extend(verdict.reasons)
    return Verdict(True, tuple(reasons)), distance


# ---------------------------------------------------------------------------------------------
# Score terms: each returns (points, reason or "").
# ---------------------------------------------------------------------------------------------


def score_distance(distance: float | None, max_km: float) -> tuple[float, str]:
    if distance is None:
        return 0.0, "Distance not known"
    points = DISTANCE_POINTS * max(0.0, 1.0 - distance / max_km) if max_km > 0 else 0.0
    miles = distance / 1.609344
    return points, f"{distance:.1f} km ({miles:.1f} mi) away"


def score_mou(c: Candidate) -> tuple[float, str]:
    if c.mou_partner:
        return MOU_POINTS, "MOU partner of this program"
    return 0.0, ""


def score_warm_handoff(c: Candidate) -> tuple[float, str]:
    if c.mou_warm_handoff or _has(c.tags, "warm-handoff"):
        return WARM_HANDOFF_POINTS, "Takes warm handoffs from responders"
    return 0.0, ""


def score_capacity(c: Candidate, needs: Needs, now: dt.datetime) -> tuple[float, str]:
    capacity = latest_capacity(c, "bed" if needs.needs_bed else "slot") or (
        latest_capacity(c, "bed") or latest_capacity(c, "slot")
    )
    if capacity is None:
        return 0.0, ""
    if capacity.available <= 0:
        return 0.0, capacity_text(capacity, now)
    points = STALE_CAPACITY_POINTS if is_stale(capacity, now) else FRESH_CAPACITY_POINTS
    return points, capacity_text(capacity, now)


def score_open_now(c: Candidate, now: dt.datetime) -> tuple[float, str]:
    if is_open(c.hours, c.tags, now):
        return OPEN_NOW_POINTS, ""
    return 0.0, ""


def score(c: Candidate, needs: Needs, now: dt.datetime, distance: float | None):
    """The total and the reasons of the score terms, strongest first."""
    terms = [
        score_mou(c),
        score_warm_handoff(c),
        score_capacity(c, needs, now),
        score_distance(distance, needs.max_distance_km),
        score_open_now(c, now),
    ]
    total = round(sum(points for points, _ in terms), 2)
    reasons = [reason for _, reason in sorted(terms, key=lambda t: -t[0]) if reason]
    return total, reasons


def evaluate(c: Candidate, needs: Needs, now: dt.datetime) -> Match | None:
    """One candidate: ``None`` when a hard filter leaves it out, else its scored match."""
    verdict, distance = hard_filters(c, needs, now)
    if not verdict.passed:
        return None
    total, score_reasons = score(c, needs, now, distance)
    capacity = latest_capacity(c, "bed") or latest_capacity(c, "slot")
    return Match(
        candidate=c,
        score=total,
        distance_km=None if distance is None else round(distance, 2),
        reasons=tuple(dict.fromkeys([*score_reasons, *verdict.reasons])),
        stale_capacity=capacity is not None and is_stale(capacity, now),
        open_now=is_open(c.hours, c.tags, now),
    )


def sort_key(m: Match):
    return (
        -m.score,
        m.distance_km is None,
        m.distance_km or 0.0,
        m.candidate.organization_name.lower(),
        m.candidate.service_name.lower(),
        m.candidate.service_at_location_id,
    )


def rank(
    candidates: list[Candidate], needs: Needs, now: dt.datetime, limit: int | None = None
) -> list[Match]:
    """Candidates that pass every hard filter, best first."""
    matches = [m for c in candidates if (m := evaluate(c, needs, now)) is not None]
    matches.sort(key=sort_key)
    return matches if limit is None else matches[:limit]


def why_not(c: Candidate, needs: Needs, now: dt.datetime) -> str:
    """The reason a candidate was left out ("" when it was not)."""
    verdict, _ = hard_filters(c, needs, now)
    return "" if verdict.passed else verdict.reasons[0]
