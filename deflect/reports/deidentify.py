"""HIPAA Safe Harbor de-identification and the k-anonymity check, as pure functions.

Plain values in, plain values out; no database. ``reports.services`` feeds them the rows it read
in SQL and writes what they return.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

K_ANONYMITY = 5
QUASI_IDENTIFIERS = ("age_band", "sex", "race", "zip3")
WITHHELD = "*"
# A per-person date shift of up to this many days either way (never zero).
MAX_SHIFT_DAYS = 182
RESTRICTED_ZIP3_FILE = Path(__file__).resolve().parent / "data" / "restricted_zip3.csv"

AGE_BANDS: list[tuple[int, int, str]] = [
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 89, "65-89"),
    (90, 200, "90+"),
]
# The wider bands a small group is coarsened to before anything is withheld.
WIDER_AGE_BAND = {
    "0-17": "0-24",
    "18-24": "0-24",
    "25-34": "25-44",
    "35-44": "25-44",
    "45-54": "45-64",
    "55-64": "45-64",
    "65-89": "65+",
    "90+": "65+",
}


@cache
def restricted_zip3() -> frozenset[str]:
    """The three-digit ZIP areas of 20,000 or fewer people (the shipped census list)."""
    with RESTRICTED_ZIP3_FILE.open(newline="", encoding="utf-8") as handle:
        return frozenset(row["zip3"].strip() for row in csv.DictReader(handle))


def zip3_of(zip_code: str | None) -> str:
    """The first three digits of a US ZIP code; ``000`` for a restricted area (Safe Harbor);
    empty when there is no usable ZIP."""
    digits = "".join(ch for ch in (zip_code or "") if ch.isdigit())
    if len(digits) < 5:
        return ""
    zip3 = digits[:3]
    return "000" if zip3 in restricted_zip3() else zip3


def age_on(date_of_birth: dt.date | None, day: dt.date) -> int | None:
    if date_of_birth is None:
        return None
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return max(years, 0)


def age_band(age: int | None) -> str:
    """The age band; everyone over 89 is in "90+" (Safe Harbor); unknown is "unknown"."""
    if age is None:
        return "unknown"
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return "90+"


def study_ids(count: int) -> list[str]:
    """``count`` distinct random study ids, fresh for every export (no link to record ids)."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(f"S{secrets.token_hex(5).upper()}")
    out = list(ids)
    secrets.SystemRandom().shuffle(out)
    return out


def date_shift() -> dt.timedelta:
    """A random non-zero shift of up to ``MAX_SHIFT_DAYS`` days, one per person per export."""
    days = secrets.randbelow(MAX_SHIFT_DAYS) + 1
    return dt.timedelta(days=days if secrets.randbelow(2) else -days)


def shown_date(value: dt.date | None, *, mode: str, shift: dt.timedelta) -> str:
    """A date as exported: shifted by the person's offset (intervals kept) or its year only."""
    if value is None:
        return ""
    if mode == "year":
        return str(value.year)
    return (value + shift).isoformat()


@dataclass
class KAnonymityResult:
    rows: list[dict]
    suppressed: int = 0
    changes: list[str] = field(default_factory=list)
    smallest_group: int = 0


def _widen_age(value: str) -> str:
    return WIDER_AGE_BAND.get(value, value)


def _withhold(value: str) -> str:
    return WITHHELD


# In order: what is done to the quasi-identifiers of the rows in groups smaller than k.
COARSENING: list[tuple[str, Callable[[str], str], str]] = [
    ("zip3", _withhold, "ZIP3 withheld"),
    ("age_band", _widen_age, "age band widened"),
    ("race", _withhold, "race withheld"),
    ("sex", _withhold, "sex withheld"),
    ("age_band", _withhold, "age band withheld"),
]


def _key(row: dict) -> tuple:
    return tuple(row[name] for name in QUASI_IDENTIFIERS)


def group_sizes(rows: Iterable[dict]) -> Counter:
    return Counter(_key(row) for row in rows)


def enforce_k_anonymity(rows: list[dict], *, k: int = K_ANONYMITY) -> KAnonymityResult:
    """Coarsen, then suppress, until every combination of the quasi-identifiers is shared by at
    least ``k`` rows. Only the rows of groups smaller than ``k`` are changed (local recoding),
    one step at a time (``COARSENING``); rows still in a small group after the last step are
    left out. The result says what changed and how many rows each step touched."""
    result = KAnonymityResult(rows=rows)
    for column, coarsen, label in COARSENING:
        sizes = group_sizes(rows)
        small = [row for row in rows if sizes[_key(row)] < k]
        if not small:
            break
        changed = 0
        for row in small:
            new = coarsen(row[column])
            if new != row[column]:
                row[column] = new
                changed += 1
        if changed:
            result.changes.append(f"{label} for {changed} rows in groups smaller than {k}")
    sizes = group_sizes(rows)
    kept = [row for row in rows if sizes[_key(row)] >= k]
    result.suppressed = len(rows) - len(kept)
    if result.suppressed:
        result.changes.append(
            f"{result.suppressed} rows left out: still in a group smaller than {k} "
            "after every coarsening step"
        )
    result.rows = kept
    sizes = group_sizes(kept)
    result.smallest_group = min(sizes.values()) if sizes else 0
    return result
