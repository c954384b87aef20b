"""The one-sheet CSV template, for programs that keep a spreadsheet today: one row per service at
one address, turned into HSDS tables with ids derived from the names (importing the same sheet
again updates instead of duplicating)."""

from __future__ import annotations

import csv
import io
import re
import uuid

from .. import taxonomy as tx
from .dataset import Dataset, ImportFailed, Row
from .parsing import csv_rows

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
    for number, row in enumerate(csv_rows(csv.DictReader(io.StringIO(text)), name), start=2):
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
