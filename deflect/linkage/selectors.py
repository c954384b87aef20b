"""Reads of the linkage: the review queue and one pair side by side. Every read that returns
identifiers is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.outcomes.models import ExternalRecord
from deflect.people.models import Person, PersonMerge
from deflect.programs.models import Program

from . import features
from .models import LinkRun, ReviewPair, ReviewStatus

# The fields shown side by side, in order: (label, key of the side's dict).
SIDE_FIELDS = (
    ("First name", "first_name"),
    ("Middle name", "middle_name"),
    ("Last name", "last_name"),
    ("Date of birth", "dob"),
    ("Sex", "sex"),
    ("Phone", "phone"),
    ("Address", "address"),
    ("City", "city"),
    ("ZIP", "zip"),
)


def _pair_person_ids(pairs: list[ReviewPair]) -> list[int]:
    """The deflect people a list of pairs shows (either side may be one), each once."""
    seen: dict[int, None] = {}
    for pair in pairs:
        for key in (pair.left_key, pair.right_key):
            if key.startswith("p") and key[1:].isdigit():
                seen.setdefault(int(key[1:]), None)
    return list(seen)


def review_queue(*, actor: User, program: Program, kind: str = "", limit: int = 200) -> list:
    """The pending pairs, most likely first; one audit row names the pairs and every person
    on either side of them."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    rows = ReviewPair.objects.filter(program=program, status=ReviewStatus.PENDING)
    if kind:
        rows = rows.filter(kind=kind)
    pairs = list(rows.order_by("-match_probability", "id")[:limit])
    audit_record(
        action=Action.LINK_REVIEW_LIST,
        actor=actor,
        target=("linkage.reviewpair", ""),
        extra={
            "count": len(pairs),
            "ids": [p.pk for p in pairs],
            "person_ids": _pair_person_ids(pairs),
        },
    )
    return pairs


def latest_run(*, actor: User, program: Program) -> LinkRun | None:
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    return LinkRun.objects.filter(program=program).order_by("-started_at", "-id").first()


def merges_of(*, actor: User, program: Program, limit: int = 50) -> list[PersonMerge]:
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    rows = visible_to(actor, PersonMerge, caps.OUTSIDE_RECORD_LINK).filter(program=program)
    return list(rows.order_by("-created_at", "-id")[:limit])


def _side(program_id: int, key: str) -> dict[str, Any]:
    if key.startswith("p"):
        person = Person.objects.filter(pk=int(key[1:]), program_id=program_id).first()
        if person is None:
            return {"key": key, "label": "Person (no longer here)", "missing": True}
        return {
            "key": key,
            "label": f"deflect person #{person.pk}",
            "person_id": person.pk,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "last_name": person.last_name,
            "dob": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "sex": person.get_gender_display(),
            "phone": person.phone,
            "address": "",
            "city": "",
            "zip": "",
        }
    record = ExternalRecord.objects.filter(pk=int(key[1:]), program_id=program_id).first()
    if record is None:
        return {"key": key, "label": "Outside record (no longer here)", "missing": True}
    return {
        "key": key,
        "label": f"{record.source} record {record.source_record_id} ({record.get_kind_display()})",
        "person_id": None,
        "first_name": record.first_name,
        "middle_name": record.middle_name,
        "last_name": record.last_name,
        "dob": record.dob.isoformat() if record.dob else "",
        "sex": record.sex,
        "phone": record.phone,
        "address": record.address,
        "city": record.city,
        "zip": record.zip,
    }


def review_pair_for(*, actor: User, pair_id: int) -> ReviewPair:
    """The pair, for an actor who may link in its program: 404 when the pair or its program
    is not visible to them, 403 (audited) when they see the program but may not link."""
    pair = ReviewPair.objects.filter(pk=pair_id).first()
    if pair is None:
        raise Http404("No such review pair.")
    get_for(actor, Program, pair.program_id)
    require(actor, caps.OUTSIDE_RECORD_LINK, pair)
    return pair


def merge_for(*, actor: User, merge_id: int) -> PersonMerge:
    """A merge record, authorized like a review pair (404 outside the program, 403 without
    the link capability)."""
    record = PersonMerge.objects.filter(pk=merge_id).first()
    if record is None:
        raise Http404("No such merge.")
    get_for(actor, Program, record.program_id)
    require(actor, caps.OUTSIDE_RECORD_LINK, record)
    return record


def _agrees(key: str, left: str, right: str) -> bool | None:
    """None when either side is blank (unknown), else whether the standardised values agree."""
    if not left or not right:
        return None
    if key in ("first_name", "middle_name", "last_name"):
        return features.name_tokens(left) == features.name_tokens(right)
    if key == "phone":
        return features.standard_phone(left) == features.standard_phone(right)
    if key == "address":
        return features.standard_address(left) == features.standard_address(right)
    return str(left).strip().lower() == str(right).strip().lower()


@dataclass
class PairView:
    pair: ReviewPair
    left: dict[str, Any]
    right: dict[str, Any]
    rows: list[tuple[str, str, str, bool | None]]  # label, left, right, agrees


def review_pair_get(*, actor: User, pair_id: int) -> PairView:
    """One review pair with both records side by side (audited: it shows identifiers)."""
    pair = review_pair_for(actor=actor, pair_id=pair_id)
    left, right = _side(pair.program_id, pair.left_key), _side(pair.program_id, pair.right_key)
    rows = [
        (label, str(left.get(key) or ""), str(right.get(key) or "")) for label, key in SIDE_FIELDS
    ]
    table = [
        (label, lv, rv, _agrees(key, lv, rv))
        for (label, lv, rv), (_, key) in zip(rows, SIDE_FIELDS, strict=True)
    ]
    person_ids = [s["person_id"] for s in (left, right) if s.get("person_id")]
    audit_record(
        action=Action.LINK_REVIEW_READ,
        actor=actor,
        target=pair,
        extra={"left": pair.left_key, "right": pair.right_key, "person_ids": person_ids},
    )
    return PairView(pair=pair, left=left, right=right, rows=table)


def program_filter(value: str) -> Q:
    """A program named on the command line: by id, or by name (any case)."""
    return Q(pk=int(value)) if value.isdigit() else Q(name__iexact=value)
