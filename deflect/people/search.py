"""Person lookup at intake: set-based blocking in SQL, then scoring a bounded candidate set.

1. **Blocking.** A handful of small indexed passes, each on the people the actor may see
   (``visible_to``) and each capped, sent as one statement, collect candidate ids: phonetic
   first and last keys (with nickname expansion and the names swapped), the last key with the
   first initial, the first key with the start of the last name (typos), the date of birth and
   its day/month swap, the phone number, and the same on aliases. At most ``CANDIDATE_CAP``
   candidates go on.
2. **Scoring.** ``matching.match_score`` scores each candidate in Python (rapidfuzz) and explains
   the score in words; the best ``limit`` at or above ``MIN_SCORE`` are returned.

Each search writes one audit event with the number of results and the returned ids (no names).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audit_list
from deflect.programs.models import Program

from . import matching
from .digests import query_digests as digests_of_query
from .matching import Candidate, Query, person_search_keys
from .models import Person, PersonAlias

__all__ = [
    "CANDIDATE_CAP",
    "LIKELY_SCORE",
    "MIN_SCORE",
    "PersonMatch",
    "person_search",
    "person_search_keys",
]

# No more than this many records are scored for one search.
CANDIDATE_CAP = 500
# Rows one blocking query may contribute.
PASS_CAP = 200
# Matches below this score are not shown.
MIN_SCORE = 60.0
# From this score the page calls a match likely rather than possible.
LIKELY_SCORE = 80.0
MAX_LIMIT = 50


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    score: float  # 0–100
    reasons: tuple[str, ...]

    @property
    def is_likely(self) -> bool:
        return self.score >= LIKELY_SCORE


def _dates_of_birth(query: Query) -> list[date]:
    born = query.date_of_birth
    if born is None:
        return []
    dates = [born]
    if born.day <= 12 and born.day != born.month:
        # A day of 12 or less is a valid month, and any month number a valid day.
        dates.append(born.replace(month=born.day, day=born.month))
    return dates


def _prefix(name: str, length: int) -> str:
    letters = "".join(ch for ch in name if ch.isalpha())
    return letters[:length]


def _name_passes(first: str, last: str) -> list[Q]:
    """Blocking filters on (first_key, last_key, first_name, last_name) for one reading of the
    names; the same filters serve people and their aliases."""
    first_keys = matching.first_key_expansion(first) if first else frozenset()
    last_keys = matching.last_key_expansion(last) if last else frozenset()
    passes: list[Q] = []
    if first_keys and last_keys:
        passes.append(Q(first_key__in=first_keys, last_key__in=last_keys))
        # A typo that changes the first name's key: the last key and the first initial.
        passes.append(Q(last_key__in=last_keys, first_name__istartswith=_prefix(first, 1)))
        # A typo that changes the last name's key: the first key and the last name's start.
        if len(_prefix(last, 2)) == 2:
            passes.append(Q(first_key__in=first_keys, last_name__istartswith=_prefix(last, 2)))
    elif last_keys:
        passes.append(Q(last_key__in=last_keys))
    elif first_keys:
        passes.append(Q(first_key__in=first_keys))
    return passes


def _blocking_filters(query: Query) -> tuple[list[Q], list[Q]]:
    """Filters on Person, and on PersonAlias, whose union is the candidate set."""
    person: list[Q] = []
    alias: list[Q] = []
    first, last = query.first_name, query.last_name
    readings = [(first, last)]
    if first and last:
        readings.append((last, first))
    elif first:
        readings.append(("", first))  # one name given: it may be the last name
    elif last:
        readings.append((last, ""))
    for reading_first, reading_last in readings:
        passes = _name_passes(reading_first, reading_last)
        person.extend(passes)
        alias.extend(passes)
    # A street name given as the first name, recorded as an alias with no last name.
    if first:
        alias.append(Q(first_key__in=matching.first_key_expansion(first), last_key=""))
    dates = _dates_of_birth(query)
    if dates:
        person.append(Q(date_of_birth__in=dates))
    if len(query.phone_digits) >= 7:
        # The phone is encrypted; its keyed digests (people.digests) are what the index holds.
        column, digests = digests_of_query(query.phone_digits)
        person.append(Q(**{f"{column}__in": digests}))
    return person, alias


def visible_program_ids(actor: User) -> list[int]:
    """The programs whose people ``actor`` may see.

    A person is visible through their program's agencies (``MODEL_SCOPES``), the same relation
    by which a program is visible with PERSON_VIEW; so ``Person.program_id IN`` these ids is
    exactly ``visible_to(actor, Person)``, in a form that lets the database use the
    (program, key) indexes instead of materialising every visible id for each query.
    """
    return list(visible_to(actor, Program, caps.PERSON_VIEW).values_list("pk", flat=True))


# What scoring needs of a candidate (the blocking queries read these directly).
_CANDIDATE_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "middle_name",
    "date_of_birth",
    "age_estimate",
    "phone",
)


def _candidate_rows(programs: list[int], query: Query) -> list[tuple]:
    """The candidates' ``_CANDIDATE_FIELDS`` rows, read by the blocking queries themselves.

    The passes, each capped at ``PASS_CAP`` rows, go to the database as one statement
    (``UNION ALL``): the database work of a pass is a few index probes, so building and running
    one ORM query per pass would cost more than the passes themselves.
    """
    person_filters, alias_filters = _blocking_filters(query)
    people = (
        Person.objects.filter(program_id__in=programs).order_by().values_list(*_CANDIDATE_FIELDS)
    )
    # Cheap, selective passes first: phone and date of birth, then names.
    ordered = sorted(person_filters, key=lambda q: 0 if _is_identifier(q) else 1)
    passes = [people.filter(condition)[:PASS_CAP] for condition in ordered]
    if alias_filters:
        # Driven from the (small) set of matching aliases, not from the program's people.
        aliased = PersonAlias.objects.filter(reduce(or_, alias_filters)).values("person_id")
        passes.append(people.filter(pk__in=aliased)[:PASS_CAP])
    rows: dict[int, tuple] = {}  # insertion-ordered: earlier passes first
    for row in _union_of(passes):
        rows.setdefault(row[0], row)
    return list(rows.values())[:CANDIDATE_CAP]


_BORN = _CANDIDATE_FIELDS.index("date_of_birth")
_PHONE = _CANDIDATE_FIELDS.index("phone")
_PHONE_FIELD = Person._meta.get_field("phone")


def _union_of(passes: list) -> Iterator[tuple]:
    """The rows of the sliced ``values_list`` querysets ``passes``, pass by pass, in one query."""
    parts, params = [], []
    for number, queryset in enumerate(passes):
        try:
            sql, part_params = queryset.query.sql_with_params()
        except EmptyResultSet:  # e.g. a name with no letters has no phonetic keys
            continue
        # The ORM's own SQL with its parameters kept apart, and a literal pass number.
        parts.append(f"SELECT {number} AS pass_number, b.* FROM ({sql}) b")  # noqa: S608
        params.extend(part_params)
    if not parts:
        return
    statement = " UNION ALL ".join(parts) + " ORDER BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for _, *fields in cursor.fetchall():
            if isinstance(fields[_BORN], str):  # SQLite returns dates as text outside the ORM
                fields[_BORN] = date.fromisoformat(fields[_BORN])
            # Read outside the ORM, the phone is still sealed.
            fields[_PHONE] = _PHONE_FIELD.from_db_value(fields[_PHONE], None, connection)
            yield tuple(fields)


def _is_identifier(condition: Q) -> bool:
    return any(
        isinstance(child, tuple) and child[0].startswith(("date_of_birth", "phone_"))
        for child in condition.children
    )


def _candidates(rows: list[tuple]) -> Iterator[tuple[int, Candidate]]:
    """The candidates as plain values, with their aliases (one more query)."""
    aliases: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for person_id, first, last in PersonAlias.objects.filter(
        person_id__in=[row[0] for row in rows]
    ).values_list("person_id", "first_name", "last_name"):
        aliases[person_id].append((first, last))
    for pk, first, last, middle, born, age, phone in rows:
        yield (
            pk,
            Candidate(
                first_name=first,
                last_name=last,
                middle_name=middle,
                date_of_birth=born,
                age_estimate=age,
                phone_digits=matching.phone_digits(phone),
                aliases=tuple(aliases.get(pk, ())),
            ),
        )


def _match_person_id(match: PersonMatch) -> int:
    return match.person.pk


def person_search(
    *,
    actor: User,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    limit: int = 10,
) -> list[PersonMatch]:
    """The people the actor may see who may be the one described, best first.

    Tolerates typos, nicknames, swapped first and last names, day and month of birth swapped,
    aliases and phone formats. An empty query finds no one and is not audited.
    """
    require(actor, caps.PERSON_VIEW)
    query = Query.build(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, phone=phone
    )
    if query.is_empty:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    rows = _candidate_rows(visible_program_ids(actor), query)
    today = timezone.localdate()
    scored: list[tuple[float, int, tuple[str, ...]]] = []
    for pk, candidate in _candidates(rows) if rows else ():
        score, reasons = matching.match_score(query, candidate, today=today)
        if score >= MIN_SCORE:
            scored.append((score, pk, reasons))
    scored.sort(key=lambda item: -item[0])
    best = scored[:limit]
    people = Person.objects.prefetch_related("aliases").in_bulk([pk for _, pk, _ in best])
    matches = [PersonMatch(people[pk], score, reasons) for score, pk, reasons in best]
    matches.sort(key=lambda m: (-m.score, m.person.last_name, m.person.first_name, m.person.pk))
    audit_list(
        action=Action.PERSON_SEARCH,
        actor=actor,
        records=matches,
        target_type="people.person",
        record_id=_match_person_id,
        person_id=_match_person_id,
        extra={
            "fields": sorted(
                name
                for name, given in (
                    ("first_name", query.first_name),
                    ("last_name", query.last_name),
                    ("date_of_birth", query.date_of_birth),
                    ("phone", query.phone_digits),
                )
                if given
            ),
        },
    )
    return matches
