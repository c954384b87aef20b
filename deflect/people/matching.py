"""Pure rules for finding a person at intake: name and phone normalisation, search keys and the
match score. Plain values in, a score and plain-language reasons out; no database.

Search keys (``person_search_keys``) are the phonetic keys (metaphone) of the nickname-canonical
first name and of the last name. They are *blocking* keys: they decide which rows are worth
scoring, never the score itself. A nickname with several canonical names (Bill: William, Robert)
is keyed by one of them chosen deterministically; a query expands its first name to every
related name (``first_key_expansion``), so the choice never loses a match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

KEY_LENGTH = 32  # Person.first_key / last_key max_length

# How much each field weighs in the score when the query gives it.
WEIGHT_FIRST = 25.0
WEIGHT_LAST = 35.0
WEIGHT_DOB = 25.0
WEIGHT_PHONE = 15.0

# Credit for a field the query gives but the record lacks: no evidence either way.
UNKNOWN_CREDIT = 0.4
# A reading of the name other than the plain one costs a little, so the plain reading wins ties.
SWAPPED_FACTOR = 0.95
ALIAS_FACTOR = 0.97
MIDDLE_NAME_FACTOR = 0.9

# Credit for names that sound alike (Jonson, Johnson) and for a slip of the finger: one letter
# wrong, missing, extra or two swapped (two such slips in names of seven letters or more).
SOUNDS_LIKE = 0.9
SOUNDS_LIKE_OTHER_INITIAL = 0.85
ONE_SLIP = 0.85
TWO_SLIPS = 0.72

_NOT_NAME = re.compile(r"[^a-z' -]+")
_SPACES = re.compile(r"[\s]+")
_NON_LETTER = re.compile(r"[^a-z]+")
_NON_DIGIT = re.compile(r"\D+")


# --- normalisation -------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def normalize_name(value: str) -> str:
    """Lower case, accents removed, only letters, spaces, hyphens and apostrophes kept."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NOT_NAME.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" -'")


def _letters(value: str) -> str:
    return _NON_LETTER.sub("", normalize_name(value))


def phone_digits(value: str) -> str:
    """The digits matching compares: the last ten, without a leading US country code."""
    digits = _NON_DIGIT.sub("", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[-10:]


def phonetic_key(value: str) -> str:
    letters = _letters(value)
    return jellyfish.metaphone(letters).upper()[:KEY_LENGTH] if letters else ""


# --- nicknames -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def nicknames_of(name: str) -> frozenset[str]:
    """Nicknames of a given name (William: Bill, Will, …), lower case."""
    return frozenset(_nicknamer().nicknames_of(_letters(name)))


def canonicals_of(name: str) -> frozenset[str]:
    """The given names ``name`` is a nickname of (Bill: William, Robert, …), lower case."""
    return frozenset(_nicknamer().canonicals_of(_letters(name)))


@lru_cache(maxsize=4096)
def canonical_first_name(name: str) -> str:
    """The name a first name is keyed by: itself when it has nicknames or is no one's nickname,
    otherwise the canonical name with the most nicknames (ties: alphabetical)."""
    letters = _letters(name)
    if not letters or nicknames_of(letters):
        return letters
    canonicals = canonicals_of(letters)
    if not canonicals:
        return letters
    return min(canonicals, key=lambda c: (-len(nicknames_of(c)), c))


@lru_cache(maxsize=4096)
def related_first_names(name: str) -> frozenset[str]:
    """The name, its canonical names, its nicknames, and the other nicknames of its canonicals."""
    letters = _letters(name)
    if not letters:
        return frozenset()
    canonicals = canonicals_of(letters)
    related = {letters} | canonicals | nicknames_of(letters)
    for canonical in canonicals:
        related |= nicknames_of(canonical)
    return frozenset(related)


def first_name_key(name: str) -> str:
    return phonetic_key(canonical_first_name(name))


def last_name_key(name: str) -> str:
    return phonetic_key(name)


def person_search_keys(first_name: str, last_name: str) -> tuple[str, str]:
    """``(first_key, last_key)``: phonetic keys of the nickname-canonical first name and of the
    last name, as stored on Person and PersonAlias."""
    return first_name_key(first_name), last_name_key(last_name)


@lru_cache(maxsize=4096)
def first_key_expansion(name: str) -> frozenset[str]:
    """Every stored ``first_key`` a record related to this first name may carry."""
    keys = {first_name_key(n) for n in related_first_names(name)} | {phonetic_key(name)}
    return frozenset(k for k in keys if k)


def last_key_expansion(name: str) -> frozenset[str]:
    key = last_name_key(name)
    return frozenset({key}) if key else frozenset()


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    phone_digits: str = ""

    @classmethod
    def build(
        cls,
        *,
        first_name: str = "",
        last_name: str = "",
        date_of_birth: date | None = None,
        phone: str = "",
    ) -> Query:
        """A normalised query. A full name typed into the first-name box alone is split."""
        first, last = normalize_name(first_name), normalize_name(last_name)
        if first and not last and " " in first:
            first, _, last = first.rpartition(" ")
        return cls(first, last, date_of_birth, phone_digits(phone))

    @property
    def is_empty(self) -> bool:
        return not (
            self.first_name or self.last_name or self.date_of_birth or len(self.phone_digits) >= 7
        )


@dataclass(frozen=True)
class Candidate:
    """A record's fields as stored (reasons quote them as written)."""

    first_name: str
    last_name: str
    middle_name: str = ""
    date_of_birth: date | None = None
    age_estimate: int | None = None
    phone_digits: str = ""
    aliases: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split(" "))


