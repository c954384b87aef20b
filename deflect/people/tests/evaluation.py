"""The labelled evaluation set for person lookup, and its measures.

Queries are made from people of the synthetic population the way responders get them wrong at
intake: typos, nicknames, first and last names swapped, day and month of birth swapped, street
names, phone numbers in other formats, several at once. Some describe people who are *not* in the
population (strangers, and strangers who share a name with someone who is), whose right answer
is "no likely match".

Measures (``Report``):

- recall@k: of the queries whose person is there, the share with that person in the first k;
- likely recall@1: of those, the share with that person first *and* called a likely match;
- precision@1: of the queries whose first result is a *likely* match (score ≥ LIKELY_SCORE), the
  share where it is the right person; absent people's queries count when they get one;
- precision@5: of all likely matches among the first five results, the share that are right;
- false_likely_absent: of the absent people's queries, the share given a likely match.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .population import NICKNAMES, PersonSpec, format_phone, person_spec

KEYBOARD = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


@dataclass(frozen=True)
class LabeledQuery:
    kind: str
    arguments: dict
    expected: int | None  # the person's id; None when the person is not in the population


def typo(rng: random.Random, name: str) -> str:
    """One slip of the finger that keeps the first letter."""
    letters = list(name)
    for _ in range(20):
        candidate = letters[:]
        position = rng.randrange(1, len(letters)) if len(letters) > 1 else 0
        operation = rng.choice(["swap", "drop", "double", "neighbour"])
        if operation == "swap" and position < len(letters) - 1:
            candidate[position], candidate[position + 1] = (
                candidate[position + 1],
                candidate[position],
            )
        elif operation == "drop" and len(letters) > 3:
            del candidate[position]
        elif operation == "double":
            candidate.insert(position, candidate[position])
        elif operation == "neighbour" and candidate[position].lower() in KEYBOARD:
            candidate[position] = rng.choice(KEYBOARD[candidate[position].lower()])
        result = "".join(candidate)
        if result.lower() != name.lower():
            return result
    return name + "e"


def _canonical_of(first: str) -> str | None:
    for canonical, nicks in NICKNAMES.items():
        if first in nicks:
            return canonical
    return None


def _nickname_swap(rng: random.Random, first: str) -> str | None:
    """A nickname for a formal name, or the formal name for a nickname."""
    if first in NICKNAMES:
        return rng.choice(NICKNAMES[first])
    return _canonical_of(first)


def _swap_day_month(born: date) -> date | None:
    if born.day > 12 or born.day == born.month:
        return None
    return born.replace(month=born.day, day=born.month)


def _other_phone_format(phone: str, rng: random.Random) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())[-10:]
    for _ in range(10):
        formatted = format_phone(digits, rng.randrange(6))
        if formatted != phone:
            return formatted
    return digits


def _named(spec: PersonSpec) -> bool:
    return bool(spec.first_name and spec.last_name and not spec.is_unidentified)


Maker = Callable[[random.Random, PersonSpec], dict | None]


def _exact(rng, s):
    return {"first_name": s.first_name, "last_name": s.last_name, "date_of_birth": s.date_of_birth}


def _typo_first(rng, s):
    if len(s.first_name) < 4:
        return None
    return {
        "first_name": typo(rng, s.first_name),
        "last_name": s.last_name,
        "date_of_birth": s.date_of_birth if rng.random() < 0.5 else None,
    }


def _typo_last(rng, s):
    if len(s.last_name) < 4 or not s.date_of_birth:
        return None
    return {
        "first_name": s.first_name,
        "last_name": typo(rng, s.last_name),
        "date_of_birth": s.date_of_birth,
    }


def _nickname(rng, s):
    other = _nickname_swap(rng, s.first_name)
    if other is None or not s.date_of_birth:
        return None
    return {"first_name": other, "last_name": s.last_name, "date_of_birth": s.date_of_birth}


def _nickname_names_only(rng, s):
    """Names only, and a nickname that does not even start with the same letter."""
    if s.first_name in NICKNAMES:
        choices = [n for n in NICKNAMES[s.first_name] if n[0] != s.first_name[0]]
        other = rng.choice(choices) if choices else None
    else:
        other = _canonical_of(s.first_name)
    if other is None or other[0] == s.first_name[0]:
        return None
    return {"first_name": other, "last_name": s.last_name}


def _middle_name(rng, s):
    """The person gives the middle name they go by."""
    if not s.middle_name or not s.date_of_birth:
        return None
    return {"first_name": s.middle_name, "last_name": s.last_name, "date_of_birth": s.date_of_birth}


def _local_phone(rng, s):
    """Seven digits, no area code, and a last name."""
    if not s.phone:
        return None
    digits = "".join(ch for ch in s.phone if ch.isdigit())[-7:]
    return {"phone": f"{digits[:3]}-{digits[3:]}", "last_name": s.last_name}


def _swapped(rng, s):
    return {
        "first_name": s.last_name,
        "last_name": s.first_name,
        "date_of_birth": s.date_of_birth if rng.random() < 0.6 else None,
    }


def _dob_swapped(rng, s):
    swapped = _swap_day_month(s.date_of_birth) if s.date_of_birth else None
    if swapped is None:
        return None
    return {"first_name": s.first_name, "last_name": s.last_name, "date_of_birth": swapped}


def _alias(rng, s):
    if not s.aliases:
        return None
    alias_first, alias_last = s.aliases[0]
    if alias_last:
        born = s.date_of_birth
        return {"first_name": alias_first, "last_name": alias_last, "date_of_birth": born}
    return {"first_name": alias_first, "last_name": s.last_name}


def _phone(rng, s):
    if not s.phone:
        return None
    other = _other_phone_format(s.phone, rng)
    if rng.random() < 0.5:
        return {"phone": other, "last_name": s.last_name}
    return {"phone": other, "first_name": s.first_name}


def _hard(rng, s):
    other = _nickname_swap(rng, s.first_name)
    swapped = _swap_day_month(s.date_of_birth) if s.date_of_birth else None
    if other is None or swapped is None or len(s.last_name) < 4:
        return None
    return {"first_name": other, "last_name": typo(rng, s.last_name), "date_of_birth": swapped}


MAKERS: dict[str, Maker] = {
    "exact": _exact,
    "typo_first": _typo_first,
    "typo_last": _typo_last,
    "nickname": _nickname,
    "nickname_names_only": _nickname_names_only,
    "swapped": _swapped,
    "dob_swapped": _dob_swapped,
    "alias": _alias,
    "phone": _phone,
    "local_phone": _local_phone,
    "middle_name": _middle_name,
    "hard": _hard,
}
# How many queries of each kind the evaluation set holds.
COUNTS = {
    "exact": 8,
    "typo_first": 8,
    "typo_last": 10,
    "nickname": 10,
    "nickname_names_only": 8,
    "middle_name": 4,
    "swapped": 8,
    "dob_swapped": 8,
    "alias": 8,
    "phone": 6,
    "local_phone": 4,
    "hard": 8,
    "absent": 10,
    "absent_same_name": 8,
}


def _absent_people(rng: random.Random, population: list[PersonSpec]) -> list[PersonSpec]:
    known = {(s.first_name, s.last_name, s.date_of_birth) for s in population}
    strangers = []
    while len(strangers) < 1000:
        spec = person_spec(rng)
        if (
            _named(spec)
            and spec.date_of_birth
            and ((spec.first_name, spec.last_name, spec.date_of_birth) not in known)
        ):
            strangers.append(spec)
    return strangers


def evaluation_set(
    population: list[PersonSpec], ids: list[int], *, seed: int = 7, counts: dict | None = None
) -> list[LabeledQuery]:
    """The labelled queries (deterministic for a population and seed)."""
    rng = random.Random(seed)
    counts = counts or COUNTS
    named = [(pk, s) for pk, s in zip(ids, population, strict=True) if _named(s)]
    queries: list[LabeledQuery] = []
    for kind, wanted in counts.items():
        if kind.startswith("absent"):
            continue
        order = named[:]
        rng.shuffle(order)
        made = 0
        for pk, spec in order:
            arguments = MAKERS[kind](rng, spec)
            if arguments is None:
                continue
            queries.append(LabeledQuery(kind, _clean(arguments), pk))
            made += 1
            if made == wanted:
                break
    strangers = _absent_people(rng, population)
    for stranger in strangers[: counts.get("absent", 0)]:
        queries.append(LabeledQuery("absent", _clean(_exact(rng, stranger)), None))
    # Someone new who shares a name (not a birth date) with someone known.
    sharing = [s for _, s in named if s.date_of_birth]
    rng.shuffle(sharing)
    for known in sharing[: counts.get("absent_same_name", 0)]:
        stranger = next(
            s for s in strangers if abs((s.date_of_birth - known.date_of_birth).days) >= 400
        )
        strangers.remove(stranger)
        arguments = {
            "first_name": known.first_name,
            "last_name": known.last_name,
            "date_of_birth": stranger.date_of_birth,
        }
        queries.append(LabeledQuery("absent_same_name", arguments, None))
    return queries


def lookup_queries(
    population: list[PersonSpec], ids: list[int], *, count: int, seed: int
) -> list[LabeledQuery]:
    """``count`` queries, kinds in the proportions of the evaluation set (for timing)."""
    total = sum(COUNTS.values())
    counts = {kind: max(1, round(count * n / total)) for kind, n in COUNTS.items()}
    return evaluation_set(population, ids, seed=seed, counts=counts)


def _clean(arguments: dict) -> dict:
    return {k: v for k, v in arguments.items() if v not in (None, "")}


@dataclass
class Report:
    queries: int = 0
    present: int = 0
    found_at_1: int = 0
    found_at_5: int = 0
    likely_at_1: int = 0
    likely_top: int = 0
    likely_top_right: int = 0
    likely_in_5: int = 0
    likely_in_5_right: int = 0
    absent: int = 0
    absent_given_likely: int = 0
    # kind: [queries, right at 1, right in 5, right at 1 and likely]
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    misses: list[tuple[LabeledQuery, list[tuple[int, float]]]] = field(default_factory=list)

    @property
    def recall_at_1(self) -> float:
        return self.found_at_1 / self.present if self.present else 0.0

    @property
    def recall_at_5(self) -> float:
        return self.found_at_5 / self.present if self.present else 0.0

    @property
    def likely_recall_at_1(self) -> float:
        return self.likely_at_1 / self.present if self.present else 0.0

    @property
    def precision_at_1(self) -> float:
        return self.likely_top_right / self.likely_top if self.likely_top else 0.0

    @property
    def precision_at_5(self) -> float:
        return self.likely_in_5_right / self.likely_in_5 if self.likely_in_5 else 0.0

    @property
    def false_likely_absent(self) -> float:
        return self.absent_given_likely / self.absent if self.absent else 0.0

    def recall_at_5_of(self, kind: str) -> float:
        total, _, at_5, _ = self.by_kind[kind]
        return at_5 / total if total else 0.0

    def likely_recall_at_1_of(self, kind: str) -> float:
        total, _, _, likely_at_1 = self.by_kind[kind]
        return likely_at_1 / total if total else 0.0

    def summary(self) -> str:
        lines = [
            f"queries {self.queries} (person present {self.present}, absent {self.absent})",
            f"recall@1 {self.recall_at_1:.3f}  recall@5 {self.recall_at_5:.3f}  "
            f"likely recall@1 {self.likely_recall_at_1:.3f}  "
            f"precision@1 {self.precision_at_1:.3f}  precision@5 {self.precision_at_5:.3f}  "
            f"false likely (absent) {self.false_likely_absent:.3f}",
        ]
        for kind, (total, at_1, at_5, likely_1) in sorted(self.by_kind.items()):
            lines.append(
                f"  {kind:<20} {total:>3}  @1 {at_1 / total:.2f}  @5 {at_5 / total:.2f}  "
                f"likely@1 {likely_1 / total:.2f}"
            )
        return "\n".join(lines)


def evaluate(search: Callable[..., list], queries: list[LabeledQuery], *, likely: float) -> Report:
    """Run ``search(**arguments)`` (returning ranked matches with ``person`` and ``score``) on
    every query and measure the results."""
    report = Report()
    for query in queries:
        matches = search(**query.arguments)
        ranked = [(m.person.pk, m.score) for m in matches]
        ids = [pk for pk, _ in ranked]
        report.queries += 1
        likely_ids = [pk for pk, score in ranked[:5] if score >= likely]
        report.likely_in_5 += len(likely_ids)
        if ranked and ranked[0][1] >= likely:
            report.likely_top += 1
            report.likely_top_right += ranked[0][0] == query.expected
        if query.expected is None:
            report.absent += 1
            report.absent_given_likely += bool(likely_ids)
            stats = report.by_kind[query.kind]
            stats[0] += 1
            stats[1] += not likely_ids
            stats[2] += not likely_ids
            stats[3] += not likely_ids
            if likely_ids:
                report.misses.append((query, ranked[:5]))
            continue
        report.present += 1
        report.likely_in_5_right += query.expected in likely_ids
        at_1 = ids[:1] == [query.expected]
        at_5 = query.expected in ids[:5]
        report.found_at_1 += at_1
        report.found_at_5 += at_5
        likely_1 = at_1 and ranked[0][1] >= likely
        report.likely_at_1 += likely_1
        stats = report.by_kind[query.kind]
        stats[0] += 1
        stats[1] += at_1
        stats[2] += at_5
        stats[3] += likely_1
        if not likely_1:
            report.misses.append((query, ranked[:5]))
    return report
