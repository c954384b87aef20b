"""Checking a dataset before anything is written: every row against the HSDS schema and the
columns it lands in, references between tables, and likely duplicates (reported, never merged)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.db import connection, models
from django.db.models.functions import Lower

from .. import hsds
from .. import taxonomy as tx
from ..models import (
    Organization,
)
from .dataset import MODELS, Dataset, Row


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def _column_problems(table: str, values: dict) -> list[tuple[str, str]]:
    """(field, problem) for values the table's database columns cannot hold: a whole number
    past the column's range or with decimals, a decimal with too many digits, text too long."""
    model = MODELS[table]
    columns = {f.attname: f for f in model._meta.concrete_fields}
    problems = []
    for name, kind in hsds.TABLES[table].fields.items():
        column = columns.get(name)
        value = values.get(name)
        if column is None or value in (None, ""):
            continue
        internal = column.get_internal_type()
        if kind == "number":
            number = Decimal(str(value).strip())
            if internal.endswith("IntegerField"):
                low, high = connection.ops.integer_field_range(internal)
                if number != number.to_integral_value():
                    problems.append((name, "must be a whole number"))
                elif (low is not None and number < low) or (high is not None and number > high):
                    problems.append((name, f"must be between {low or 0} and {high}"))
            elif isinstance(column, models.DecimalField):
                whole = column.max_digits - column.decimal_places
                if abs(number) >= Decimal(10) ** whole:
                    problems.append((name, f"must have at most {whole} digits before the point"))
        elif (
            isinstance(value, str)
            and internal in ("CharField", "EmailField", "URLField", "SlugField")
            and column.max_length
            and len(value) > column.max_length
        ):
            problems.append((name, f"must be at most {column.max_length} characters"))
    return problems


def check(dataset: Dataset) -> tuple[list[str], list[str]]:
    """(errors, likely duplicates). Nothing is written."""
    errors: list[str] = []
    ids: dict[str, set[str]] = defaultdict(set)
    for table, rows in dataset.tables.items():
        seen: dict[str, Row] = {}
        for row in rows:
            problems = hsds.row_problems(table, row.values)
            for name, problem in problems:
                errors.append(f"{row.origin}: {name}: {problem}")
            if not problems:
                for name, problem in _column_problems(table, row.values):
                    errors.append(f"{row.origin}: {name}: {problem}")
            object_id = str(row.values.get("id", ""))
            first = seen.setdefault(object_id.lower(), row)
            # Compiled JSON repeats an organization or a location (and what it holds) under
            # each of its services: the same id is fine when the object is the same.
            if first is not row and first.values != row.values:
                errors.append(
                    f"{row.origin}: id: {object_id} is used twice with different content "
                    f"(also {first.origin})"
                )
            if object_id:
                ids[table].add(object_id.lower())
    # References must point at an object in the file or already in the directory.
    wanted: dict[str, set[str]] = defaultdict(set)
    for table, rows in dataset.tables.items():
        for row in rows:
            for ref, target in hsds.TABLES[table].references.items():
                value = row.values.get(ref)
                if (
                    value
                    and not hsds.check_value("uuid", value)
                    and str(value).lower() not in ids[target]
                ):
                    wanted[target].add(str(value).lower())
    existing: dict[str, set[str]] = {}
    for target, values in wanted.items():
        found: set[str] = set()
        values_list = list(values)
        for start in range(0, len(values_list), 900):
            found |= {
                str(pk)
                for pk in MODELS[target]
                ._default_manager.filter(pk__in=values_list[start : start + 900])
                .values_list("pk", flat=True)
            }
        if target == "taxonomy":
            found.add(str(tx.TAXONOMY_ID))  # deflect's own taxonomy is created on import
        if target == "taxonomy_term":
            found |= {str(t.id) for t in tx.TERMS.values()}
        existing[target] = found
    for table, rows in dataset.tables.items():
        for row in rows:
            for ref, target in hsds.TABLES[table].references.items():
                value = row.values.get(ref)
                if value and str(value).lower() in wanted.get(target, set()) - existing.get(
                    target, set()
                ):
                    errors.append(f"{row.origin}: {ref}: no {target} with id {value}")
    # Only a file whose values are all valid is compared with the directory.
    return errors, ([] if errors else _duplicates(dataset))


def _duplicates(dataset: Dataset) -> list[str]:
    """Organizations with the same name and street address as another one (in the file or in
    the directory) under a different id."""
    locations = {str(r.values.get("id")).lower(): r.values for r in dataset.tables["location"]}
    address_of: dict[str, set[str]] = defaultdict(set)
    for r in dataset.tables["address"]:
        loc = locations.get(str(r.values.get("location_id", "")).lower())
        if loc and loc.get("organization_id"):
            address_of[str(loc["organization_id"]).lower()].add(
                f"{_normal(r.values.get('address_1', ''))}|{_normal(r.values.get('city', ''))}"
            )
    keys: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in dataset.tables["organization"]:
        org_id = str(r.values.get("id", "")).lower()
        for address in address_of.get(org_id, {""}):
            keys[f"{_normal(r.values.get('name', ''))}|{address}"].append(
                (org_id, r.origin, r.values.get("name", ""))
            )
    names = {_normal(r.values.get("name", "")) for r in dataset.tables["organization"]}
    # Only organizations of the directory whose name is one of the file's (case aside) are
    # read, so the check does not grow with the directory.
    lowered = sorted(
        {str(r.values.get("name", "")).strip().lower() for r in dataset.tables["organization"]}
    )
    existing = []
    for start in range(0, len(lowered), 500):
        existing += list(
            Organization.objects.annotate(_lower=Lower("name"))
            .filter(_lower__in=lowered[start : start + 500])
            .prefetch_related("locations__addresses")
        )
    for org in existing:
        if _normal(org.name) not in names:
            continue
        addresses = {
            f"{_normal(a.address_1)}|{_normal(a.city)}"
            for loc in org.locations.all()
            for a in loc.addresses.all()
        } or {""}
        for address in addresses:
            key = f"{_normal(org.name)}|{address}"
            if key in keys:
                keys[key].append((str(org.pk), "already in the directory", org.name))
    report = []
    for key, found in keys.items():
        distinct = {org_id: (origin, name) for org_id, origin, name in found}
        if len(distinct) > 1:
            places = "; ".join(
                f"{origin} (id {org_id})" for org_id, (origin, _) in distinct.items()
            )
            name = found[0][2]
            address = key.split("|", 1)[1].replace("|", ", ")
            report.append(
                f"Likely duplicate organization '{name}' at {address or 'no address'}: {places}"
            )
    return report
