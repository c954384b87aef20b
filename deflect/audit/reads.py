"""Auditing of reads that return many records: lists, queues, searches.

One mechanism for every list: a list selector is wrapped in ``audited_list`` (or, when its
result needs shaping first, calls ``audit_list``), and each call writes exactly ONE audit event
naming the records and the people it returned, in ``extra``: ``count``, ``ids`` (the records'
primary keys) and ``person_ids`` (the distinct people they are about). One row per call, never
one per record; an empty answer is audited too (who looked, and that nothing came back).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .actions import Action
from .services import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def _pk(record: Any) -> Any:
    return record.pk


def _person_id(record: Any) -> Any:
    return record.person_id


def audit_list(
    *,
    action: Action,
    actor: AbstractBaseUser,
    records: Iterable[Any],
    target_type: str = "",
    record_id: Callable[[Any], Any] = _pk,
    person_id: Callable[[Any], Any] = _person_id,
    extra: dict | None = None,
) -> None:
    """Write the one audit event for a list of ``records`` shown to ``actor``."""
    ids: list[Any] = []
    person_ids: list[Any] = []
    seen: set[Any] = set()
    for record in records:
        ids.append(record_id(record))
        pid = person_id(record)
        if pid is not None and pid not in seen:
            seen.add(pid)
            person_ids.append(pid)
    audit_record(
        action=action,
        actor=actor,
        target=(target_type, "") if target_type else None,
        extra={**(extra or {}), "count": len(ids), "ids": ids, "person_ids": person_ids},
    )


def audited_list(
    action: Action,
    *,
    target_type: str = "",
    records: Callable[[Any], Iterable[Any]] = lambda result: result,
    record_id: Callable[[Any], Any] = _pk,
    person_id: Callable[[Any], Any] = _person_id,
) -> Callable:
    """Decorate a list selector called as ``selector(*, actor=..., ...)``.

    A QuerySet result is evaluated into a list first, so the ids audited are exactly the rows
    the caller will show (no second query, no drift between audit and response). ``records``
    picks the rows out of a composite result (a queue of several sections)."""

    def decorate(selector: Callable) -> Callable:
        @functools.wraps(selector)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = selector(*args, **kwargs)
            if isinstance(result, QuerySet):
                result = list(result)
            audit_list(
                action=action,
                actor=kwargs["actor"],
                records=records(result),
                target_type=target_type,
                record_id=record_id,
                person_id=person_id,
            )
            return result

        return wrapper

    return decorate
