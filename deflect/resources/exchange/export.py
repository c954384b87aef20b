"""HSDS 3.0 export: compiled JSON, and the tabular package (CSV files and datapackage.json) to a
folder or a .zip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record

from .. import hsds
from .dataset import BATCH, MODELS
from .packages import write_zip


def _json_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return (
            float(value) if value != value.to_integral_value() or kind == "number" else int(value)
        )
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S") if value.second else value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "number" and isinstance(value, int):
        return value
    return value


def export_rows() -> dict[str, list[dict]]:
    """Every HSDS table as plain rows (empty values left out)."""
    tables: dict[str, list[dict]] = {}
    for table, spec in hsds.TABLES.items():
        model = MODELS[table]
        names = [n for n in spec.fields if n in {f.attname for f in model._meta.concrete_fields}]
        rows = []
        for record in (
            model._default_manager.order_by("pk").values(*names).iterator(chunk_size=BATCH)
        ):
            row = {}
            for name in names:
                value = _json_value(spec.fields[name], record[name])
                if value is not None:
                    row[name] = value
            rows.append(row)
        tables[table] = rows
    return tables


def export_json() -> dict:
    """Compiled services in the HSDS API profile's paginated list shape (one page)."""
    tables = export_rows()
    children: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table, nested in hsds.NESTED.items():
        for key, (child, ref, _) in nested.items():
            for row in tables[child]:
                if child == "attribute" and row.get("link_entity") != hsds.LINK_ENTITY.get(table):
                    continue
                parent = row.get(ref)
                if parent:
                    children[(table, key)][parent].append(row)
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    taxonomies = {row["id"]: row for row in tables["taxonomy"]}

    def compiled(table: str, row: dict) -> dict:
        out = dict(row)
        for key in hsds.NESTED.get(table, {}):
            child = hsds.NESTED[table][key][0]
            items = children[(table, key)].get(row["id"], [])
            out[key] = [compiled(child, item) for item in items]
        if table == "attribute" and row.get("taxonomy_term_id") in terms:
            term = dict(terms[row["taxonomy_term_id"]])
            if term.get("taxonomy_id") in taxonomies:
                term["taxonomy_detail"] = dict(taxonomies[term["taxonomy_id"]])
            out["taxonomy_term"] = term
        return out

    organizations = {row["id"]: row for row in tables["organization"]}
    locations = {row["id"]: row for row in tables["location"]}
    contents = []
    for service in tables["service"]:
        item = compiled("service", service)
        org = organizations.get(service.get("organization_id"))
        if org:
            item["organization"] = compiled("organization", org)
        for sal in item["service_at_locations"]:
            location = locations.get(sal.get("location_id"))
            if location:
                sal["location"] = compiled("location", location)
        contents.append(item)
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def export_tabular() -> dict[str, str]:
    """File name → content of the tabular package (CSV files and datapackage.json)."""
    files = {"datapackage.json": json.dumps(hsds.datapackage(), indent=2)}
    for table, rows in export_rows().items():
        spec = hsds.TABLES[table]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(spec.fields), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        files[spec.path] = out.getvalue()
    return files


def export_to(path: Path | None, fmt: str, *, actor: User) -> str | None:
    """Write an export; returns the JSON text when ``path`` is None (stdout)."""
    audit_record(
        action=Action.RESOURCES_EXPORT, actor=actor, extra={"format": fmt, "to": str(path or "-")}
    )
    if fmt == "json":
        text = json.dumps(export_json(), indent=2, ensure_ascii=False)
        if path is None:
            return text
        Path(path).write_text(text + "\n", encoding="utf-8")
        return None
    files = export_tabular()
    if path is None:
        raise ValueError("The tabular package needs --output (a folder or a .zip file).")
    path = Path(path)
    if path.suffix.lower() == ".zip":
        write_zip(path, files)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (path / name).write_text(text, encoding="utf-8")
    return None
