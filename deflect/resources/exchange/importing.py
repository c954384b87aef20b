"""Importing: read a file (JSON, a folder or .zip of CSV files, or the one-sheet template), check
it, then write everything in one transaction, or nothing when ``dry_run`` or on any error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record

from .. import hsds
from ..models import (
    ServiceAtLocation,
)
from ..services import match_index_refresh, taxonomy_ensure
from .dataset import BATCH, MODELS, Dataset, ImportFailed, ImportReport, Row
from .packages import read_zip
from .parsing import csv_rows, decode_text, read_json, read_tabular
from .template import read_template
from .validation import check


def read(path: Path) -> Dataset:
    """A JSON file, a folder of CSV files, a .zip of them, or the one-sheet template."""
    path = Path(path)
    if not path.exists():
        raise ImportFailed([f"{path}: no such file or folder"])
    if path.is_dir():
        return read_tabular(
            {p.name: decode_text(p.read_bytes(), p.name) for p in path.glob("*.csv")}, path.name
        )
    if path.suffix.lower() == ".zip":
        return read_tabular(read_zip(path), path.name)
    text = decode_text(path.read_bytes(), path.name)
    if path.suffix.lower() == ".csv":
        header: list[str] = next(csv_rows(csv.reader(io.StringIO(text)), path.name), [])
        if "organization_name" in header:
            return read_template(text, path.name)
        return read_tabular({path.name: text}, path.name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [
                f"{path.name}: line {error.lineno}, column {error.colno}: "
                f"not valid JSON ({error.msg})"
            ]
        ) from None
    except RecursionError:
        raise ImportFailed([f"{path.name}: nested too deeply to be a directory"]) from None
    return read_json(data, path.name)


class _DryRun(Exception):
    pass


def _python(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "uuid":
        return uuid.UUID(str(value))
    if kind == "number":
        return Decimal(str(value))
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind == "time":  # local time of the location: an offset or "Z" is dropped
        return dt.time.fromisoformat(str(value)).replace(tzinfo=None)
    return value


def model_values(table: str, values: dict) -> dict:
    model = MODELS[table]
    out = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for name, kind in hsds.TABLES[table].fields.items():
        if name not in values or name not in fields:
            continue
        value = _python(kind, values[name])
        model_field = fields[name]
        internal = model_field.get_internal_type()
        if value is None:
            value = None if model_field.null else ""
        elif internal in ("PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"):
            value = int(value)
        elif isinstance(model_field, models.DecimalField):
            value = Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places))
        elif internal in ("CharField", "TextField", "EmailField", "URLField") and not isinstance(
            value, str
        ):
            value = str(value)
        if kind == "email" and isinstance(value, str):
            value = hsds.email_address(value)
        out[name] = value
    return out


def import_dataset(
    dataset: Dataset,
    *,
    actor: User,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    source: str = "",
) -> ImportReport:
    """Check, then write everything in one transaction (or nothing: ``dry_run`` or any error)."""
    errors, duplicates = check(dataset)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(duplicates=duplicates, dry_run=dry_run)
    total, done = dataset.count(), 0
    try:
        with transaction.atomic():
            taxonomy_ensure()
            touched_services: set = set()
            touched_locations: set = set()
            for table in hsds.TABLES:
                rows = _unique(dataset.tables.get(table, []))
                model = MODELS[table]
                values = [model_values(table, r.values) for r in rows]
                ids = [v["id"] for v in values]
                existing: set = set()
                for start in range(0, len(ids), 900):
                    existing |= set(
                        model._default_manager.filter(pk__in=ids[start : start + 900]).values_list(
                            "pk", flat=True
                        )
                    )
                new = [model(**v) for v in values if v["id"] not in existing]
                old = [model(**v) for v in values if v["id"] in existing]
                model._default_manager.bulk_create(new, batch_size=BATCH)
                if old:
                    names = sorted({k for v in values for k in v if k != "id"})
                    model._default_manager.bulk_update(old, names, batch_size=BATCH)
                report.created[table] = len(new)
                report.updated[table] = len(old)
                if table == "service":
                    touched_services |= set(ids)
                if table == "location":
                    touched_locations |= set(ids)
                done += len(dataset.tables.get(table, []))
                if progress:
                    progress(done, total)
            touched_services |= set(
                ServiceAtLocation.objects.filter(location_id__in=touched_locations).values_list(
                    "service_id", flat=True
                )
            )
            match_index_refresh(touched_services)
            audit_record(
                action=Action.RESOURCES_IMPORT,
                actor=actor,
                extra={
                    "source": source[:200],
                    "created": report.created,
                    "updated": report.updated,
                    "duplicates": len(duplicates),
                    "dry_run": dry_run,
                },
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _unique(rows: list[Row]) -> list[Row]:
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(str(row.values["id"]).lower(), row)
    return list(seen.values())


def import_file(path: Path, *, actor: User, **kwargs: Any) -> ImportReport:
    return import_dataset(read(path), actor=actor, source=str(path), **kwargs)
