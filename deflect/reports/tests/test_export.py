"""The de-identified export: none of the planted identifiers reach the file, k >= 5 holds,
dates keep their intervals, study ids change every time, and every export is audited."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deflect.audit.models import AuditEvent
from deflect.encounters.models import Encounter
from deflect.people.models import Person
from deflect.referrals.tests.factories import encounter_by
from deflect.reports import deidentify
from deflect.reports.models import DeidentifiedExport
from deflect.reports.services import COLUMNS, deidentified_export_create

pytestmark = pytest.mark.django_db

PLANTED = [
    # (first, last, phone, email, street, zip)
    ("Zebulon", "Quixworth", "(410) 555-0101", "zq@example.org", "17 Larkspur Court", "21201"),
    ("Philippa", "Ormsbury", "(410) 555-0102", "po@example.org", "230 Wexley Road", "21201"),
    ("Cordelia", "Vantassel", "(410) 555-0103", "cv@example.org", "9 Pimlico Terrace", "21202"),
    ("Eudora", "Blanchflower", "(410) 555-0104", "eb@example.org", "441 Tansy Lane", "21203"),
    ("Marisol", "Featherstone", "(410) 555-0105", "mf@example.org", "88 Quarry Hill", "21204"),
    ("Wilhelmina", "Drummond", "(410) 555-0106", "wd@example.org", "5 Osprey Way", "21205"),
    # Someone like no one else: a man of 95 in a restricted ZIP3 area.
    ("Thaddeus", "Pennyworth", "(603) 555-0107", "tp@example.org", "1 Gilsum Road", "03601"),
]


def _plant(world):
    """Seven people met by the officer, each with a name, phone, e-mail, street address and
    ZIP code that must never reach the export; the first has a second encounter 10 days later."""
    people = []
    for i, (first, last, phone, email, street, zip_code) in enumerate(PLANTED):
        man = i == len(PLANTED) - 1
        encounter = encounter_by(
            world.officer,
            "self_referral",
            location_text=street,
            new_person={
                "first_name": first,
                "last_name": last,
                "date_of_birth": "1930-02-01" if man else "1990-04-12",
                "race": "asian" if man else "white",
                "ethnicity": "not_hispanic_latino",
                "gender": "man" if man else "woman",
                "phone": phone,
                "may_text": True,
            },
        )
        Person.objects.filter(pk=encounter.person_id).update(email=email, residence_zip=zip_code)
        people.append(encounter.person)
    first_contact = Encounter.objects.get(person=people[0])
    later = encounter_by(world.officer, "self_referral", person_id=people[0].pk, new_person=None)
    Encounter.objects.filter(pk=later.pk).update(
        occurred_at=first_contact.occurred_at + dt.timedelta(days=10)
    )
    return people


def _period():
    today = timezone.localdate()
    return today - dt.timedelta(days=2), today + dt.timedelta(days=12)


def _files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _rows(files) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files["deidentified.csv"])))


def test_the_file_holds_none_of_the_planted_identifiers(world):
    people = _plant(world)
    date_from, date_to = _period()
    export = deidentified_export_create(actor=world.analyst, date_from=date_from, date_to=date_to)
    files = _files(export.content)
    assert set(files) == {
        "deidentified.csv",
        "data_dictionary.csv",
        "data_dictionary.md",
        "CHANGES.md",
    }
    # The random study ids are hex: take them out so a chance run of digits cannot match.
    everything = re.sub(r"S[0-9A-F]{10}", "", "\n".join(files.values())).lower()
    for first, last, phone, email, street, zip_code in PLANTED:
        digits = re.sub(r"\D", "", phone)
        for planted in (first, last, email, street, zip_code, phone, digits, digits[-7:]):
            assert planted.lower() not in everything, planted
        assert "555-01" not in everything
    data = files["deidentified.csv"]
    for person in people:
        for encounter in Encounter.objects.filter(person=person):
            assert str(encounter.client_uuid) not in data
    rows = _rows(files)
    assert [name for name, _, _ in COLUMNS] == list(rows[0].keys())
    pks = {str(person.pk) for person in people}
    assert not {row["study_id"] for row in rows} & pks
    # Nothing in the data is a record id: every value is a known code, a date or a count.
    assert all(re.fullmatch(r"S[0-9A-F]{10}", row["study_id"]) for row in rows)


def test_k_anonymity_holds_and_the_export_says_what_it_changed(world):
    _plant(world)
    date_from, date_to = _period()
    export = deidentified_export_create(actor=world.analyst, date_from=date_from, date_to=date_to)
    files = _files(export.content)
    rows = _rows(files)
    sizes = deidentify.group_sizes(rows)
    assert min(sizes.values()) >= deidentify.K_ANONYMITY
    # The six women of the same age band, race and ZIP3 (212) form one group; the man of 95
    # from a restricted area (ZIP3 000) fits no group even coarsened, and is left out.
    assert len(rows) == 6
    assert {row["age_band"] for row in rows} == {"35-44"}
    assert {row["zip3"] for row in rows} == {"212"}
    changes = files["CHANGES.md"]
    assert "ZIP3 set to 000 for 1 rows" in changes
    assert "ZIP3 withheld for 1 rows" in changes
    assert "1 rows left out" in changes
    assert export.record.suppressed_rows == 1
    assert "k-anonymity" in files["data_dictionary.md"]
    assert files["data_dictionary.csv"].splitlines()[0] == "column,type,description"


def test_dates_keep_their_intervals_and_study_ids_change_between_exports(world):
    people = _plant(world)
    date_from, date_to = _period()
    first = _rows(
        _files(
            deidentified_export_create(
                actor=world.analyst, date_from=date_from, date_to=date_to
            ).content
        )
    )
    second = _rows(
        _files(
            deidentified_export_create(
                actor=world.analyst, date_from=date_from, date_to=date_to
            ).content
        )
    )
    assert not {r["study_id"] for r in first} & {r["study_id"] for r in second}
    twice = [r for r in first if r["encounters"] == "2"]
    assert len(twice) == 1
    span = dt.date.fromisoformat(twice[0]["last_contact_date"]) - dt.date.fromisoformat(
        twice[0]["first_contact_date"]
    )
    assert span == dt.timedelta(days=10)
    real = timezone.localtime(
        Encounter.objects.filter(person=people[0]).earliest("occurred_at").occurred_at
    ).date()
    assert twice[0]["first_contact_date"] != real.isoformat()
    years = _rows(
        _files(
            deidentified_export_create(
                actor=world.analyst, date_from=date_from, date_to=date_to, dates="year"
            ).content
        )
    )
    assert {r["first_contact_date"] for r in years} <= {
        str(date_from.year),
        str(date_to.year),
    }


def test_every_export_is_audited_with_who_when_and_which_rows(world):
    people = _plant(world)
    encounter_by(world.other_officer, "self_referral")  # another county's person: not exported
    date_from, date_to = _period()
    export = deidentified_export_create(actor=world.analyst, date_from=date_from, date_to=date_to)
    record = DeidentifiedExport.objects.get()
    assert record.actor == world.analyst
    assert record.person_ids == sorted(p.pk for p in people[:-1])
    event = AuditEvent.objects.get(action="data.export_deidentified")
    assert event.actor_id == world.analyst.pk
    assert event.extra["rows"] == 6 and event.extra["sha256"] == record.sha256
    assert export.record == record


def test_the_analyst_downloads_the_zip_and_a_responder_is_refused(world, client):
    _plant(world)
    date_from, date_to = _period()
    body = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "dates": "shift"}
    client.force_login(world.analyst)
    response = client.post(reverse("reports:export"), body)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert len(_rows(_files(response.content))) == 6
    bad = client.post(reverse("reports:export"), {**body, "date_to": "2000-01-01"})
    assert bad.status_code == 422
    assert "before the start date" in bad.content.decode()
    client.force_login(world.officer)
    assert client.post(reverse("reports:export"), body).status_code == 403
    assert DeidentifiedExport.objects.count() == 1


def test_the_command_writes_the_zip_as_the_named_user(world, tmp_path):
    _plant(world)
    date_from, date_to = _period()
    out = tmp_path / "export.zip"
    stdout = io.StringIO()
    call_command(
        "export_deidentified",
        "--from",
        date_from.isoformat(),
        "--to",
        date_to.isoformat(),
        "--user",
        world.analyst.username,
        "--output",
        str(out),
        stdout=stdout,
    )
    assert "6 rows, 1 left out" in stdout.getvalue()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert len(_rows(_files(out.read_bytes()))) == 6
    assert DeidentifiedExport.objects.get().actor == world.analyst