def _slips(a: str, b: str) -> float:
    """Credit for a spelling one or two keystrokes away (Damerau-Levenshtein)."""
    distance = DamerauLevenshtein.distance(a, b, score_cutoff=2)
    longest = max(len(a), len(b))
    if distance == 1 and longest >= 3:
        return ONE_SLIP
    if distance == 2 and longest >= 7:
        return TWO_SLIPS
    return 0.0


def _sounds_alike(q: str, r: str) -> float:
    """Credit for the same phonetic key, unless two unrelated short names merely share it
    (metaphone hears Tony and Donna alike)."""
    if phonetic_key(q) != phonetic_key(r):
        return 0.0
    if q[0] == r[0]:
        return SOUNDS_LIKE
    if JaroWinkler.normalized_similarity(q, r) >= 0.7:
        return SOUNDS_LIKE_OTHER_INITIAL
    return 0.0


@lru_cache(maxsize=4096)
def _canonical_sounds(name: str) -> frozenset[str]:
    """Phonetic keys of the canonical names of a nickname (Kate: Katherine, so Catherine too)."""
    return frozenset(phonetic_key(c) for c in canonicals_of(name))


@lru_cache(maxsize=65536)
def first_name_similarity(query: str, record: str) -> tuple[float, str]:
    """How well a record's first name fits the query's (0–1), and why, in words."""
    if not query or not record:
        return 0.0, ""
    if query == record:
        return 1.0, "same first name"
    q, r = _letters(query), _letters(record)
    if q == r:
        return 1.0, "same first name"
    query_is_nickname = r in canonicals_of(q) or phonetic_key(r) in _canonical_sounds(q)
    record_is_nickname = q in canonicals_of(r) or phonetic_key(q) in _canonical_sounds(r)
    if query_is_nickname and record_is_nickname:  # the table has both ways (Debbie, Deborah):
        # the nickname is the shorter name; at equal length, the formal one has more nicknames
        if len(q) != len(r):
            query_is_nickname = len(q) < len(r)
        else:
            query_is_nickname = len(nicknames_of(r)) >= len(nicknames_of(q))
    if query_is_nickname:
        return 0.92, f"{_title(query)} is a nickname of {record}"
    if record_is_nickname:
        return 0.92, f"goes by {record}, a nickname of {_title(query)}"
    shared = canonicals_of(q) & canonicals_of(r)
    if shared:
        return 0.85, f"{record} and {_title(query)} are both short for {_title(min(shared))}"
    if len(q) == 1 or len(r) == 1:
        if q[0] == r[0]:
            return 0.6, "same first initial"
        return 0.0, ""
    sounds = _sounds_alike(q, r)
    if sounds:
        return sounds, f"first name sounds like '{record}'"
    slips = _slips(q, r)
    if slips:
        return slips, f"first name spelled like '{record}'"
    return 0.0, ""


@lru_cache(maxsize=65536)
def last_name_similarity(query: str, record: str) -> tuple[float, str]:
    """How well a record's last name fits the query's (0–1), and why, in words."""
    if not query or not record:
        return 0.0, ""
    q, r = _letters(query), _letters(record)
    if q == r:
        return 1.0, "same last name"
    sounds = _sounds_alike(q, r)
    if sounds:
        return sounds, f"last name sounds like '{record}'"
    slips = _slips(q, r)
    if slips:
        return slips, f"last name spelled like '{record}'"
    query_parts = set(re.split(r"[ -]", normalize_name(query)))
    record_parts = set(re.split(r"[ -]", normalize_name(record)))
    if len(query_parts | record_parts) > 2 and query_parts & record_parts:
        return 0.85, f"part of the last name '{record}'"
    return 0.0, ""


