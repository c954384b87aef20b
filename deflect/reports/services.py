"""De-identified exports: the only writer of ``DeidentifiedExport``.

The person-level rows are read with grouped SQL (one query per table, joined in memory by
person), de-identified by ``reports.deidentify`` (HIPAA Safe Harbor, then k-anonymity), and
written as a zip with the data dictionary. Every export is audited with who, when and which
rows (the people's record ids stay inside deflect; the file carries random study ids only).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.encounters.models import Encounter
from deflect.people.models import Person
from deflect.programs.models import Program
from deflect.referrals.models import Referral

from . import deidentify
from .errors import ReportError, ReportErrorCode
from .models import DeidentifiedExport

DATE_MODES = ("shift", "year")
MAX_EXPORT_DAYS = 366 * 20

# (column, type, description): the data dictionary, in file order.
COLUMNS: list[tuple[str, str, str]] = [
    (
        "study_id",
        "text",
        "Random id for one person, stable inside this export and different in every other "
        "export. Not derived from any record id.",
    ),
    (
        "age_band",
        "text",
        "Age at the first contact in the period: 0-17, 18-24, 25-34, 35-44, 45-54, 55-64, "
        "65-89, 90+ (every age over 89 is 90+); wider bands (0-24, 25-44, 45-64, 65+) or * "
        "where the k-anonymity check coarsened it; unknown when no age was recorded.",
    ),
    ("sex", "text", "Gender as self-reported (woman, man, …, declined, unknown); * if withheld."),
    ("race", "text", "Race as self-reported, including declined and unknown; * if withheld."),
    ("ethnicity", "text", "Ethnicity as self-reported, including declined and unknown."),
    (
        "zip3",
        "text",
        "First three digits of the residence ZIP code; 000 for an area of 20,000 or fewer "
        "people (census list shipped with deflect); empty when not recorded; * if withheld.",
    ),
    (
        "first_contact_date",
        "date or year",
        "First encounter in the period: shifted by the person's random offset, or the year.",
    ),
    (
        "last_contact_date",
        "date or year",
        "Last encounter in the period, shifted by the same offset (or the year).",
    ),
    ("first_pathway", "text", "Pathway of the first encounter in the period."),
    ("encounters", "integer", "Number of encounters in the period."),
    ("overdoses", "integer", "Encounters in the period with an overdose recorded."),
    ("fatal_overdose", "0/1", "1 if an overdose recorded in the period was fatal."),
    ("referred", "0/1", "1 if a referral was sent in the period."),
    (
        "first_referral_date",
        "date or year",
        "First referral sent in the period, shifted by the same offset (or the year).",
    ),
    ("engaged_in_treatment", "0/1", "1 if a referral in the period reached intake."),
    (
        "first_intake_date",
        "date or year",
        "First intake of those referrals, shifted by the same offset (or the year).",
    ),
]


@dataclass
class ExportFile:
    record: DeidentifiedExport
    content: bytes
    filename: str


def _period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if date_to < date_from:
        raise ReportError(
            "The end date is before the start date.",
            code=ReportErrorCode.PERIOD_INVALID,
            fields={"date_to": ["Must be on or after the start date."]},
        )
    if (date_to - date_from).days > MAX_EXPORT_DAYS:
        raise ReportError(
            "The period is longer than 20 years.", code=ReportErrorCode.PERIOD_INVALID
        )
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return start, end


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def deidentified_rows(
    *, actor: User, date_from: dt.date, date_to: dt.date, program: Program | None = None
) -> list[dict]:
    """The identified source rows (one per person met in the period), read in four grouped
    queries. Keeps ``person_id`` for the audit; ``deidentified_export_create`` drops it."""
    start, end = _period_bounds(date_from, date_to)
    encounters = visible_to(actor, Encounter, caps.EXPORT_DEIDENTIFIED).filter(
        occurred_at__gte=start, occurred_at__lt=end, person__isnull=False
    )
    if program is not None:
        encounters = encounters.filter(program=program)
    first_pathway = (
        Encounter.objects.filter(
            person_id=OuterRef("person_id"), occurred_at__gte=start, occurred_at__lt=end
        )
        .order_by("occurred_at", "pk")
        .values("pathway")[:1]
    )
    contacts = {
        row["person_id"]: row
        for row in encounters.values("person_id")
        .annotate(
            first=Min("occurred_at"),
            last=Max("occurred_at"),
            n=Count("id"),
            overdoses=Count("overdose"),
            fatal=Count("overdose", filter=Q(overdose__fatal=True)),
            pathway=Subquery(first_pathway),
        )
        .order_by()
    }
    referrals = visible_to(actor, Referral, caps.EXPORT_DEIDENTIFIED).filter(
        sent_at__gte=start, sent_at__lt=end, person_id__in=encounters.values("person_id")
    )
    if program is not None:
        referrals = referrals.filter(program=program)
    referred = {
        row["person_id"]: row
        for row in referrals.values("person_id")
        .annotate(first=Min("sent_at"), intake=Min("intake_at"))
        .order_by()
    }
    people = (
        visible_to(actor, Person, caps.EXPORT_DEIDENTIFIED)
        .filter(pk__in=encounters.values("person_id"))
        .values_list(
            "pk", "date_of_birth", "age_estimate", "gender", "race", "ethnicity", "residence_zip"
        )
        .order_by()
    )
    rows = []
    for pk, dob, age_estimate, gender, race, ethnicity, zip_code in people.iterator(
        chunk_size=5000
    ):
        contact = contacts.get(pk)
        if contact is None:
            continue
        first = _local_date(contact["first"])
        age = deidentify.age_on(dob, first) if dob and first else age_estimate
        referral = referred.get(pk, {})
        rows.append(
            {
                "person_id": pk,
                "age_band": deidentify.age_band(age),
                "sex": gender or "unknown",
                "race": race or "unknown",
                "ethnicity": ethnicity or "unknown",
                "zip3": deidentify.zip3_of(zip_code),
                "first_contact": first,
                "last_contact": _local_date(contact["last"]),
                "first_pathway": contact["pathway"] or "",
                "encounters": contact["n"],
                "overdoses": contact["overdoses"],
                "fatal_overdose": 1 if contact["fatal"] else 0,
                "referred": 1 if referral else 0,
                "first_referral": _local_date(referral.get("first")),
                "engaged_in_treatment": 1 if referral.get("intake") else 0,
                "first_intake": _local_date(referral.get("intake")),
            }
        )
    return rows


def _file_rows(rows: list[dict], *, mode: str) -> list[list]:
    """The exported rows: random study ids, dates shifted per person (or years), in random
    order. ``person_id`` never leaves this function."""
    ids = deidentify.study_ids(len(rows))
    out = []
    for study_id, row in zip(ids, rows, strict=True):
        shift = deidentify.date_shift()
        out.append(
            [
                study_id,
                row["age_band"],
                row["sex"],
                row["race"],
                row["ethnicity"],
                row["zip3"],
                deidentify.shown_date(row["first_contact"], mode=mode, shift=shift),
                deidentify.shown_date(row["last_contact"], mode=mode, shift=shift),
                row["first_pathway"],
                row["encounters"],
                row["overdoses"],
                row["fatal_overdose"],
                row["referred"],
                deidentify.shown_date(row["first_referral"], mode=mode, shift=shift),
                row["engaged_in_treatment"],
                deidentify.shown_date(row["first_intake"], mode=mode, shift=shift),
            ]
        )
    out.sort(key=lambda r: r[0])
    return out


def data_dictionary_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "type", "description"])
    writer.writerows(COLUMNS)
    return buffer.getvalue()


def data_dictionary_markdown(*, mode: str) -> str:
    lines = [
        "# Data dictionary: de-identified person-level export",
        "",
        "One row per person with an encounter in the period. De-identified by the HIPAA Safe "
        "Harbor method (45 CFR 164.514(b)(2)): no names, addresses, phone numbers, e-mail "
        "addresses or record ids; "
        + (
            "dates shifted by a random offset per person (intervals within a person are kept; "
            "the offset differs between people and between exports)"
            if mode == "shift"
            else "dates reduced to the year"
        )
        + "; ages over 89 as 90+; ZIP codes to three digits, 000 where the area has 20,000 "
        f"or fewer people. Every combination of {', '.join(deidentify.QUASI_IDENTIFIERS)} is "
        f"shared by at least {deidentify.K_ANONYMITY} rows (k-anonymity).",
        "",
        "| column | type | description |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {kind} | {text} |" for name, kind, text in COLUMNS]
    return "\n".join(lines) + "\n"


def _changes_markdown(record_changes: list[str], *, rows: int, k: int, smallest: int) -> str:
    lines = [
        "# What the de-identification changed",
        "",
        f"Rows exported: {rows}. Smallest group on the quasi-identifiers: {smallest} "
        f"(k-anonymity requires at least {k}).",
        "",
    ]
    lines += [f"- {change}" for change in record_changes] or ["- Nothing needed changing."]
    return "\n".join(lines) + "\n"


@transaction.atomic
def deidentified_export_create(
    *,
    actor: User,
    date_from: dt.date,
    date_to: dt.date,
    program: Program | None = None,
    dates: str = "shift",
) -> ExportFile:
    """Build the de-identified zip (data, data dictionary as CSV and Markdown, the changes made)
    and record the export: a ``DeidentifiedExport`` row and its audit event, in one
    transaction. k >= 5 holds on the file's quasi-identifiers or nothing is written."""
    require(actor, caps.EXPORT_DEIDENTIFIED, program)
    if dates not in DATE_MODES:
        raise ReportError(
            "Dates are either shifted or reduced to the year.",
            code=ReportErrorCode.PERIOD_INVALID,
            fields={"dates": [f"One of: {', '.join(DATE_MODES)}."]},
        )
    source = deidentified_rows(actor=actor, date_from=date_from, date_to=date_to, program=program)
    changes = ["names, addresses, phone numbers, e-mail addresses and record ids left out"]
    changes.append(
        "dates shifted by a random offset per person"
        if dates == "shift"
        else "dates reduced to the year"
    )
    restricted = sum(1 for row in source if row["zip3"] == "000")
    if restricted:
        changes.append(f"ZIP3 set to 000 for {restricted} rows in areas of 20,000 or fewer people")
    result = deidentify.enforce_k_anonymity(source)
    changes += result.changes
    sizes = deidentify.group_sizes(result.rows)
    if sizes and min(sizes.values()) < deidentify.K_ANONYMITY:  # pragma: no cover - invariant
        raise AssertionError("k-anonymity does not hold; nothing written")
    file_rows = _file_rows(result.rows, mode=dates)
    data = io.StringIO()
    writer = csv.writer(data)
    writer.writerow([name for name, _, _ in COLUMNS])
    writer.writerows(file_rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("deidentified.csv", data.getvalue())
        archive.writestr("data_dictionary.csv", data_dictionary_csv())
        archive.writestr("data_dictionary.md", data_dictionary_markdown(mode=dates))
        archive.writestr(
            "CHANGES.md",
            _changes_markdown(
                changes,
                rows=len(file_rows),
                k=deidentify.K_ANONYMITY,
                smallest=result.smallest_group,
            ),
        )
    content = buffer.getvalue()
    record = DeidentifiedExport.objects.create(
        actor=actor,
        program=program,
        date_from=date_from,
        date_to=date_to,
        dates_mode=dates,
        row_count=len(file_rows),
        suppressed_rows=result.suppressed,
        person_ids=sorted(row["person_id"] for row in result.rows),
        changes=changes,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    audit_record(
        action=Action.DEIDENTIFIED_EXPORT,
        actor=actor,
        target=record,
        extra={
            "export": "deidentified",
            "rows": record.row_count,
            "suppressed": record.suppressed_rows,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "program": program.pk if program else None,
            "sha256": record.sha256,
        },
    )
    return ExportFile(
        record=record, content=content, filename=f"deidentified-{stamp}-{record.pk}.zip"
    )
