"""The keyed hash chain: pure functions over an event's content."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64

CHAINED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "agency_id",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "request_id",
    "ip",
    "user_agent",
    "method",
    "path",
    "extra",
    "prev_hash",
)


def normalize_extra(extra: dict | None) -> dict:
    """JSON-safe copy of ``extra`` that survives a database round trip unchanged."""
    return json.loads(json.dumps(extra or {}, default=str, sort_keys=True))


def canonical(content: dict) -> bytes:
    values = dict(content)
    occurred_at: datetime = values["occurred_at"]
    values["occurred_at"] = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    ordered = {name: values[name] for name in CHAINED_FIELDS}
    return json.dumps(ordered, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(key: str, content: dict) -> str:
    return hmac.new(key.encode(), canonical(content), hashlib.sha256).hexdigest()
