"""Writes of outside records: links to people (set by the linkage) and imports."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.people.models import Person
from deflect.programs.models import Program

from .errors import OutcomesErrorCode
from .importer import (
    MAX_ERRORS,
    FileProblem,
    Reader,
    RowError,
    count_rows,
    decode,
    mapping_parse,
    open_reader,
    row_values,
)
from .models import BatchStatus, ExternalRecord, ImportBatch, RecordKind
from .pipeline import IMPORTER
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


# --- imports ------------------------------------------------------------------------------------

CHECK_CHUNK = 5_000
CHECK_STEPS = 20
SAVE_BATCH = 1_000
KEY_CHUNK = 900  # under SQLite's parameter limit
MAX_FILE_BYTES = 200 * 1024 * 1024


def _by_line(errors: list[RowError]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors[:MAX_ERRORS]:
        fields.setdefault(f"line {error.line}", []).append(str(error))
    return fields


def _problem(errors: list[RowError], message: str) -> ValidationFailed:
    return ValidationFailed(
        message, fields=_by_line(errors), code=OutcomesErrorCode.IMPORT_INVALID_FILE
    )


def _reader(batch: ImportBatch) -> Reader:
    return open_reader(
        batch.content,
        kind=batch.kind,
        mapping=mapping_parse(batch.mapping_text),
        tz=settings.TIME_ZONE,
    )


def _existing_keys(program: Program, source: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        found.update(
            ExternalRecord.objects.filter(
                program=program, source=source, source_record_id__in=keys[start : start + KEY_CHUNK]
            ).values_list("source_record_id", flat=True)
        )
    return found


@atomic_service
def import_begin(
    *,
    actor: User,
    program: Program,
    source: str,
    kind: str,
    content: bytes,
    file_name: str = "",
    mapping_text: str = "",
    dry_run: bool = False,
) -> ImportBatch:
    """Start an import of one CSV file: check the header and the mapping now (a problem there
    is a ValidationFailed naming line 1, or line 0 for the mapping file), keep the file
    (encrypted) for the checking steps, and count its rows for the progress bar."""
    require(actor, caps.OUTSIDE_RECORD_IMPORT, program)
    source = (source or "").strip()
    problems: dict[str, list[str]] = {}
    if not source or len(source) > 64:
        problems["source"] = ["Name the source system (1 to 64 characters)."]
    if kind not in RecordKind.values:
        problems["kind"] = [f"Choose one of: {', '.join(RecordKind.values)}."]
    if len(content) > MAX_FILE_BYTES:
        problems["file"] = [f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."]
    if problems:
        raise ValidationFailed("The import cannot start.", fields=problems)
    try:
        text = decode(content)
        mapping_parse(mapping_text)
        open_reader(text, kind=kind, mapping=mapping_parse(mapping_text), tz=settings.TIME_ZONE)
        rows = count_rows(text)
    except FileProblem as problem:
        raise _problem(
            problem.errors, "The file cannot be imported; nothing was imported."
        ) from None
    except csv.Error as error:
        raise _problem([RowError(1, "", f"not a CSV file: {error}")], "Not a CSV file.") from None
    batch = ImportBatch.objects.create(
        program=program,
        source=source,
        kind=kind,
        file_name=(file_name or "")[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        imported_by=actor if getattr(actor, "pk", None) else None,
        row_count=rows,
        content=text,
        mapping_text=mapping_text or "",
    )
    audit_record(
        action=Action.OUTSIDE_RECORDS_IMPORT,
        actor=actor,
        target=batch,
        extra={
            "step": "begin",
            "source": source,
            "kind": kind,
            "rows": rows,
            "sha256": batch.sha256,
        },
    )
    return batch


def _fail(actor: User, batch: ImportBatch, errors: list[dict[str, Any]]) -> ImportBatch:
    batch.errors = errors[:MAX_ERRORS]
    batch.content = ""
    batch.finished_at = timezone.now()
    return transition(
        batch,
        BatchStatus.FAILED,
        actor=actor,
        party=IMPORTER,
        also=["errors", "content", "finished_at"],
        extra={"errors": len(errors)},
    )


@atomic_service
def import_check_step(*, actor: User, batch: ImportBatch, rows: int | None = None) -> ImportBatch:
    """Check the next ``rows`` rows (default: a twentieth of the file, at least
    ``CHECK_CHUNK``, so a file takes at most about twenty steps, each reading the file once)
    of a started import and record the progress. When the
    last row is checked: a file with any bad row fails (every problem kept, by line and
    column; nothing imported); otherwise the batch knows how many records are new and how
    many were imported before, and a dry run ends there."""
    require(actor, caps.OUTSIDE_RECORD_IMPORT, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PENDING or batch.checked:
        return batch
    if rows is None:
        rows = max(CHECK_CHUNK, -(-batch.row_count // CHECK_STEPS))
    reader = _reader(batch)
    today = timezone.localdate()
    seen: dict[str, int] = {}
    errors: list[dict[str, Any]] = list(batch.errors)
    end = batch.progress + rows
    done = 0
    try:
        for index, (line, raw) in enumerate(reader.rows):
            key = raw.get(reader.file_column["source_record_id"], "")
            if index < end and key and key in seen:
                if index >= batch.progress:
                    errors.append(
                        RowError(
                            line,
                            reader.label("source_record_id"),
                            f"{key!r} appears again (first on line {seen[key]})",
                        ).as_dict()
                    )
            elif key:
                seen[key] = line
            if batch.progress <= index < end:
                _, problems = row_values(reader, line, raw, today)
                errors += [p.as_dict() for p in problems]
            done = index + 1
    except csv.Error as error:
        errors.append(
            RowError(batch.progress + 1, "", f"the CSV cannot be read: {error}").as_dict()
        )
        return _fail(actor, batch, errors)
    batch.row_count = done
    batch.progress = min(end, done)
    batch.errors = errors[:MAX_ERRORS]
    if batch.progress < done:
        batch.save(update_fields=["progress", "errors", "row_count", "updated_at"])
        return batch
    if errors:
        return _fail(actor, batch, errors)
    keys = list(seen)
    existing = _existing_keys(batch.program, batch.source, keys)
    batch.checked = True
    batch.existing_count = len(existing)
    batch.created_count = len(keys) - len(existing)
    batch.save(
        update_fields=[
            "progress",
            "errors",
            "row_count",
            "checked",
            "existing_count",
            "created_count",
            "updated_at",
        ]
    )
    if batch.dry_run:
        batch.content = ""
        batch.finished_at = timezone.now()
        transition(
            batch,
            BatchStatus.DONE,
            actor=actor,
            party=IMPORTER,
            also=["content", "finished_at"],
            extra={"dry_run": True, "new": batch.created_count, "existing": batch.existing_count},
        )
    return batch


@atomic_service
def import_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Save a checked import: every new record in one transaction, or none. Records imported
    before (same program, source and record id) are left as they are, so re-importing a file
    adds nothing."""
    require(actor, caps.OUTSIDE_RECORD_IMPORT, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.DONE and not batch.dry_run:
        return batch  # a repeated submission changes nothing
    if batch.status != BatchStatus.PENDING or not batch.checked or batch.dry_run:
        raise Conflict(
            "Check the file first; only a checked file without problems can be imported.",
            code=OutcomesErrorCode.BATCH_INVALID_TRANSITION,
        )
    transition(batch, BatchStatus.RUNNING, actor=actor, party=IMPORTER)
    reader = _reader(batch)
    today = timezone.localdate()
    parsed: list[dict[str, Any]] = []
    for line, raw in reader.rows:
        values, problems = row_values(reader, line, raw, today)
        if problems or values is None:  # the file changed since the check: refuse it all
            raise ValidationFailed(
                "The file has problems; nothing was imported.",
                fields=_by_line(problems),
                code=OutcomesErrorCode.IMPORT_INVALID_ROW,
            )
        parsed.append(values)
    existing = _existing_keys(batch.program, batch.source, [v["source_record_id"] for v in parsed])
    new = [
        ExternalRecord(
            program=batch.program, batch=batch, source=batch.source, kind=batch.kind, **v
        )
        for v in parsed
        if v["source_record_id"] not in existing
    ]
    ExternalRecord.objects.bulk_create(new, batch_size=SAVE_BATCH)
    batch.created_count = len(new)
    batch.existing_count = len(parsed) - len(new)
    batch.content = ""
    batch.finished_at = timezone.now()
    batch.progress = batch.row_count
    transition(
        batch,
        BatchStatus.DONE,
        actor=actor,
        party=IMPORTER,
        also=["created_count", "existing_count", "content", "finished_at", "progress"],
    )
    audit_record(
        action=Action.OUTSIDE_RECORDS_IMPORT,
        actor=actor,
        target=batch,
        extra={
            "step": "saved",
            "source": batch.source,
            "kind": batch.kind,
            "new": batch.created_count,
            "existing": batch.existing_count,
            "sha256": batch.sha256,
        },
    )
    return batch


def records_import(
    *,
    actor: User,
    program: Program,
    source: str,
    kind: str,
    content: bytes,
    file_name: str = "",
    mapping_text: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportBatch:
    """The whole import at once (the ``deflect records import`` command): begin, check every
    chunk, then save unless ``dry_run``. Returns the batch: failed (with ``errors``), done
    (a dry run: the counts it would import), or done and saved."""
    batch = import_begin(
        actor=actor,
        program=program,
        source=source,
        kind=kind,
        content=content,
        file_name=file_name,
        mapping_text=mapping_text,
        dry_run=dry_run,
    )
    while batch.status == BatchStatus.PENDING and not batch.checked:
        batch = import_check_step(actor=actor, batch=batch)
        if progress is not None:
            progress(batch.progress, batch.row_count)
    if batch.status == BatchStatus.PENDING and batch.checked:
        batch = import_commit(actor=actor, batch=batch)
    return batch
