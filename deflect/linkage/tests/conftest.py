import pytest

from deflect.outcomes.models import ExternalRecord, RecordKind
from deflect.people.models import Person

from .labelled import generate


def load_labelled(program, *, people: int, records: int):
    """The labelled set in the database: people in ``program`` and its outside records.
    Returns the set and node key -> entity id (``p<person pk>``, ``r<record pk>``)."""
    data = generate(people=people, records=records)
    entity = data.entity_of()
    truth = {}
    for row in data.people:
        person = Person.objects.create(
            program=program,
            first_name=row["first_name"],
            middle_name=row["middle_name"],
            last_name=row["last_name"],
            date_of_birth=row["dob"] or None,
            gender={"M": "man", "F": "woman"}.get(row["sex"], "unknown"),
            phone=row["phone"],
        )
        truth[f"p{person.pk}"] = entity[("deflect", row["source_record_id"])]
    for row in data.records:
        record = ExternalRecord.objects.create(
            program=program,
            source=row["source"],
            source_record_id=row["source_record_id"],
            kind=RecordKind.EMS_OVERDOSE if row["source"] == "ems" else RecordKind.JAIL_BOOKING,
            first_name=row["first_name"],
            middle_name=row["middle_name"],
            last_name=row["last_name"],
            dob=row["dob"] or None,
            sex=row["sex"],
            phone=row["phone"],
            address=row["address"],
            city=row["city"],
            zip=row["zip"],
            event_at="2026-03-01T12:00:00Z",
        )
        truth[f"r{record.pk}"] = entity[(row["source"], row["source_record_id"])]
    return data, truth


@pytest.fixture
def labelled_program(world):
    return load_labelled(world.program, people=120, records=240)
