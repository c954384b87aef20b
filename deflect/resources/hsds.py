"""Open Referral HSDS 3.0: the tables deflect reads and writes, written from the specification.

``TABLES`` lists, for each HSDS object deflect keeps, its tabular file name, its fields with
their types, the fields the specification requires and the references to other tables. The same
table drives validation of an import, validation of our own export (the tests run it), the
tabular (CSV + ``datapackage.json``) form and the compiled JSON form, in which a ``service``
carries its organization, phones, schedules, languages, service areas, costs, funding,
attributes and its ``service_at_locations`` with their locations inline.

A publication may use a subset of the fields and add its own; unknown fields are ignored on
import, never an error.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/imls/hsds/"

# Field types: uuid, string, uri, email, number, integer, date, time, or enum:a|b|c.
_STATUS = "enum:active|inactive|defunct|temporarily closed"
_KIND = "enum:physical|postal|virtual"


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    fields: dict[str, str]
    required: tuple[str, ...] = ("id",)
    references: dict[str, str] = field(default_factory=dict)  # field -> table


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "taxonomy",
            "taxonomies.csv",
            {
                "id": "uuid",
                "name": "string",
                "description": "string",
                "uri": "uri",
                "version": "string",
            },
            ("id", "name", "description"),
        ),
        Table(
            "taxonomy_term",
            "taxonomy_terms.csv",
            {
                "id": "uuid",
                "code": "string",
                "name": "string",
                "description": "string",
                "parent_id": "uuid",
                "taxonomy_id": "uuid",
                "language": "string",
                "term_uri": "uri",
            },
            ("id", "name", "description"),
            {"parent_id": "taxonomy_term", "taxonomy_id": "taxonomy"},
        ),
        Table(
            "organization",
            "organizations.csv",
            {
                "id": "uuid",
                "name": "string",
                "alternate_name": "string",
                "description": "string",
                "email": "email",
                "website": "uri",
            },
            ("id", "name", "description"),
        ),
        Table(
            "service",
            "services.csv",
            {
                "id": "uuid",
                "organization_id": "uuid",
                "name": "string",
                "alternate_name": "string",
                "description": "string",
                "url": "uri",
                "email": "email",
                "status": _STATUS,
                "interpretation_services": "string",
                "application_process": "string",
                "fees_description": "string",
                "eligibility_description": "string",
                "minimum_age": "number",
                "maximum_age": "number",
                "assured_date": "date",
                "assurer_email": "email",
                "alert": "string",
            },
            ("id", "name", "status", "organization_id"),
            {"organization_id": "organization"},
        ),
        Table(
            "location",
            "locations.csv",
            {
                "id": "uuid",
                "location_type": _KIND,
                "organization_id": "uuid",
                "name": "string",
                "alternate_name": "string",
                "description": "string",
                "transportation": "string",
                "latitude": "number",
                "longitude": "number",
            },
            ("id", "location_type"),
            {"organization_id": "organization"},
        ),
        Table(
            "service_at_location",
            "service_at_locations.csv",
            {"id": "uuid", "service_id": "uuid", "location_id": "uuid", "description": "string"},
            ("id", "service_id", "location_id"),
            {"service_id": "service", "location_id": "location"},
        ),
        Table(
            "address",
            "addresses.csv",
            {
                "id": "uuid",
                "location_id": "uuid",
                "attention": "string",
                "address_1": "string",
                "address_2": "string",
                "city": "string",
                "region": "string",
                "state_province": "string",
                "postal_code": "string",
                "country": "string",
                "address_type": _KIND,
            },
            (
                "id",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "country",
                "address_type",
                "location_id",
            ),
            {"location_id": "location"},
        ),
        Table(
            "phone",
            "phones.csv",
            {
                "id": "uuid",
                "location_id": "uuid",
                "service_id": "uuid",
                "organization_id": "uuid",
                "service_at_location_id": "uuid",
                "number": "string",
                "extension": "string",
                "type": "string",
                "description": "string",
            },
            ("id", "number"),
            {
                "location_id": "location",
                "service_id": "service",
                "organization_id": "organization",
                "service_at_location_id": "service_at_location",
            },
        ),
        Table(
            "schedule",
            "schedules.csv",
            {
                "id": "uuid",
                "service_id": "uuid",
                "location_id": "uuid",
                "service_at_location_id": "uuid",
                "valid_from": "date",
                "valid_to": "date",
                "dtstart": "date",
                "timezone": "number",
                "until": "date",
                "wkst": "enum:MO|TU|WE|TH|FR|SA|SU",
                "freq": "enum:WEEKLY|MONTHLY",
                "interval": "number",
                "byday": "string",
                "bymonthday": "string",
                "opens_at": "time",
                "closes_at": "time",
                "description": "string",
                "notes": "string",
            },
            ("id",),
            {
                "service_id": "service",
                "location_id": "location",
                "service_at_location_id": "service_at_location",
            },
        ),
        Table(
            "language",
            "languages.csv",
            {
                "id": "uuid",
                "service_id": "uuid",
                "location_id": "uuid",
                "phone_id": "uuid",
                "name": "string",
                "code": "string",
                "note": "string",
            },
            ("id",),
            {"service_id": "service", "location_id": "location", "phone_id": "phone"},
        ),
        Table(
            "service_area",
            "service_areas.csv",
            {
                "id": "uuid",
                "service_id": "uuid",
                "name": "string",
                "description": "string",
                "extent": "string",
                "extent_type": "enum:geojson|topojson|kml|text",
                "uri": "uri",
            },
            ("id",),
            {"service_id": "service"},
        ),
        Table(
            "cost_option",
            "cost_options.csv",
            {
                "id": "uuid",
                "service_id": "uuid",
                "valid_from": "date",
                "valid_to": "date",
                "option": "string",
                "currency": "string",
                "amount": "number",
                "amount_description": "string",
            },
            ("id", "service_id"),
            {"service_id": "service"},
        ),
        Table(
            "funding",
            "funding.csv",
            {"id": "uuid", "organization_id": "uuid", "service_id": "uuid", "source": "string"},
            ("id",),
            {"organization_id": "organization", "service_id": "service"},
        ),
        Table(
            "accessibility",
            "accessibility.csv",
            {
                "id": "uuid",
                "location_id": "uuid",
                "description": "string",
                "details": "string",
                "url": "uri",
            },
            ("id", "location_id"),
            {"location_id": "location"},
        ),
        Table(
            "attribute",
            "attributes.csv",
            {
                "id": "uuid",
                "link_id": "uuid",
                "taxonomy_term_id": "uuid",
                "link_type": "string",
                "link_entity": "string",
                "value": "string",
                "label": "string",
            },
            ("id", "link_id", "taxonomy_term_id", "link_entity"),
            {"taxonomy_term_id": "taxonomy_term"},
        ),
    ]
}

# The compiled JSON form: which arrays (or objects) nest inside which object, and the
# reference field that the nesting stands for.
NESTED: dict[str, dict[str, tuple[str, str, bool]]] = {
    # object: {key: (table, parent reference field, is_array)}
    "service": {
        "phones": ("phone", "service_id", True),
        "schedules": ("schedule", "service_id", True),
        "service_areas": ("service_area", "service_id", True),
        "service_at_locations": ("service_at_location", "service_id", True),
        "languages": ("language", "service_id", True),
        "funding": ("funding", "service_id", True),
        "cost_options": ("cost_option", "service_id", True),
        "attributes": ("attribute", "link_id", True),
    },
    "organization": {
        "phones": ("phone", "organization_id", True),
        "funding": ("funding", "organization_id", True),
        "attributes": ("attribute", "link_id", True),
    },
    "service_at_location": {
        "phones": ("phone", "service_at_location_id", True),
        "schedules": ("schedule", "service_at_location_id", True),
        "attributes": ("attribute", "link_id", True),
    },
    "location": {
        "addresses": ("address", "location_id", True),
        "phones": ("phone", "location_id", True),
        "schedules": ("schedule", "location_id", True),
        "languages": ("language", "location_id", True),
        "accessibility": ("accessibility", "location_id", True),
        "attributes": ("attribute", "link_id", True),
    },
    "phone": {"languages": ("language", "phone_id", True)},
    "taxonomy_term": {},
}

# The attributes array of an object links to it through these link_entity values.
LINK_ENTITY = {
    "service": "service",
    "organization": "organization",
    "location": "location",
    "service_at_location": "service_at_location",
}

_EMAIL = re.compile(r"^[^@\s:]+@[^@\s:]+\.[^@\s:]+$")
_URI = re.compile(r"^https?://[^\s/]+\S*$", re.IGNORECASE)

# Bounds of numeric fields, checked on import: a place on Earth, an age of a person.
RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "location": {"latitude": (-90, 90), "longitude": (-180, 180)},
    "service": {"minimum_age": (0, 150), "maximum_age": (0, 150)},
}


def email_address(value: str) -> str:
    """The address of an email field, without a ``mailto:`` in front."""
    return value[7:] if value[:7].lower() == "mailto:" else value


def check_value(kind: str, value) -> str:
    """The problem with ``value`` as a ``kind`` field, or ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and "\x00" in value:
        return "must not contain NUL characters"
    if kind.startswith("enum:"):
        allowed = kind[5:].split("|")
        return "" if value in allowed else f"must be one of {', '.join(allowed)}"
    if kind == "number":
        if isinstance(value, bool):
            return "must be a number"
        if isinstance(value, int):
            return ""
        if isinstance(value, float | Decimal | str):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                return "must be a number"
            return "" if number.is_finite() else "must be a number (not NaN or Infinity)"
        return "must be a number"
    if not isinstance(value, str):
        return "must be a string"
    if kind == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return "must be a UUID"
    elif kind == "email" and not _EMAIL.match(email_address(value)):
        return "must be an email address"
    elif kind == "uri" and not _URI.match(value):
        return "must be a web address starting with http:// or https://"
    elif kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "must be a date (YYYY-MM-DD)"
    elif kind == "time":
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            return "must be a time (HH:MM or HH:MM:SS)"
    return ""


