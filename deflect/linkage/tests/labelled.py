"""A deterministic labelled population for the linkage: deflect's people and outside records of
the same synthetic people, with the truth (which records are one person).

The hard cases are generated on purpose: nicknames, birth dates with day and month transposed or
one digit mistyped, hyphenated and double surnames written in part, first and last names
swapped, missing values, twins (one surname, birth date, address and phone) and a father and son
with one name at one address (the son a Jr). The same seed always gives the same data; the
linkage tests and the linkage benchmark both build on it.

``python -m deflect.linkage.tests.labelled --people N --records M DIR`` writes people.csv,
records.csv and truth.csv (columns source, source_record_id, entity_id).
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deflect.people.tests.population import FEMALE_FIRST, LAST, MALE_FIRST, NICKNAMES

SEED = 13
SOURCES = ("county_jail", "ems", "hospital_ed", "treatment")
STREETS = [
    "Main St", "Oak Avenue", "High Street", "Broad St", "Elm Rd", "Maple Ave", "Cedar Lane",
    "Park Drive", "Washington Blvd", "Lincoln Ave", "Walnut St", "Sycamore Ct", "Hill Road",
]  # fmt: skip
CITIES = [("Marlow", "43001"), ("Fairview", "43002"), ("Ashby", "43003"), ("Linden", "43004")]
FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2006, 12, 31)


@dataclass
class Entity:
    id: int
    first_name: str
    middle_name: str
    last_name: str
    dob: date
    sex: str
    phone: str
    address: str
    city: str
    zip: str
    suffix: str = ""
    kind: str = "single"  # single, twin, father, son
    rows: list[tuple[str, str]] = field(default_factory=list)  # (source, source_record_id)


@dataclass
class LabelledSet:
    people: list[dict[str, Any]]  # deflect's people: ``id`` is the source_record_id
    records: list[dict[str, Any]]  # outside records: ``id`` unique, ``source``, ...
    truth: list[tuple[str, str, int]]  # (source, source_record_id, entity id)
    entities: list[Entity]

    def entity_of(self) -> dict[tuple[str, str], int]:
        return {(s, r): e for s, r, e in self.truth}


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights=weights)[0]


def _dob(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))


def _household(rng: random.Random) -> tuple[str, str, str, str]:
    city, zip_code = rng.choice(CITIES)
    address = f"{rng.randrange(1, 9999)} {rng.choice(STREETS)}"
    phone = f"614{rng.randrange(2000000, 9999999)}"
    return address, city, zip_code, phone


def _entity(rng: random.Random, eid: int, **fixed: Any) -> Entity:
    sex = fixed.pop("sex", rng.choice("MF"))
    first_table = MALE_FIRST if sex == "M" else FEMALE_FIRST
    address, city, zip_code, phone = _household(rng)
    values: dict[str, Any] = {
        "first_name": _weighted(rng, first_table),
        "middle_name": _weighted(rng, first_table) if rng.random() < 0.7 else "",
        "last_name": _weighted(rng, LAST),
        "dob": _dob(rng),
        "sex": sex,
        "phone": phone,
        "address": address,
        "city": city,
        "zip": zip_code,
    }
    values.update(fixed)
    return Entity(id=eid, **values)


def _entities(rng: random.Random, count: int) -> list[Entity]:
    entities: list[Entity] = []
    while len(entities) < count:
        roll = rng.random()
        eid = len(entities)
        if roll < 0.03:  # twins: one surname, birth date, household; other first names
            a = _entity(rng, eid, kind="twin")
            b = _entity(rng, eid + 1, kind="twin", last_name=a.last_name, dob=a.dob)
            while b.first_name == a.first_name:
                b.first_name = _weighted(rng, MALE_FIRST if b.sex == "M" else FEMALE_FIRST)
            b.address, b.city, b.zip, b.phone = a.address, a.city, a.zip, a.phone
            entities += [a, b]
        elif roll < 0.06:  # a father and his son: one name, one address
            father = _entity(rng, eid, kind="father", sex="M", suffix="Sr")
            son_dob = father.dob + timedelta(days=rng.randrange(20 * 365, 35 * 365))
            son = _entity(
                rng,
                eid + 1,
                kind="son",
                sex="M",
                suffix="Jr",
                first_name=father.first_name,
                last_name=father.last_name,
                dob=min(son_dob, LAST_DAY),
            )
            son.address, son.city, son.zip, son.phone = (
                father.address,
                father.city,
                father.zip,
                father.phone,
            )
            entities += [father, son]
        else:
            entities.append(_entity(rng, eid))
    return entities[:count]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1 :]
    if op < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeiourstnl") + text[i + 1 :]


def _dob_variant(rng: random.Random, dob: date) -> str:
    roll = rng.random()
    text = dob.isoformat()
    if roll < 0.05 and dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month).isoformat()
    if roll < 0.10:
        i = rng.choice([2, 3, 5, 6, 8, 9])
        candidate = text[:i] + str((int(text[i]) + rng.randrange(1, 9)) % 10) + text[i + 1 :]
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            return text
    return text


def _surname_variant(rng: random.Random, last: str) -> str:
    parts = last.replace("-", " ").split()
    if len(parts) > 1 and rng.random() < 0.5:
        return rng.choice(parts)
    if rng.random() < 0.05:
        return _typo(rng, last)
    return last


def _first_variant(rng: random.Random, first: str) -> str:
    nicks = NICKNAMES.get(first)
    if nicks and rng.random() < 0.3:
        return rng.choice(nicks)
    if rng.random() < 0.04:
        return _typo(rng, first)
    return first


def _write(rng: random.Random, entity: Entity, *, deflect: bool) -> dict[str, Any]:
    """One record of ``entity`` as a system wrote it (with that system's slips)."""
    last = entity.last_name
    if entity.sex == "F" and rng.random() < 0.04 and " " not in last and "-" not in last:
        # a married name, hyphenated with the maiden name
        entity.last_name = last = f"{last}-{_weighted(rng, LAST)}"
    first = _first_variant(rng, entity.first_name)
    surname = _surname_variant(rng, last)
    if entity.suffix and (entity.kind == "son" or rng.random() < 0.5) and rng.random() < 0.7:
        surname = f"{surname} {entity.suffix}"
    if rng.random() < 0.03:
        first, surname = surname, first
    missing = 0.02 if deflect else 0.08
    return {
        "first_name": first,
        "middle_name": entity.middle_name if rng.random() < 0.6 else "",
        "last_name": surname,
        "dob": "" if rng.random() < missing else _dob_variant(rng, entity.dob),
        "sex": "" if rng.random() < missing else entity.sex,
        "race": "",
        "phone": entity.phone if rng.random() < (0.6 if deflect else 0.4) else "",
        "address": entity.address if rng.random() < 0.7 else "",
        "city": entity.city,
        "zip": entity.zip if rng.random() < 0.8 else "",
    }


def generate(*, people: int = 400, records: int = 800, seed: int = SEED) -> LabelledSet:
    """About ``people`` deflect people (a few entered twice) and ``records`` outside records.
    Two thirds of the outside records belong to someone deflect met."""
    rng = random.Random(seed)
    in_deflect = int(people / 1.05)
    outside_only = max(1, records // 6)
    entities = _entities(rng, in_deflect + outside_only)
    person_rows: list[dict[str, Any]] = []
    record_rows: list[dict[str, Any]] = []
    truth: list[tuple[str, str, int]] = []
    for entity in entities[:in_deflect]:
        copies = 2 if rng.random() < 0.05 else 1
        for _ in range(copies):
            row = _write(rng, entity, deflect=True)
            row["id"] = len(person_rows) + 1
            row["source"] = "deflect"
            row["source_record_id"] = str(row["id"])
            person_rows.append(row)
            truth.append(("deflect", row["source_record_id"], entity.id))
    weights = [1.0 if e.id < in_deflect else 0.5 for e in entities]
    for rid in range(1, records + 1):
        entity = rng.choices(entities, weights=weights)[0]
        row = _write(rng, entity, deflect=False)
        row["id"] = rid
        row["source"] = rng.choice(SOURCES)
        row["source_record_id"] = f"{row['source'][:3].upper()}{rid:07d}"
        record_rows.append(row)
        truth.append((row["source"], row["source_record_id"], entity.id))
    return LabelledSet(people=person_rows, records=record_rows, truth=truth, entities=entities)


def write_csv(data: LabelledSet, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["id", "source", "source_record_id", "first_name", "middle_name", "last_name"]
    columns += ["dob", "sex", "race", "phone", "address", "city", "zip"]
    for name, rows in (("people", data.people), ("records", data.records)):
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    with (folder / "truth.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_record_id", "entity_id"])
        writer.writerows(data.truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--records", type=int, default=800)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("folder", type=Path)
    options = parser.parse_args()
    write_csv(
        generate(people=options.people, records=options.records, seed=options.seed), options.folder
    )


if __name__ == "__main__":
    main()
