"""One way to move a status. Each entity with a status pipeline declares a ``Pipeline`` in its
app's ``pipeline.py``: status -> {allowed next status: the party that may make the move}.
``transition`` is the only code that assigns ``status`` on those entities (a test scans for
others): it locks the row, checks the move, assigns the status, writes one history row and one
audit event in the caller's transaction, and raises ``InvalidTransition`` with the entity's code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from deflect.core.errors import InvalidTransition

from .actions import Action
from .services import audit_record

M = TypeVar("M", bound=models.Model)
# A move is made by one named party, or by any of several.
Party = str | frozenset[str]


@dataclass(frozen=True)
class Pipeline:
    model: type[models.Model]
    noun: str  # "referral", used in messages
    moves: Mapping[str, Mapping[str, Party]]
    code: str  # the entity's ``…_invalid_transition`` error code
    action: Action
    # The history model, with ``from_status``, ``to_status``, ``reason``, ``actor``, ``at``, its
    # foreign key ``subject`` to the entity, and optionally ``party``. None: audit only.
    history: type[models.Model] | None = None
    subject: str = ""
    reason_required: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _PIPELINES[self.model] = self

    def problem(self, current: str, target: str, party: str, reason: str = "") -> str:
        """Why ``party`` may not move from ``current`` to ``target``; "" when it may."""
        if target not in self.moves:
            return f"There is no {self.noun} status {target!r}."
        moves = self.moves.get(current, {})
        if target not in moves:
            allowed = ", ".join(sorted(moves)) or f"none (the {self.noun} is closed)"
            return (
                f"The {self.noun} is {current} and cannot become {target}; allowed next: {allowed}."
            )
        if party not in _parties(moves[target]):
            who = " or ".join(sorted(_parties(moves[target])))
            return f"Only the {who} sets a {self.noun} to {target}."
        if target in self.reason_required and not (reason or "").strip():
            return f"Give a reason for setting the {self.noun} to {target}."
        return ""

    def moves_for(self, current: str, party: str) -> list[str]:
        """The statuses ``party`` may set next, in table order."""
        return [t for t, who in self.moves.get(current, {}).items() if party in _parties(who)]


_PIPELINES: dict[type[models.Model], Pipeline] = {}


def _parties(who: Party) -> frozenset[str]:
    return frozenset({who}) if isinstance(who, str) else who


def transition(
    obj: M,
    to: str,
    *,
    actor: Any,
    party: str,
    reason: str = "",
    at: dt.datetime | None = None,
    also: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> M:
    """Move ``obj`` to ``to`` for ``party``; saves ``status`` and the fields named in ``also``
    (which the caller has set on ``obj``). The current status is read under a row lock."""
    model = obj._meta.concrete_model
    assert model is not None  # every installed model has one
    pipeline = _PIPELINES[model]
    with transaction.atomic():
        manager = model._default_manager
        current = manager.select_for_update().values_list("status", flat=True).get(pk=obj.pk)
        problem = pipeline.problem(current, to, party, reason)
        if problem:
            raise InvalidTransition(problem, fields={"status": [problem]}, code=pipeline.code)
        at = at or timezone.now()
        obj.status = to  # type: ignore[attr-defined]
        updated = {"status", *also}
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            updated.add("updated_at")
        obj.save(update_fields=sorted(updated))
        if pipeline.history is not None:
            reason_field = pipeline.history._meta.get_field("reason")
            limit = reason_field.max_length if isinstance(reason_field, models.Field) else None
            row = {
                pipeline.subject: obj,
                "from_status": current,
                "to_status": to,
                "reason": (reason or "")[:limit],
                "actor": actor if getattr(actor, "pk", None) else None,
                "at": at,
            }
            if any(f.name == "party" for f in pipeline.history._meta.concrete_fields):
                row["party"] = party
            pipeline.history._default_manager.create(**row)
        audit_record(
            action=pipeline.action,
            actor=actor,
            target=obj,
            extra={"from": current, "to": to, "party": party, **(extra or {})},
        )
    return obj
