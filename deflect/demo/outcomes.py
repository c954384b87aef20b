"""Outside records for the demo county: jail bookings, arrests, EMS overdose runs, emergency
department visits, treatment admissions and discharges, and deaths, some about the demo
people (their names and birth dates as another system might write them, linked as the linkage
would) and some about people the program never met. Deterministic and idempotent: loaded
through the same import service as a CSV file, so a second load adds nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict

from django.db.models import Min
from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.encounters.models import Encounter
from deflect.outcomes.models import ExternalRecord
from deflect.outcomes.services import record_links_apply, records_import
from deflect.people.models import Person
from deflect.programs.models import Program

SEED = "deflect-demo-outcomes"
COLUMNS = [
    "source_record_id",
    "first_name",
    "last_name",
    "dob",
    "sex",
    "zip",
    "event_at",
    "event_type",
    "released_at",
    "charge",
    "fatal",
    "discharge_reason",
]
SOURCES = {
    "arrest": "marlow_pd_rms",
    "jail_booking": "marlow_county_jail",
    "ems_overdose": "marlow_fire_ems",
    "ed_visit": "harbor_hospital_ed",
    "treatment_admission": "state_treatment_registry",
    "treatment_discharge": "state_treatment_registry",
    "death": "state_vital_records",
}
STRANGER_NAMES = ["Avery", "Quinn", "Rowan", "Emerson", "Hayden", "Jules", "Kendall", "Marlowe"]
STRANGER_SURNAMES = ["Abbott", "Carver", "Dunn", "Ellery", "Fairbanks", "Gill", "Hale", "Ives"]


def _typo(name: str, rng: random.Random) -> str:
    """The name as another clerk might type it: sometimes a dropped or doubled letter."""
    if len(name) > 3 and rng.random() < 0.15:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]
    return name


def _events(index_at: dt.datetime, now: dt.datetime, rng: random.Random) -> list[dict]:
    """What happened to one person after their first deflection, by chance."""

    def after(low: float, high: float) -> dt.datetime | None:
        at = index_at + dt.timedelta(days=rng.uniform(low, high))
        return at if at < now - dt.timedelta(hours=1) else None

    events: list[dict] = []
    if (at := after(1, 200)) and rng.random() < 0.35:
        events.append({"kind": "ems_overdose", "event_at": at, "fatal": rng.random() < 0.06})
    if (at := after(5, 300)) and rng.random() < 0.3:
        events.append({"kind": "arrest", "event_at": at, "charge": "possession"})
        if rng.random() < 0.7:
            released = at + dt.timedelta(days=rng.uniform(0.5, 20))
            events.append(
                {
                    "kind": "jail_booking",
                    "event_at": at + dt.timedelta(hours=2),
                    "released_at": released if released < now else None,
                    "charge": "possession",
                }
            )
    if (at := after(1, 250)) and rng.random() < 0.4:
        events.append({"kind": "ed_visit", "event_at": at})
    if (at := after(0.5, 30)) and rng.random() < 0.55:
        events.append({"kind": "treatment_admission", "event_at": at})
        if (again := at + dt.timedelta(days=rng.uniform(3, 25))) < now and rng.random() < 0.6:
            events.append({"kind": "treatment_admission", "event_at": again, "event_type": "visit"})
        stay = dt.timedelta(days=rng.uniform(10, 200))
        if at + stay < now and rng.random() < 0.7:
            reason = rng.choice(["completed", "completed", "left", "transferred", "other"])
            events.append(
                {"kind": "treatment_discharge", "event_at": at + stay, "discharge_reason": reason}
            )
    return events


def _row(record_id: str, who: dict, event: dict) -> dict:
    released = event.get("released_at")
    fatal = event.get("fatal")
    return {
        "source_record_id": record_id,
        **who,
        "event_at": event["event_at"].isoformat(),
        "event_type": event.get("event_type", event["kind"].replace("_", " ")),
        "released_at": released.isoformat() if released else "",
        "charge": event.get("charge", ""),
        "fatal": "" if fatal is None else ("yes" if fatal else "no"),
        "discharge_reason": event.get("discharge_reason", ""),
    }


def outcomes_demo_load(*, program_name: str, strangers: int = 120) -> int:
    """Load the demo's outside records (once); returns how many were added."""
    program = Program.objects.filter(name=program_name).first()
    if program is None or ExternalRecord.objects.filter(program=program).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not security)
    now = timezone.now()
    firsts = (
        Encounter.objects.filter(program=program, person__isnull=False)
        .values("person_id")
        .annotate(first=Min("occurred_at"))
        .order_by("person_id")
    )
    people = Person.objects.in_bulk([row["person_id"] for row in firsts])
    rows: dict[str, list[dict]] = defaultdict(list)
    links: dict[tuple[str, str], int] = {}
    for n, row in enumerate(firsts):
        person = people[row["person_id"]]
        who = {
            "first_name": _typo(person.first_name, rng),
            "last_name": _typo(person.last_name, rng),
            "dob": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "sex": rng.choice(["M", "F", ""]),
            "zip": "",
        }
        for m, event in enumerate(_events(row["first"], now, rng)):
            record_id = f"P{n:05d}-{m}"
            rows[event["kind"]].append(_row(record_id, who, event))
            links[(SOURCES[event["kind"]], record_id)] = person.pk
    for n in range(strangers):
        who = {
            "first_name": rng.choice(STRANGER_NAMES),
            "last_name": rng.choice(STRANGER_SURNAMES),
            "dob": (dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000))).isoformat(),
            "sex": rng.choice(["M", "F"]),
            "zip": "01234",
        }
        kind = rng.choice(["arrest", "ems_overdose", "ed_visit", "treatment_admission"])
        at = now - dt.timedelta(days=rng.uniform(1, 365))
        rows[kind].append(_row(f"S{n:05d}", who, {"kind": kind, "event_at": at}))
    actor = dangerously_as_system("demo")
    added = 0
    for kind, kind_rows in sorted(rows.items()):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(kind_rows)
        batch = records_import(
            actor=actor,
            program=program,
            source=SOURCES[kind],
            kind=kind,
            content=out.getvalue().encode(),
            file_name=f"demo-{kind}.csv",
        )
        added += batch.created_count
    # Link the records about demo people, as the linkage would (high match probability).
    ids = ExternalRecord.objects.filter(program=program).values_list(
        "id", "source", "source_record_id"
    )
    record_links_apply(
        actor=actor,
        program=program,
        links={
            pk: (links[(source, rid)], round(rng.uniform(0.9, 0.999), 3))
            for pk, source, rid in ids
            if (source, rid) in links
        },
    )
    return added
