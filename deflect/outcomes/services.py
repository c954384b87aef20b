"""Writes of outside records: links to people (set by the linkage) and imports."""

from __future__ import annotations

from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.people.models import Person
from deflect.programs.models import Program

from .errors import OutcomesErrorCode
from .models import ExternalRecord
from .selectors import audit_ids

LINK_BATCH = 2_000


@atomic_service
def record_links_apply(
    *,
    actor: User,
    program: Program,
    links: dict[int, tuple[int | None, float | None]],
) -> dict[str, int]:
    """Set (or, with ``None``, clear) the person and match probability of outside records:
    ``links`` maps a record id to ``(person id, probability)``. All or nothing: every record
    and every person must belong to ``program`` and every probability lie in [0, 1], or
    nothing changes. One audit row records the counts and the ids. The only writer of
    ``ExternalRecord.person``, ``link_probability`` and ``linked_at``."""
    require(actor, caps.OUTSIDE_RECORD_LINK, program)
    record_ids = sorted(links)
    problems: dict[str, list[str]] = {}
    found = set(
        ExternalRecord.objects.filter(program=program, id__in=record_ids).values_list(
            "id", flat=True
        )
    )
    if missing := [rid for rid in record_ids if rid not in found]:
        problems["records"] = [f"No outside record {rid} in this program." for rid in missing[:20]]
    person_ids = {pid for pid, _ in links.values() if pid is not None}
    known = set(
        Person.objects.filter(program=program, id__in=person_ids).values_list("id", flat=True)
    )
    if unknown := sorted(person_ids - known):
        problems["people"] = [f"No person {pid} in this program." for pid in unknown[:20]]
    for rid, (pid, probability) in links.items():
        if probability is not None and not 0 <= probability <= 1:
            problems.setdefault("probability", []).append(
                f"Record {rid}: a probability lies between 0 and 1, not {probability}."
            )
        if pid is None and probability is not None:
            problems.setdefault("probability", []).append(
                f"Record {rid}: a cleared link has no probability."
            )
    if problems:
        raise ValidationFailed(
            "Some links cannot be applied; nothing was changed.",
            fields=problems,
            code=OutcomesErrorCode.LINK_INVALID,
        )
    now = timezone.now()
    records = list(
        ExternalRecord.objects.filter(program=program, id__in=record_ids).only(
            "id", "person_id", "link_probability", "linked_at"
        )
    )
    for record in records:
        pid, probability = links[record.pk]
        record.person_id = pid
        record.link_probability = probability if pid is not None else None
        record.linked_at = now if pid is not None else None
    ExternalRecord.objects.bulk_update(
        records, ["person", "link_probability", "linked_at"], batch_size=LINK_BATCH
    )
    linked = [rid for rid in record_ids if links[rid][0] is not None]
    cleared = [rid for rid in record_ids if links[rid][0] is None]
    audit_record(
        action=Action.OUTSIDE_RECORDS_LINK,
        actor=actor,
        target=program,
        extra={
            "linked": len(linked),
            "cleared": len(cleared),
            "people": len(person_ids),
            **audit_ids(record_ids),
        },
    )
    return {"linked": len(linked), "cleared": len(cleared)}
