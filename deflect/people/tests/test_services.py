"""Recording people: the officer records who they met; the services validate and audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict, ValidationFailed
from deflect.people import matching
from deflect.people.digests import phone_digest_columns
from deflect.people.models import Person
from deflect.people.services import person_alias_add, person_create, person_update

pytestmark = pytest.mark.django_db


def create(world, **fields):
    return person_create(
        actor=world.officer, program=world.program, agency=world.agencies["police"], **fields
    )


def test_the_officer_records_a_person_with_search_keys_and_an_audit_row(world):
    person = create(
        world,
        first_name=" Bill ",
        last_name="Jonson",
        date_of_birth=dt.date(1980, 3, 4),
        phone="+1 (614) 555-0199",
    )
    assert (person.first_name, person.last_name) == ("Bill", "Jonson")
    assert (person.first_key, person.last_key) == matching.person_search_keys("Bill", "Jonson")
    assert person.phone_digest == phone_digest_columns("6145550199")["phone_digest"]
    assert (
        person.phone_tail_digest
        == phone_digest_columns("5550199")["phone_tail_digest"]
        == (phone_digest_columns("614-555-0199")["phone_tail_digest"])
    )
    assert person.created_by == world.officer
    event = AuditEvent.objects.get(action=Action.PERSON_CREATE)
    assert event.actor == world.officer and event.target_id == str(person.pk)
    assert "Bill" not in str(event.extra) and "Jonson" not in str(event.extra)


def test_a_named_person_needs_a_first_or_last_name(world):
    with pytest.raises(ValidationFailed) as error:
        create(world, date_of_birth=dt.date(1980, 3, 4))
    assert set(error.value.fields) == {"first_name", "last_name"}
    assert not Person.objects.exists()


def test_an_unidentified_person_needs_a_description(world):
    with pytest.raises(ValidationFailed) as error:
        create(world, is_unidentified=True)
    assert "description" in error.value.fields
    person = create(world, is_unidentified=True, description="Man, about 40, red jacket")
    assert str(person) == f"Unidentified person #{person.pk}"


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (timezone.localdate() + dt.timedelta(days=2), "Cannot be in the future."),
        (dt.date(1899, 12, 31), "Cannot be before 1900."),
        ("03/04/1980", "Use the form YYYY-MM-DD."),
    ],
)
def test_a_date_of_birth_must_be_plausible(world, born, message):
    with pytest.raises(ValidationFailed) as error:
        create(world, first_name="Ann", date_of_birth=born)
    assert error.value.fields == {"date_of_birth": [message]}


def test_every_bad_field_is_named_at_once(world):
    with pytest.raises(ValidationFailed) as error:
        create(
            world,
            first_name="A" * 101,
            race="martian",
            preferred_contact="pigeon",
            phone="call me maybe",
            email="not-an-email",
            age_estimate=300,
        )
    assert set(error.value.fields) == {
        "first_name",
        "race",
        "preferred_contact",
        "phone",
        "email",
        "age_estimate",
    }
    assert error.value.fields["first_name"] == ["At most 100 characters."]


def test_texting_needs_a_phone(world):
    with pytest.raises(ValidationFailed) as error:
        create(world, first_name="Ann", may_text=True)
    assert "phone" in error.value.fields


def test_an_unknown_field_is_a_programming_error(world):
    with pytest.raises(TypeError):
        create(world, first_name="Ann", program_id=world.other_program.pk)


def test_the_agency_must_belong_to_the_program(world):
    with pytest.raises(ValidationFailed):
        person_create(
            actor=world.officer,
            program=world.program,
            agency=world.agencies["other_police"],
            first_name="Ann",
        )


def test_people_are_recorded_only_by_field_staff_of_the_program(world):
    for actor in (world.coordinator, world.prosecutor, world.other_coordinator, world.admin):
        with pytest.raises(PermissionDenied):
            person_create(actor=actor, program=world.program, first_name="Ann")
    assert not Person.objects.exists()
    denials = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    assert denials == 4


def test_an_update_keeps_the_search_keys_in_step(world, bobby):
    person_update(actor=world.case_manager, person=bobby, first_name="Bob", phone="740 555 0100")
    bobby.refresh_from_db()
    assert bobby.first_key == matching.person_search_keys("Bob", "")[0]
    assert bobby.phone == "740 555 0100"
    assert bobby.phone_digest == phone_digest_columns("7405550100")["phone_digest"]
    event = AuditEvent.objects.get(action=Action.PERSON_UPDATE)
    assert event.extra == {"fields": ["first_name", "phone"]}


def test_an_update_that_changes_nothing_writes_nothing(world, bobby):
    person_update(actor=world.officer, person=bobby, first_name="Robert")
    assert not AuditEvent.objects.filter(action=Action.PERSON_UPDATE).exists()


def test_an_update_cannot_remove_the_last_name_left(world, bobby):
    with pytest.raises(ValidationFailed):
        person_update(actor=world.officer, person=bobby, first_name="", last_name="")
    bobby.refresh_from_db()
    assert bobby.last_name == "Quinlan"


def test_the_coordinator_of_the_next_county_cannot_change_our_people(world, bobby):
    with pytest.raises(PermissionDenied):
        person_update(actor=world.other_coordinator, person=bobby, first_name="X")


def test_an_alias_gets_its_own_keys_and_duplicates_are_refused(world, bobby):
    alias = person_alias_add(actor=world.outreach, person=bobby, first_name="Red", last_name="")
    assert alias.first_key == matching.person_search_keys("Red", "")[0]
    assert AuditEvent.objects.filter(action=Action.PERSON_ALIAS_ADD).count() == 1
    with pytest.raises(Conflict):
        person_alias_add(actor=world.outreach, person=bobby, first_name="red", last_name="")
    with pytest.raises(ValidationFailed):
        person_alias_add(actor=world.outreach, person=bobby, first_name=" ", last_name="")