def _range_problem(table: str, name: str, value) -> str:
    bounds = RANGES.get(table, {}).get(name)
    if bounds is None or value in (None, ""):
        return ""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return ""  # check_value names it
    low, high = bounds
    if not number.is_finite() or not low <= number <= high:
        return f"must be between {low} and {high}"
    return ""


def row_problems(table: str, row: dict, *, tabular: bool = True) -> list[tuple[str, str]]:
    """(field, problem) for one object of ``table``. In the compiled JSON form the reference
    to the enclosing object is implied by the nesting, so it is not required there."""
    spec = TABLES[table]
    problems = []
    for name in spec.required:
        if not tabular and name in spec.references:
            continue
        if row.get(name) in (None, ""):
            problems.append((name, "is required"))
    for name, kind in spec.fields.items():
        if name in row:
            problem = check_value(kind, row[name]) or _range_problem(table, name, row[name])
            if problem:
                problems.append((name, problem))
    return problems


def validate_compiled(obj: dict, table: str = "service", where: str = "") -> list[str]:
    """Problems of one compiled JSON object (and everything nested in it), as
    ``where: field: problem`` strings. Used on our own export by the tests."""
    problems = [
        f"{where or table}: {name}: {problem}"
        for name, problem in row_problems(table, obj, tabular=False)
    ]
    if not isinstance(obj, dict):
        return [f"{where or table}: must be an object"]
    children = dict(NESTED.get(table, {}))
    if table == "service":
        children["organization"] = ("organization", "", False)
    if table == "service_at_location":
        children["location"] = ("location", "", False)
    if table == "attribute":
        children["taxonomy_term"] = ("taxonomy_term", "", False)
    if table == "taxonomy_term":
        children["taxonomy_detail"] = ("taxonomy", "", False)
    for key, (child, _, many) in children.items():
        if key not in obj or obj[key] is None:
            continue
        value = obj[key]
        if many:
            if not isinstance(value, list):
                problems.append(f"{where or table}: {key}: must be an array")
                continue
            for i, item in enumerate(value):
                problems += validate_compiled(item, child, f"{where or table}.{key}[{i}]")
        else:
            problems += validate_compiled(value, child, f"{where or table}.{key}")
    return problems


def datapackage() -> dict:
    """The ``datapackage.json`` descriptor of the tabular form."""
    types = {"uuid": "string", "uri": "string", "email": "string", "time": "time"}
    resources = []
    for spec in TABLES.values():
        fields = []
        for name, kind in spec.fields.items():
            entry: dict = {"name": name, "type": types.get(kind, kind)}
            if kind.startswith("enum:"):
                entry["type"] = "string"
                entry["constraints"] = {"enum": kind[5:].split("|")}
            if kind in ("uuid", "uri", "email"):
                entry["format"] = kind
            if name in spec.required:
                entry.setdefault("constraints", {})["required"] = True
            fields.append(entry)
        resources.append(
            {
                "name": spec.name,
                "path": spec.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": "hsds",
        "title": "Human Services Data Specification",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "resources": resources,
    }
