"""The keyed phone digests that let person lookup match a phone number it cannot read.

``phone_digest`` is an HMAC (a key derived from the current data key) of the number's digits as
matching compares them; ``phone_tail_digest`` of their last seven. Lookup compares a query's
digests under every listed data key, so rows written before a key rotation still match until
``deflect keys rotate`` reseals them.
"""

from __future__ import annotations

from deflect.core import crypto

from . import matching

FULL = "person.phone"
TAIL = "person.phone.tail7"
TAIL_DIGITS = 7


def phone_digest_columns(phone: str, *, key: crypto.DataKey | None = None) -> dict[str, str]:
    """``{"phone_digest", "phone_tail_digest"}`` for a person's phone (empty when too short)."""
    digits = matching.phone_digits(phone)
    tail = digits[-TAIL_DIGITS:] if len(digits) >= TAIL_DIGITS else ""
    return {
        "phone_digest": crypto.lookup_digest(digits, purpose=FULL, key=key),
        "phone_tail_digest": crypto.lookup_digest(tail, purpose=TAIL, key=key),
    }


def query_digests(digits: str) -> tuple[str, list[str]]:
    """The column to compare and the digests a query's phone digits may be stored under."""
    if len(digits) >= 10:
        return "phone_digest", crypto.lookup_digests(digits, purpose=FULL)
    return "phone_tail_digest", crypto.lookup_digests(digits[-TAIL_DIGITS:], purpose=TAIL)


def resealed_person_columns(plaintexts: dict[str, str]) -> dict[str, str]:
    """Rotation hook: a resealed person's digests under the current key."""
    return phone_digest_columns(plaintexts.get("phone", ""))


crypto.DERIVED_COLUMNS["people.person"] = resealed_person_columns
