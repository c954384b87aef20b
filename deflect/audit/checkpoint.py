"""The audit chain's head, written outside the database to an append-only checkpoint file.

Each line is ``<time> <count> <last hash> <hmac>``: how many events the chain held and the
hash of the last one, sealed with the audit key. ``audit verify`` compares the chain with the
newest valid line, so rows cut off the end of the chain (which leave a chain that still links)
are detected: the chain is shorter than a checkpoint, or its event at that position differs.
The file is only ever appended to (mode 0600); operators may also make it append-only in the
file system (``chattr +a``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import GENESIS_HASH
from .models import AuditEvent


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    count: int
    last_hash: str


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    message: str
    checkpoint: Checkpoint | None = None
    missing: int = 0
    forged_lines: int = 0


def _seal(body: str) -> str:
    return hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), f"checkpoint {body}".encode(), hashlib.sha256
    ).hexdigest()


def _path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_PATH)


def chain_head() -> Checkpoint:
    """The chain as it stands: its length and the hash of its last event."""
    count = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    return Checkpoint(timezone.now(), count, last or GENESIS_HASH)


def checkpoint_write(head: Checkpoint | None = None) -> Checkpoint:
    """Append the chain's head (or ``head``) to the checkpoint file."""
    head = head or chain_head()
    body = f"{head.at.astimezone(UTC).isoformat(timespec='seconds')} {head.count} {head.last_hash}"
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(f"{body} {_seal(body)}\n")
    return head


def checkpoints_read(path: Path | None = None) -> tuple[list[Checkpoint], int]:
    """The file's checkpoints whose seal is valid, oldest first, and how many lines were not."""
    path = path or _path()
    if not path.exists():
        return [], 0
    valid: list[Checkpoint] = []
    forged = 0
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            forged += bool(line.strip())
            continue
        at, count, last_hash, seal = parts
        if not hmac.compare_digest(seal, _seal(f"{at} {count} {last_hash}")):
            forged += 1
            continue
        try:
            valid.append(Checkpoint(datetime.fromisoformat(at), int(count), last_hash))
        except ValueError:
            forged += 1
    return valid, forged


def checkpoint_compare() -> CheckpointReport:
    """Does the chain still reach the newest checkpoint, with the same event there?"""
    checkpoints, forged = checkpoints_read()
    if not checkpoints:
        message = "no checkpoint yet"
        if forged:
            message += f"; {forged} checkpoint lines have an invalid seal"
        return CheckpointReport(not forged, message, forged_lines=forged)
    newest = checkpoints[-1]  # after a restore, the restored chain is the reference
    when = newest.at.isoformat(timespec="seconds")
    count = AuditEvent.objects.count()
    if count < newest.count:
        missing = newest.count - count
        return CheckpointReport(
            False,
            f"{missing} rows missing after checkpoint at {when} "
            f"(it recorded {newest.count} events, the chain has {count})",
            newest,
            missing=missing,
            forged_lines=forged,
        )
    at_position = (
        AuditEvent.objects.order_by("id").values_list("entry_hash", flat=True)[
            newest.count - 1 : newest.count
        ]
        if newest.count
        else []
    )
    found = next(iter(at_position), GENESIS_HASH)
    if found != newest.last_hash:
        return CheckpointReport(
            False,
            f"event {newest.count} differs from checkpoint at {when} "
            "(rows were removed and others written since)",
            newest,
            forged_lines=forged,
        )
    message = f"matches checkpoint at {when} ({newest.count} events)"
    if forged:
        return CheckpointReport(
            False, f"{message}; {forged} checkpoint lines have an invalid seal", newest, 0, forged
        )
    return CheckpointReport(True, message, newest)
