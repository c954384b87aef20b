"""Reads of outside records. Every read that returns people's identifiers is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deflect.access import capabilities as caps
from deflect.access.policy import require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.programs.models import Program

from .models import ExternalRecord

# Audit rows name every record up to this many; a larger read names the range of ids.
AUDIT_ID_LIMIT = 1000

LINKAGE_FIELDS = (
    "id",
    "source",
    "source_record_id",
    "first_name",
    "middle_name",
    "last_name",
    "dob",
    "sex",
    "race",
    "phone",
    "address",
    "city",
    "zip",
)


def audit_ids(ids: list[int]) -> dict[str, Any]:
    """The ids part of an audit row: all of them, or their count and range when there are many."""
    if len(ids) <= AUDIT_ID_LIMIT:
        return {"count": len(ids), "ids": ids}
    return {"count": len(ids), "id_min": min(ids), "id_max": max(ids)}


def records_for_linkage(program: Program, *, actor: User) -> list[dict[str, Any]]:
    """Every outside record of ``program`` with its identifiers decrypted, for the linkage:
    dicts with the keys of ``LINKAGE_FIELDS`` (``dob`` a date or None, text "" when missing),
    in id order. Requires the link capability; one audit row names the records read."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    rows = ExternalRecord.objects.filter(program=program).only(*LINKAGE_FIELDS).order_by("id")
    result = [{field: getattr(row, field) for field in LINKAGE_FIELDS} for row in rows.iterator()]
    audit_record(
        action=Action.OUTSIDE_RECORDS_READ,
        actor=actor,
        target=program,
        extra={"purpose": "linkage", **audit_ids([row["id"] for row in result])},
    )
    return result


def iter_records_for_linkage(
    program: Program, *, actor: User, chunk_size: int = 10_000
) -> Iterator[list[dict[str, Any]]]:
    """``records_for_linkage`` in chunks of ``chunk_size`` (for programs with millions of
    records); one audit row per chunk."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    last_id = 0
    while True:
        rows = list(
            ExternalRecord.objects.filter(program=program, id__gt=last_id)
            .only(*LINKAGE_FIELDS)
            .order_by("id")[:chunk_size]
        )
        if not rows:
            return
        chunk = [{field: getattr(row, field) for field in LINKAGE_FIELDS} for row in rows]
        last_id = rows[-1].pk
        audit_record(
            action=Action.OUTSIDE_RECORDS_READ,
            actor=actor,
            target=program,
            extra={"purpose": "linkage", **audit_ids([row["id"] for row in chunk])},
        )
        yield chunk