def date_of_birth_similarity(query: date, record: date) -> tuple[float, str]:
    if query == record:
        return 1.0, "same date of birth"
    if query.year == record.year and query.month == record.day and query.day == record.month:
        return 0.85, "date of birth with day and month swapped"
    q, r = query.strftime("%Y%m%d"), record.strftime("%Y%m%d")
    differing = sum(a != b for a, b in zip(q, r, strict=True))
    if differing == 1 or DamerauLevenshtein.distance(q, r) == 1:
        return 0.6, "date of birth differs by one digit"
    same_day = (query.month, query.day) == (record.month, record.day)
    if same_day and abs(query.year - record.year) <= 2:
        return 0.5, "same birthday, year differs"
    return 0.0, "date of birth differs"


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def phone_similarity(query: str, record: str) -> tuple[float, str]:
    if len(query) >= 10 and query == record:
        return 1.0, "same phone number"
    if len(query) >= 7 and len(record) >= 7 and query[-7:] == record[-7:]:
        return 0.85 if len(query) < 10 or len(record) < 10 else 0.5, "same last 7 digits of phone"
    return 0.0, ""


_EXACT = frozenset({"same first name", "same last name"})


@dataclass(frozen=True)
class _NameFit:
    value: float  # weighted points earned by the names
    reasons: tuple[str, ...]


def _name_fit(query: Query, first: str, last: str, *, middle: str = "") -> _NameFit:
    points = 0.0
    reasons: list[str] = []
    if query.first_name:
        value, why = first_name_similarity(query.first_name, first)
        if middle:
            middle_value, middle_why = first_name_similarity(query.first_name, middle)
            if middle_value * MIDDLE_NAME_FACTOR > value:
                value = middle_value * MIDDLE_NAME_FACTOR
                why = f"middle name {middle}" if middle_value == 1.0 else middle_why
        points += WEIGHT_FIRST * value
        if why:
            reasons.append(why)
    if query.last_name:
        value, why = last_name_similarity(query.last_name, last)
        points += WEIGHT_LAST * value
        if why:
            reasons.append(why)
    return _NameFit(points, tuple(reasons))


def _best_name_fit(query: Query, candidate: Candidate) -> _NameFit:
    if not (query.first_name or query.last_name):
        return _NameFit(0.0, ())
    best = _name_fit(query, candidate.first_name, candidate.last_name, middle=candidate.middle_name)
    swapped_query = Query(query.last_name, query.first_name)
    swapped = _name_fit(swapped_query, candidate.first_name, candidate.last_name)
    if swapped.value * SWAPPED_FACTOR > best.value:
        best = _NameFit(
            swapped.value * SWAPPED_FACTOR, ("first and last names swapped", *swapped.reasons)
        )
    for alias_first, alias_last in candidate.aliases:
        shown = " ".join(p for p in (alias_first, alias_last) if p)
        for q in (query, swapped_query):
            first = alias_first or candidate.first_name
            fit = _name_fit(q, first, alias_last or candidate.last_name)
            factor = ALIAS_FACTOR * (SWAPPED_FACTOR if q is swapped_query else 1.0)
            if fit.value * factor > best.value:
                reasons = tuple(r for r in fit.reasons if r not in _EXACT)
                best = _NameFit(fit.value * factor, (f"alias '{shown}'", *reasons))
    return best


def match_score(
    query: Query, candidate: Candidate, *, today: date
) -> tuple[float, tuple[str, ...]]:
    """The score (0–100) of a record against a query, and the reasons (names, date of birth,
    phone).

    Only the fields the query gives count; a field the record lacks earns ``UNKNOWN_CREDIT``.
    """
    possible = 0.0
    points = 0.0
    reasons: list[str] = []
    if query.first_name or query.last_name:
        fit = _best_name_fit(query, candidate)
        possible += WEIGHT_FIRST * bool(query.first_name) + WEIGHT_LAST * bool(query.last_name)
        points += fit.value
        reasons.extend(fit.reasons)
    if query.date_of_birth is not None:
        possible += WEIGHT_DOB
        if candidate.date_of_birth is not None:
            value, why = date_of_birth_similarity(query.date_of_birth, candidate.date_of_birth)
            points += WEIGHT_DOB * value
            reasons.append(why)
        elif candidate.age_estimate is not None:
            fits = abs(_age_on(query.date_of_birth, today) - candidate.age_estimate) <= 5
            points += WEIGHT_DOB * (0.5 if fits else 0.0)
            reasons.append("estimated age fits" if fits else "estimated age differs")
        else:
            points += WEIGHT_DOB * UNKNOWN_CREDIT
    if len(query.phone_digits) >= 7:
        possible += WEIGHT_PHONE
        if len(candidate.phone_digits) >= 7:
            value, why = phone_similarity(query.phone_digits, candidate.phone_digits)
            points += WEIGHT_PHONE * value
            if why:
                reasons.append(why)
        else:
            points += WEIGHT_PHONE * UNKNOWN_CREDIT
    if not possible:
        return 0.0, ()
    return round(100.0 * points / possible, 1), tuple(reasons)
