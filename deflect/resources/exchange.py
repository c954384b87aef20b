"""HSDS 3.0 import and export: compiled JSON and the tabular (CSV + datapackage.json) package,
plus the one-sheet CSV template for programs that keep a spreadsheet today.

An import is all-or-nothing: every row is checked first (errors name the file, the row or
object, the field and the problem); then everything is written in one transaction, or nothing
when ``dry_run``. Likely duplicates (another organization with the same name and address) are
reported, never merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models.functions import Lower

from deflect.audit.actions import Action
from deflect.audit.services import audit_record

from . import hsds
from . import taxonomy as tx
from .models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .services import match_index_refresh, taxonomy_ensure

MODELS = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "phone": Phone,
    "schedule": Schedule,
    "language": Language,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "funding": Funding,
    "accessibility": Accessibility,
    "attribute": Attribute,
}
BATCH = 2000


class ImportFailed(Exception):
    """The file could not be imported; ``errors`` says where and why."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class Row:
    values: dict
    origin: str  # "services.csv row 4" or "directory.json contents[2].phones[0]"


@dataclass
class Dataset:
    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or ``ImportFailed`` naming the file, line and
    column of the first byte that is not UTF-8, or of a NUL character."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise ImportFailed(
            [
                f"{name}: line {line}, column {column}: byte 0x{data[error.start]:02X} is not "
                "UTF-8 text (save the file as CSV UTF-8 or JSON in UTF-8)"
            ]
        ) from None
    else:
        offset = text.find("\x00")
    if offset >= 0:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise ImportFailed([f"{name}: line {line}, column {column}: contains a NUL character"])
    return text


def _zip_entry_problem(entry: str) -> str:
    parts = entry.replace("\\", "/").split("/")
    if entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry):
        return "an absolute path"
    if ".." in parts:
        return "a path that leaves the archive ('..')"
    return ""


MAX_ZIP_ENTRIES = 100
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


def _read_zip(path: Path) -> dict[str, str]:
    """The CSV files of a .zip, read in memory (nothing is ever extracted to disk). An entry
    with an absolute path or ``..`` refuses the whole archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            problems = [
                f"{path.name}: entry '{e.filename}': {problem}; nothing was read"
                for e in entries
                if (problem := _zip_entry_problem(e.filename))
            ]
            if problems:
                raise ImportFailed(problems)
            csvs = [e for e in entries if e.filename.lower().endswith(".csv") and not e.is_dir()]
            if len(csvs) > MAX_ZIP_ENTRIES:
                raise ImportFailed([f"{path.name}: more than {MAX_ZIP_ENTRIES} CSV files"])
            if sum(e.file_size for e in csvs) > MAX_UNZIPPED_BYTES:
                raise ImportFailed([f"{path.name}: the CSV files are too large once unzipped"])
            return {
                Path(e.filename).name: _decode(archive.read(e), f"{path.name}: {e.filename}")
                for e in csvs
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise ImportFailed([f"{path.name}: not a readable .zip file ({error})"]) from None


def read(path: Path) -> Dataset:
    """A JSON file, a folder of CSV files, a .zip of them, or the one-sheet template."""
    path = Path(path)
    if not path.exists():
        raise ImportFailed([f"{path}: no such file or folder"])
    if path.is_dir():
        return _read_tabular(
            {p.name: _decode(p.read_bytes(), p.name) for p in path.glob("*.csv")}, path.name
        )
    if path.suffix.lower() == ".zip":
        return _read_tabular(_read_zip(path), path.name)
    text = _decode(path.read_bytes(), path.name)
    if path.suffix.lower() == ".csv":
        header: list[str] = next(_csv_rows(csv.reader(io.StringIO(text)), path.name), [])
        if "organization_name" in header:
            return read_template(text, path.name)
        return _read_tabular({path.name: text}, path.name)
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


def _csv_rows(reader, name: str):
    """The rows of a CSV reader; a malformed line is ``ImportFailed`` naming file and line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The record that failed starts on the line after the last one read whole.
            problem = f"{name}: line {reader.line_num + 1}: not valid CSV ({error})"
            raise ImportFailed([problem]) from None


