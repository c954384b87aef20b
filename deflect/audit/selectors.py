"""Reads of the audit log: filtered lists and the chain verifier."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .chain import CHAINED_FIELDS, GENESIS_HASH, entry_hash
from .models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, key: str | None = None, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; name the first row whose link or hash is wrong."""
    key = key or settings.AUDIT_HMAC_KEY
    previous = GENESIS_HASH
    checked = 0
    fields = [name for name in CHAINED_FIELDS if name != "prev_hash"]
    rows = AuditEvent.objects.order_by("id").values("id", "prev_hash", "entry_hash", *fields)
    for row in rows.iterator(chunk_size=chunk_size):
        if row["prev_hash"] != previous:
            return ChainReport(
                False,
                checked,
                row["id"],
                "link to the previous row is broken (row removed or reordered)",
            )
        if entry_hash(key, row) != row["entry_hash"]:
            return ChainReport(False, checked, row["id"], "content does not match its hash")
        previous = row["entry_hash"]
        checked += 1
    return ChainReport(True, checked)


def audit_event_list(
    *,
    queryset: QuerySet[AuditEvent],
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    outcome: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = queryset.select_related("agency")
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(occurred_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(occurred_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs.order_by("-id")
