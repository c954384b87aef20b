"""Encrypted logical backups of the whole database, and their restore into an empty one.

A backup file is a JSON header line followed by frames. Each frame is one batch of one model's
rows in Django's serialization, as JSON with datetimes to the microsecond, encrypted with
AES-256-GCM under a key derived from the data key that was current when the backup was taken
(its id is in the header). The header's hash, the
frame number and a "last frame" flag are the associated data of every frame, so frames cannot
be reordered, dropped, cut off or moved between backups without the restore noticing. The same
format serves SQLite and PostgreSQL. Files are created owner-only (0600).

Sessions are never backed up: a restore leaves no one signed in. Encrypted fields are written in
clear inside the (encrypted) frames and sealed again with the current key on restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.checkpoint import chain_head, checkpoint_write, checkpoints_read
from deflect.audit.selectors import audit_chain_verify
from deflect.audit.services import audit_record
from deflect.core import crypto

from .revocations import revocations_apply

MAGIC = "deflect-backup"
VERSION = 1
BATCH = 1000
NOT_BACKED_UP = {"sessions.session"}
# Rows that ``migrate`` itself creates; a restore replaces them with the backup's.
MIGRATION_ROWS = (Permission, ContentType)
_LENGTH = struct.Struct(">I")


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but datetimes keep their microseconds (the audit chain hashes
    them)."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why."""


@dataclass
class BackupSummary:
    path: Path
    key_id: str
    counts: dict[str, int]
    audit_events: int


@dataclass
class RestoreSummary:
    taken_at: str
    counts: dict[str, int]
    chain_ok: bool
    chain_message: str
    missing_events: int = 0
    missing_message: str = ""
    tokens_revoked: int = 0
    sessions_deleted: int = 0
    warnings: list[str] = field(default_factory=list)


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()  # many-to-many rows travel with their model
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.label_lower not in NOT_BACKED_UP
    ]


def _backup_key(key: crypto.DataKey) -> AESGCM:
    return AESGCM(key.derive("deflect-backup"))


def _aad(header_hash: bytes, number: int, last: bool) -> bytes:
    return header_hash + struct.pack(">I?", number, last)


def _batches(model: type[models.Model]) -> Iterator[list[models.Model]]:
    batch: list[models.Model] = []
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(obj)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def backup_write(*, path: Path | None = None) -> BackupSummary:
    """Write an encrypted backup of every model's rows to ``path`` (default: the backup folder,
    named by the time). The backup is recorded in the audit log first, so it contains its own
    event, and the chain's head is appended to the audit checkpoint."""
    key = crypto.current_key()
    now = timezone.now()
    if path is None:
        folder = Path(settings.DEFLECT_BACKUP_DIR)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"deflect-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.backup"
    audit_record(action=Action.BACKUP_CREATE, username="cli", extra={"file": path.name})
    # One snapshot: every model is read in the same transaction (REPEATABLE READ on PostgreSQL;
    # SQLite's IMMEDIATE transaction holds the write lock), the chain head with them.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        head = chain_head()
        model_list = backed_up_models()
        counts = {m._meta.label: m._base_manager.count() for m in model_list}
        header = {
            "format": MAGIC,
            "version": VERSION,
            "key_id": key.key_id,
            "taken_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "audit": {"count": head.count, "last_hash": head.last_hash},
            "counts": counts,
        }
        header_line = json.dumps(header, sort_keys=True).encode()
        header_hash = hashlib.sha256(header_line).digest()
        aead = _backup_key(key)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise BackupError(f"{path} exists; a backup never overwrites a file.") from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(header_line + b"\n")
            number = 0
            frames = (
                json.dumps(serializers.serialize("python", batch), cls=_Encoder).encode()
                for model in model_list
                for batch in _batches(model)
            )
            pending = next(frames, None)
            while pending is not None:
                following = next(frames, None)
                nonce = os.urandom(12)
                sealed = aead.encrypt(nonce, pending, _aad(header_hash, number, following is None))
                handle.write(_LENGTH.pack(len(nonce + sealed)) + nonce + sealed)
                number += 1
                pending = following
            if number == 0:  # an empty database still ends with a (sealed, empty) last frame
                nonce = os.urandom(12)
                sealed = aead.encrypt(nonce, b"[]", _aad(header_hash, 0, True))
                handle.write(_LENGTH.pack(len(nonce + sealed)) + nonce + sealed)
    checkpoint_write(head)
    return BackupSummary(path, key.key_id, counts, head.count)


