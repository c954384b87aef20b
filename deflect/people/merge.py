"""Merging two records of one person, and undoing it.

Every row of every table that points at a person follows the merge: the foreign keys are found
through Person's reverse relations (``_meta.get_fields(include_hidden=True)``), so a table added
later is not forgotten (a test checks that every relation is followed or named below). The merge
record keeps the primary keys of the rows that moved, and the merged person's own fields are
never changed, so ``person_unmerge`` restores exactly what was there.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed

from .errors import MergeErrorCode
from .models import Person, PersonMerge

# Relations to Person that do not follow a merge, and why.
NOT_FOLLOWED: dict[str, str] = {
    "people.Person.merged_into": "the merge's own marker",
    "people.PersonMerge.survivor": "the merge record names both people",
    "people.PersonMerge.merged": "the merge record names both people",
}


def _relation_key(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def followed_relations() -> list[Any]:
    """The foreign keys (and one-to-one keys) to Person that a merge moves."""
    fields: list[Any] = []
    # ``_meta.related_objects`` leaves out relations declared with ``related_name="+"`` (a
    # referral's or an abeyance case's person, for one); the hidden ones must move too.
    relations: list[Any] = [
        f for f in Person._meta.get_fields(include_hidden=True) if f.auto_created and f.is_relation
    ]
    for relation in relations:
        field = relation.field
        if relation.many_to_many:
            raise NotImplementedError(f"{_relation_key(field)}: many-to-many is not merged")
        if _relation_key(field) not in NOT_FOLLOWED:
            fields.append(field)
    return sorted(fields, key=_relation_key)


def _model_of(key: str) -> tuple[type[models.Model], str]:
    label, field_name = key.rsplit(".", 1)
    app_label, model_name = label.split(".")
    return apps.get_model(app_label, model_name), field_name


@atomic_service
def person_merge(*, actor: User, survivor_id: int, merged_id: int, reason: str = "") -> PersonMerge:
    """Move everything of ``merged`` to ``survivor`` (one program), mark ``merged``, and record
    what moved. Requires the link capability on both people."""
    people = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor_id, merged_id])
    }
    if survivor_id == merged_id or len(people) != 2:
        raise ValidationFailed("Choose two different people.", code=MergeErrorCode.MERGE_INVALID)
    survivor, merged = people[survivor_id], people[merged_id]
    require(actor, caps.OUTSIDE_RECORD_LINK, survivor)
    require(actor, caps.OUTSIDE_RECORD_LINK, merged)
    problems = []
    if survivor.program_id != merged.program_id:
        problems.append("The two people belong to different programs.")
    if survivor.merged_into_id or merged.merged_into_id:
        problems.append("One of them has already been merged into someone else.")
    if problems:
        raise ValidationFailed(" ".join(problems), code=MergeErrorCode.MERGE_INVALID)
    moved: dict[str, list[Any]] = {}
    try:
        with transaction.atomic():
            for field in followed_relations():
                rows = field.model._default_manager.filter(**{field.name: merged})
                pks = sorted(rows.values_list("pk", flat=True))
                if pks:
                    rows.filter(pk__in=pks).update(**{field.name: survivor})
                    moved[_relation_key(field)] = pks
    except IntegrityError as error:
        raise Conflict(
            "A record of the merged person cannot move to the other one; nothing was merged.",
            code=MergeErrorCode.MERGE_CONFLICT,
        ) from error
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    record = PersonMerge.objects.create(
        program_id=survivor.program_id,
        survivor=survivor,
        merged=merged,
        moved=moved,
        reason=reason[:500],
        merged_by=actor,
    )
    audit_record(
        action=Action.PERSON_MERGE,
        actor=actor,
        target=survivor,
        extra={
            "merge_id": record.pk,
            "merged_person_id": merged.pk,
            "moved": {key: len(pks) for key, pks in moved.items()},
        },
    )
    return record


@atomic_service
def person_unmerge(*, actor: User, merge_id: int) -> PersonMerge:
    """Put back exactly the rows the merge moved and clear the merged person's marker."""
    record = (
        PersonMerge.objects.select_for_update()
        .select_related("survivor", "merged")
        .get(pk=merge_id)
    )
    require(actor, caps.OUTSIDE_RECORD_LINK, record.survivor)
    if record.unmerged_at is not None:
        raise Conflict("This merge was already undone.", code=MergeErrorCode.ALREADY_UNMERGED)
    try:
        with transaction.atomic():
            for key, pks in record.moved.items():
                model, field_name = _model_of(key)
                model._default_manager.filter(pk__in=pks).update(**{field_name: record.merged})
    except IntegrityError as error:
        raise Conflict(
            "The moved records cannot go back; nothing was changed.",
            code=MergeErrorCode.MERGE_CONFLICT,
        ) from error
    merged = record.merged
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    record.unmerged_at = timezone.now()
    record.unmerged_by = actor
    record.save(update_fields=["unmerged_at", "unmerged_by", "updated_at"])
    audit_record(
        action=Action.PERSON_UNMERGE,
        actor=actor,
        target=record.survivor,
        extra={"merge_id": record.pk, "merged_person_id": merged.pk},
    )
    return record
