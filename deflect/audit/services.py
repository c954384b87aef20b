"""The only writer of AuditEvent rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from deflect.core.context import current_request_meta

from .actions import Action, Outcome
from .chain import GENESIS_HASH, entry_hash, normalize_extra
from .models import AuditEvent

if TYPE_CHECKING:
    # The audit floor sits below accounts: any user model, any agency row.
    from django.contrib.auth.base_user import AbstractBaseUser as User
    from django.db.models import Model as Agency

# Any constant works; it names the advisory lock that serializes chain appends on PostgreSQL.
_CHAIN_LOCK_ID = 7_340_001


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # SQLite: transactions are IMMEDIATE (settings), so the write lock is already held.


def _target_of(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return target._meta.label_lower, str(target.pk)


def audit_record(
    *,
    action: Action,
    actor: User | None = None,
    target: Any = None,
    outcome: Outcome = Outcome.ALLOWED,
    agency: Agency | None = None,
    extra: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction if there is one.

    ``target`` is a model instance or a ``(type, id)`` pair; request metadata comes from the
    current request, if any.
    """
    if action not in Action.values:
        raise ValueError(f"unregistered audit action {action!r}")
    meta = current_request_meta()
    request_fields = meta.as_dict() if meta else {}
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    target_type, target_id = _target_of(target)
    content = {
        "occurred_at": timezone.now(),
        "actor_id": actor_obj.pk if actor_obj else None,
        "actor_username": (actor_obj.get_username() if actor_obj else username)[:150],
        "agency_id": agency.pk if agency is not None else None,
        "action": str(action),
        "target_type": target_type,
        "target_id": target_id[:64],
        "outcome": str(outcome),
        "request_id": request_fields.get("request_id", ""),
        "ip": request_fields.get("ip", ""),
        "user_agent": request_fields.get("user_agent", ""),
        "method": request_fields.get("method", ""),
        "path": request_fields.get("path", ""),
        "extra": normalize_extra(extra),
    }
    # Inside the caller's transaction no savepoint is needed: an append that fails must fail
    # the whole operation it records.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        content["prev_hash"] = last or GENESIS_HASH
        content["entry_hash"] = entry_hash(settings.AUDIT_HMAC_KEY, content)
        return AuditEvent.objects.create(**content)
