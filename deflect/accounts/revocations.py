"""Revocations kept outside the database, so that a restored backup cannot bring them back.

An append-only file (``settings.DEFLECT_REVOCATIONS_PATH``, mode 0600) with one line per event,
sealed with the audit key: ``token <digest> <time> <hmac>`` when an API token is revoked.
``deflect restore`` re-applies every line to the restored database (and deletes every session).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from deflect.accounts.models import ApiToken


@dataclass(frozen=True)
class Revocation:
    kind: str
    value: str
    at: datetime


def _seal(body: str) -> str:
    return hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), f"revocation {body}".encode(), hashlib.sha256
    ).hexdigest()


def revocation_append(*, kind: str, value: str, at: datetime | None = None) -> None:
    at = at or timezone.now()
    body = f"{kind} {value} {at.astimezone(UTC).isoformat(timespec='seconds')}"
    path = Path(settings.DEFLECT_REVOCATIONS_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(f"{body} {_seal(body)}\n")


def revocations_read() -> tuple[list[Revocation], int]:
    """The validly sealed revocations, oldest first, and the number of lines that were not."""
    path = Path(settings.DEFLECT_REVOCATIONS_PATH)
    if not path.exists():
        return [], 0
    found: list[Revocation] = []
    bad = 0
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not hmac.compare_digest(parts[3], _seal(" ".join(parts[:3]))):
            bad += bool(line.strip())
            continue
        found.append(Revocation(parts[0], parts[1], datetime.fromisoformat(parts[2])))
    return found, bad


def revocations_apply() -> tuple[int, int]:
    """Re-revoke in the database what the list says was revoked; delete every session.

    Returns (tokens revoked again, sessions deleted).
    """

    revocations, _ = revocations_read()
    tokens = 0
    for revocation in revocations:
        if revocation.kind == "token":
            tokens += ApiToken.objects.filter(
                digest=revocation.value, revoked_at__isnull=True
            ).update(revoked_at=revocation.at)
    sessions, _ = Session.objects.all().delete()
    return tokens, sessions