def backup_read_header(path: Path) -> dict:
    with path.open("rb") as handle:
        line = handle.readline()
    try:
        header = json.loads(line)
    except ValueError as exc:
        raise BackupError(f"{path} is not a deflect backup.") from exc
    if not isinstance(header, dict) or header.get("format") != MAGIC:
        raise BackupError(f"{path} is not a deflect backup.")
    if header.get("version") != VERSION:
        raise BackupError(f"{path} is a version {header.get('version')} backup; expected 1.")
    return header


def backup_frames(path: Path) -> Iterator[bytes]:
    """The decrypted frames of a backup, in order; raises BackupError on any tampering."""
    header = backup_read_header(path)
    key = next((k for k in crypto.keyring() if k.key_id == header["key_id"]), None)
    if key is None:
        raise BackupError(
            f"The backup was encrypted with data key {header['key_id']}, which is not in "
            "DEFLECT_DATA_KEYS; list that key (after the current one) to restore it."
        )
    aead = _backup_key(key)
    with path.open("rb") as handle:
        header_line = handle.readline().rstrip(b"\n")
        header_hash = hashlib.sha256(header_line).digest()
        number = 0
        while True:
            prefix = handle.read(_LENGTH.size)
            if len(prefix) < _LENGTH.size:
                raise BackupError("The backup is truncated (its last frame is missing).")
            (length,) = _LENGTH.unpack(prefix)
            blob = handle.read(length)
            if len(blob) < length:
                raise BackupError("The backup is truncated (a frame is cut short).")
            for last in (False, True):
                try:
                    plain = aead.decrypt(blob[:12], blob[12:], _aad(header_hash, number, last))
                    break
                except InvalidTag:
                    continue
            else:
                raise BackupError(
                    f"Frame {number} of the backup does not decrypt: it was altered, reordered "
                    "or belongs to another backup."
                )
            yield plain
            if last:
                if handle.read(1):
                    raise BackupError("The backup has data after its last frame.")
                return
            number += 1


def _database_rows() -> dict[str, int]:
    skip = {m._meta.label_lower for m in MIGRATION_ROWS} | NOT_BACKED_UP
    return {
        m._meta.label: n
        for m in backed_up_models()
        if m._meta.label_lower not in skip and (n := m._base_manager.count())
    }


def backup_restore(*, path: Path) -> RestoreSummary:
    """Load ``path`` into this (migrated, empty) database in one transaction; verify the audit
    chain; report the audit events the checkpoint knows of that the backup lacks; re-apply the
    revocation list and delete every session."""
    header = backup_read_header(path)
    occupied = _database_rows()
    if occupied:
        named = ", ".join(f"{label} ({n})" for label, n in sorted(occupied.items())[:5])
        raise BackupError(f"Restore needs an empty database; this one has rows in {named}.")
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model in MIGRATION_ROWS:
            model._base_manager.all().delete()
        for frame in backup_frames(path):
            for item in serializers.deserialize("python", json.loads(frame)):
                item.save()
                label = item.object._meta.label
                counts[label] = counts.get(label, 0) + 1
        statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
    expected = {label: n for label, n in header["counts"].items() if n}
    if counts != expected:
        raise BackupError(f"The restored rows {counts} differ from the backup's list {expected}.")
    chain = audit_chain_verify()
    summary = RestoreSummary(
        taken_at=header["taken_at"],
        counts=counts,
        chain_ok=chain.ok,
        chain_message=(
            f"audit chain verifies ({chain.checked} events)"
            if chain.ok
            else f"audit chain BROKEN at event #{chain.broken_id}: {chain.reason}"
        ),
    )
    backed_up = header["audit"]["count"]
    checkpoints, _ = checkpoints_read()
    if checkpoints and checkpoints[-1].count > backed_up:
        newest = checkpoints[-1]
        summary.missing_events = newest.count - backed_up
        summary.missing_message = (
            f"{summary.missing_events} audit events were recorded after this backup was taken "
            f"(checkpoint at {newest.at.isoformat(timespec='seconds')} counted {newest.count}; "
            f"the backup has {backed_up}); they and the records they describe are not restored"
        )
    summary.tokens_revoked, summary.sessions_deleted = revocations_apply()
    audit_record(
        action=Action.BACKUP_RESTORE,
        username="cli",
        extra={
            "file": path.name,
            "taken_at": header["taken_at"],
            "missing_events": summary.missing_events,
            "tokens_revoked": summary.tokens_revoked,
        },
    )
    checkpoint_write()  # the restored chain is the chain from now on
    return summary
