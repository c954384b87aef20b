"""The linkage's two doors into outside records: reading identifiers, writing links."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from deflect.accounts.system import dangerously_as_system
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.people.tests.factories import PersonFactory

from ..models import ExternalRecord
from ..selectors import iter_records_for_linkage, records_for_linkage
from ..services import record_links_apply
from .factories import ExternalRecordFactory

pytestmark = pytest.mark.django_db


def test_the_analyst_reads_every_record_of_the_program_decrypted_and_audited(world):
    mine = ExternalRecordFactory(
        program=world.program,
        first_name="Ana",
        last_name="Ruiz",
        dob=dt.date(1990, 5, 4),
        phone="555-0101",
        address="12 Elm St",
        zip="01234",
    )
    ExternalRecordFactory(program=world.other_program)
    rows = records_for_linkage(world.program, actor=world.analyst)
    assert rows == [
        {
            "id": mine.pk,
            "source": "county_jail",
            "source_record_id": mine.source_record_id,
            "first_name": "Ana",
            "middle_name": "",
            "last_name": "Ruiz",
            "dob": dt.date(1990, 5, 4),
            "sex": "",
            "race": "",
            "phone": "555-0101",
            "address": "12 Elm St",
            "city": "",
            "zip": "01234",
        }
    ]
    event = AuditEvent.objects.filter(action="outcomes.records_read").get()
    assert event.actor_id == world.analyst.pk
    assert event.extra["ids"] == [mine.pk]


def test_the_chunked_read_covers_every_record_once(world):
    records = ExternalRecordFactory.create_batch(5, program=world.program)
    chunks = list(iter_records_for_linkage(world.program, actor=world.coordinator, chunk_size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert [r["id"] for c in chunks for r in c] == [r.pk for r in records]


@pytest.mark.parametrize("persona", ["officer", "prosecutor", "provider", "other_coordinator"])
def test_others_cannot_read_outside_records(world, persona):
    ExternalRecordFactory(program=world.program)
    with pytest.raises(PermissionDenied):
        records_for_linkage(world.program, actor=world.users[persona])


def test_links_are_set_and_cleared_atomically_with_one_audit_row(world):
    person = PersonFactory(program=world.program)
    a, b = ExternalRecordFactory.create_batch(2, program=world.program)
    result = record_links_apply(
        actor=world.analyst,
        program=world.program,
        links={a.pk: (person.pk, 0.97), b.pk: (None, None)},
    )
    assert result == {"linked": 1, "cleared": 1}
    a.refresh_from_db()
    assert (a.person_id, a.link_probability) == (person.pk, 0.97)
    assert a.linked_at is not None
    event = AuditEvent.objects.filter(action="outcomes.link_apply").get()
    assert event.extra["linked"] == 1 and event.extra["cleared"] == 1
    assert event.extra["ids"] == sorted([a.pk, b.pk])

    record_links_apply(actor=world.analyst, program=world.program, links={a.pk: (None, None)})
    a.refresh_from_db()
    assert (a.person_id, a.link_probability, a.linked_at) == (None, None, None)


def test_a_link_to_another_programs_person_changes_nothing(world):
    mine = PersonFactory(program=world.program)
    theirs = PersonFactory(program=world.other_program)
    a, b = ExternalRecordFactory.create_batch(2, program=world.program)
    with pytest.raises(ValidationFailed) as raised:
        record_links_apply(
            actor=world.coordinator,
            program=world.program,
            links={a.pk: (mine.pk, 0.9), b.pk: (theirs.pk, 0.9)},
        )
    assert raised.value.code == "outcomes_link_invalid"
    assert "people" in raised.value.fields
    assert not ExternalRecord.objects.filter(person__isnull=False).exists()


def test_a_probability_outside_zero_to_one_is_refused(world):
    person = PersonFactory(program=world.program)
    a = ExternalRecordFactory(program=world.program)
    with pytest.raises(ValidationFailed):
        record_links_apply(
            actor=world.analyst, program=world.program, links={a.pk: (person.pk, 1.5)}
        )
    a.refresh_from_db()
    assert a.person_id is None


def test_responders_cannot_link_and_the_system_can(world):
    person = PersonFactory(program=world.program)
    a = ExternalRecordFactory(program=world.program)
    with pytest.raises(PermissionDenied):
        record_links_apply(
            actor=world.officer, program=world.program, links={a.pk: (person.pk, 0.9)}
        )
    record_links_apply(
        actor=dangerously_as_system("tests"), program=world.program, links={a.pk: (person.pk, 0.9)}
    )
    a.refresh_from_db()
    assert a.person_id == person.pk