def read_json(data: Any, name: str = "import.json") -> Dataset:
    """Compiled HSDS services: a paginated list (``contents``), a plain list, or one service."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items, prefix = data["contents"], "contents"
    elif isinstance(data, dict) and isinstance(data.get("services"), list):
        items, prefix = data["services"], "services"
    elif isinstance(data, list):
        items, prefix = data, ""
    elif isinstance(data, dict):
        items, prefix = [data], ""
    else:
        raise ImportFailed([f"{name}: expected a service, a list of services or a page of them"])
    dataset = Dataset()
    errors: list[str] = []
    for i, item in enumerate(items):
        _flatten(dataset, "service", item, f"{name} {prefix}[{i}]", {}, errors)
    if errors:
        raise ImportFailed(errors)
    return dataset


def _flatten(dataset, table, obj, where, implied, errors) -> str | None:
    if not isinstance(obj, dict):
        errors.append(f"{where}: must be an object")
        return None
    values = {k: v for k, v in obj.items() if k in hsds.TABLES[table].fields}
    for key, value in implied.items():
        values.setdefault(key, value)
    object_id = values.get("id")
    children = dict(hsds.NESTED.get(table, {}))
    if table == "service" and isinstance(obj.get("organization"), dict):
        org_id = _flatten(
            dataset, "organization", obj["organization"], f"{where}.organization", {}, errors
        )
        values.setdefault("organization_id", org_id)
    if table == "service_at_location" and isinstance(obj.get("location"), dict):
        loc_id = _flatten(dataset, "location", obj["location"], f"{where}.location", {}, errors)
        values.setdefault("location_id", loc_id)
    if table == "taxonomy_term" and isinstance(obj.get("taxonomy_detail"), dict):
        taxonomy_id = _flatten(
            dataset, "taxonomy", obj["taxonomy_detail"], f"{where}.taxonomy_detail", {}, errors
        )
        values.setdefault("taxonomy_id", taxonomy_id)
    if table == "attribute" and isinstance(obj.get("taxonomy_term"), dict):
        term_id = _flatten(
            dataset, "taxonomy_term", obj["taxonomy_term"], f"{where}.taxonomy_term", {}, errors
        )
        values.setdefault("taxonomy_term_id", term_id)
    dataset.tables[table].append(Row(values, where))
    for key, (child, ref, _many) in children.items():
        items = obj.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append(f"{where}.{key}: must be an array")
            continue
        for j, item in enumerate(items):
            implied_child = {ref: object_id}
            if child == "attribute":
                implied_child["link_entity"] = hsds.LINK_ENTITY[table]
            _flatten(dataset, child, item, f"{where}.{key}[{j}]", implied_child, errors)
    return object_id


def _read_tabular(files: dict[str, str], name: str) -> Dataset:
    by_file = {spec.path: spec.name for spec in hsds.TABLES.values()}
    by_file |= {f"{spec.name}.csv": spec.name for spec in hsds.TABLES.values()}
    dataset = Dataset()
    unknown = [f for f in files if f not in by_file and f != "datapackage.json"]
    if not any(f in by_file for f in files):
        raise ImportFailed(
            [f"{name}: no HSDS tables found (expected files such as services.csv)"]
            + [f"{name}: {f}: not an HSDS table" for f in unknown]
        )
    for filename, text in files.items():
        table = by_file.get(filename)
        if table is None:
            continue
        reader = csv.DictReader(io.StringIO(text))
        for number, record in enumerate(_csv_rows(reader, filename), start=2):
            values = {
                k.strip(): (v or "").strip()
                for k, v in record.items()
                if k and k.strip() in hsds.TABLES[table].fields and (v or "").strip() != ""
            }
            dataset.tables[table].append(Row(values, f"{filename} row {number}"))
    return dataset


# ---------------------------------------------------------------------------------------------
# The one-sheet template
# ---------------------------------------------------------------------------------------------

TEMPLATE_COLUMNS = [
    "organization_name",
    "organization_description",
    "service_name",
    "service_description",
    "categories",
    "insurance",
    "genders",
    "features",
    "minimum_age",
    "maximum_age",
    "languages",
    "hours",
    "phone",
    "website",
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "latitude",
    "longitude",
    "application_process",
]
TEMPLATE_EXAMPLE = {
    "organization_name": "Example Recovery Center",
    "organization_description": "Outpatient treatment and recovery support.",
    "service_name": "Buprenorphine clinic",
    "service_description": "Same-day buprenorphine starts; counseling.",
    "categories": "outpatient; buprenorphine",
    "insurance": "medicaid; uninsured",
    "genders": "",
    "features": "walk-in; warm-handoff",
    "minimum_age": "18",
    "maximum_age": "",
    "languages": "en; es",
    "hours": "MO-FR 08:00-17:00; SA 09:00-12:00",
    "phone": "555-0100",
    "website": "https://example.org",
    "address_1": "1 Main St",
    "city": "Marlow",
    "state_province": "MD",
    "postal_code": "21000",
    "latitude": "39.29",
    "longitude": "-76.61",
    "application_process": "Walk in or call; bring ID if you have it.",
}
TEMPLATE_NAMESPACE = uuid.UUID("a4f2c0de-3b1e-4f59-8f0a-7e1d2c3b4a50")
_HOURS = re.compile(
    r"^(?P<days>[A-Z]{2}(?:-[A-Z]{2})?(?:,[A-Z]{2}(?:-[A-Z]{2})?)*)\s+"
    r"(?P<opens>\d{1,2}:\d{2})-(?P<closes>\d{1,2}:\d{2})$"
)
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


def _list(cell: str) -> list[str]:
    return [part.strip().lower() for part in re.split(r"[;|]", cell or "") if part.strip()]


def _days(spec: str) -> list[str]:
    days: list[str] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if last:
            i, j = DAYS.index(first), DAYS.index(last)
            days += DAYS[i : j + 1] if i <= j else DAYS[i:] + DAYS[: j + 1]
        else:
            days.append(first)
    return days


def read_template(text: str, name: str) -> Dataset:
    """One row per service at one address → HSDS tables, with ids derived from the names so
    that importing the same sheet again updates instead of duplicating."""
    dataset = Dataset()
    errors: list[str] = []
    seen_orgs: set[str] = set()
    for number, row in enumerate(_csv_rows(csv.DictReader(io.StringIO(text)), name), start=2):
        where = f"{name} row {number}"
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        org_name = row.get("organization_name", "")
        service_name = row.get("service_name", "")
        if not org_name:
            errors.append(f"{where}: organization_name: is required")
            continue
        if not service_name:
            errors.append(f"{where}: service_name: is required")
            continue

        def make_id(*parts: str) -> str:
            return str(uuid.uuid5(TEMPLATE_NAMESPACE, "|".join(p.lower() for p in parts)))

        org_id = make_id("org", org_name)
        service_id = make_id("service", org_name, service_name)
        location_id = make_id("location", org_name, row.get("address_1", ""))
        if org_id not in seen_orgs:
            seen_orgs.add(org_id)
            dataset.tables["organization"].append(
                Row(
                    {
                        "id": org_id,
                        "name": org_name,
                        "description": row.get("organization_description") or org_name,
                        **({"website": row["website"]} if row.get("website") else {}),
                    },
                    where,
                )
            )
        service = {
            "id": service_id,
            "organization_id": org_id,
            "name": service_name,
            "status": "active",
        }
        for key, target in (
            ("service_description", "description"),
            ("minimum_age", "minimum_age"),
            ("maximum_age", "maximum_age"),
            ("application_process", "application_process"),
            ("website", "url"),
        ):
            if row.get(key):
                service[target] = row[key]
        dataset.tables["service"].append(Row(service, where))
        location = {
            "id": location_id,
            "organization_id": org_id,
            "location_type": "physical",
            "name": org_name,
        }
        for key in ("latitude", "longitude"):
            if row.get(key):
                location[key] = row[key]
        dataset.tables["location"].append(Row(location, where))
        dataset.tables["service_at_location"].append(
            Row(
                {
                    "id": make_id("sal", service_id, location_id),
                    "service_id": service_id,
                    "location_id": location_id,
                },
                where,
            )
        )
        if row.get("address_1"):
            dataset.tables["address"].append(
                Row(
                    {
                        "id": make_id("address", location_id),
                        "location_id": location_id,
                        "address_1": row["address_1"],
                        "city": row.get("city", ""),
                        "state_province": row.get("state_province", ""),
                        "postal_code": row.get("postal_code", ""),
                        "country": "US",
                        "address_type": "physical",
                    },
                    where,
                )
            )
        if row.get("phone"):
            dataset.tables["phone"].append(
                Row(
                    {
                        "id": make_id("phone", service_id),
                        "service_id": service_id,
                        "number": row["phone"],
                    },
                    where,
                )
            )
        for code in _list(row.get("languages", "")):
            dataset.tables["language"].append(
                Row(
                    {
                        "id": make_id("language", service_id, code),
                        "service_id": service_id,
                        "code": code,
                    },
                    where,
                )
            )
        for column, prefix in (
            ("categories", ""),
            ("insurance", "insurance-"),
            ("genders", "gender-"),
            ("features", ""),
        ):
            for value in _list(row.get(column, "")):
                code = value if value.startswith(prefix) else prefix + value
                if code not in tx.TERMS:
                    errors.append(f"{where}: {column}: unknown value '{value}'")
                    continue
                dataset.tables["attribute"].append(
                    Row(
                        {
                            "id": make_id("attribute", service_id, code),
                            "link_id": service_id,
                            "link_entity": "service",
                            "link_type": "deflect",
                            "taxonomy_term_id": str(tx.TERMS[code].id),
                        },
                        where,
                    )
                )
        for part in [p.strip() for p in (row.get("hours") or "").upper().split(";") if p.strip()]:
            if part in ("24/7", "24 HOURS"):
                spans = [(DAYS, "00:00", "00:00")]
            else:
                m = _HOURS.match(part)
                if not m or any(d not in DAYS for d in re.split(r"[,-]", m["days"])):
                    errors.append(
                        f"{where}: hours: '{part}' is not like 'MO-FR 08:00-17:00' or '24/7'"
                    )
                    continue
                spans = [(_days(m["days"]), m["opens"], m["closes"])]
            for days, opens, closes in spans:
                dataset.tables["schedule"].append(
                    Row(
                        {
                            "id": make_id("schedule", service_id, part),
                            "service_id": service_id,
                            "freq": "WEEKLY",
                            "byday": ",".join(days),
                            "opens_at": opens.zfill(5),
                            "closes_at": closes.zfill(5),
                        },
                        where,
                    )
                )
    if errors:
        raise ImportFailed(errors)
    return dataset


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


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
            elif internal == "DecimalField":
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
                .objects.filter(pk__in=values_list[start : start + 900])
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


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


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
        elif internal == "DecimalField":
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
    actor: Any = None,
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
                        model.objects.filter(pk__in=ids[start : start + 900]).values_list(
                            "pk", flat=True
                        )
                    )
                new = [model(**v) for v in values if v["id"] not in existing]
                old = [model(**v) for v in values if v["id"] in existing]
                model.objects.bulk_create(new, batch_size=BATCH)
                if old:
                    names = sorted({k for v in values for k in v if k != "id"})
                    model.objects.bulk_update(old, names, batch_size=BATCH)
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


def import_file(path: Path, **kwargs) -> ImportReport:
    return import_dataset(read(path), source=str(path), **kwargs)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


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
        for record in model.objects.order_by("pk").values(*names).iterator(chunk_size=BATCH):
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


def export_to(path: Path | None, fmt: str, *, actor: Any = None) -> str | None:
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
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (path / name).write_text(text, encoding="utf-8")
    return None
