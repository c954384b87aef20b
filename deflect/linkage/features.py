"""Standardised columns the linkage model compares, from a person or an outside record.

Pure functions: a record in (the keys of ``outcomes.selectors.records_for_linkage``), a row of
plain values out. Blank values become ``None`` so that Splink treats them as unknown, never as a
disagreement.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from deflect.people import matching

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "drive": "dr",
    "boulevard": "blvd",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "apartment": "apt",
}
_NOT_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SEX = {"m": "m", "male": "m", "man": "m", "f": "f", "female": "f", "woman": "f"}

# The columns of a prepared row, in order (the Splink input tables have exactly these).
COLUMNS = (
    "unique_id",
    "first_name",
    "middle_name",
    "surname",
    "suffix",
    "full_name",
    "first_names_alt",
    "first_canonical",
    "surname_parts",
    "dob",
    "dob_year",
    "sex",
    "phone",
    "address",
    "zip",
)


def _blank(value: str) -> str | None:
    return value or None


def name_tokens(value: str | None) -> list[str]:
    """Lower-case name words (hyphens and apostrophes split or dropped)."""
    text = matching.normalize_name(value or "").replace("'", "").replace("-", " ")
    return [t for t in text.split() if t]


def split_suffix(tokens: list[str]) -> tuple[list[str], str | None]:
    """A trailing generational suffix (Jr, Sr, II, III, IV) comes off the name."""
    if len(tokens) > 1 and tokens[-1] in SUFFIXES:
        return tokens[:-1], tokens[-1]
    return tokens, None


def standard_dob(value: Any) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def standard_address(value: str | None) -> str | None:
    text = _NOT_ALNUM.sub(" ", (value or "").lower())
    words = [_STREET_WORDS.get(w, w) for w in text.split()]
    return " ".join(words) or None


def standard_zip(value: str | None) -> str | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[:5] if len(digits) >= 5 else None


def standard_phone(value: str | None) -> str | None:
    digits = matching.phone_digits(value or "")
    return digits if len(digits) >= 7 else None


def first_names_alt(first: str | None) -> list[str] | None:
    """The first name and the given names it is a nickname of (Bill: bill, william, ...)."""
    if not first:
        return None
    return sorted({first} | set(matching.canonicals_of(first)))


def prepare(record: dict[str, Any], unique_id: str) -> dict[str, Any]:
    """One row of the linkage input from a person or an outside record."""
    first_tokens, first_suffix = split_suffix(name_tokens(record.get("first_name")))
    last_tokens, last_suffix = split_suffix(name_tokens(record.get("last_name")))
    middle_tokens, middle_suffix = split_suffix(name_tokens(record.get("middle_name")))
    first = _blank(" ".join(first_tokens))
    surname = _blank(" ".join(last_tokens))
    dob = standard_dob(record.get("dob"))
    sex = _SEX.get(str(record.get("sex") or "").strip().lower())
    return {
        "unique_id": unique_id,
        "first_name": first,
        "middle_name": _blank(" ".join(middle_tokens)),
        "surname": surname,
        "suffix": last_suffix or first_suffix or middle_suffix,
        "full_name": f"{first} {surname}" if first and surname else None,
        "first_names_alt": first_names_alt(first),
        "first_canonical": matching.canonical_first_name(first) if first else None,
        "surname_parts": last_tokens or None,
        "dob": dob,
        "dob_year": dob[:4] if dob else None,
        "sex": sex,
        "phone": standard_phone(record.get("phone")),
        "address": standard_address(record.get("address")),
        "zip": standard_zip(record.get("zip")),
    }
