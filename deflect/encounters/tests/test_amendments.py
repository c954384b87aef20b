"""Correcting an encounter's person and location: audited, the original kept, only by the
recording agency, and a survivor identified later gets the follow-up then (once)."""

import pytest
from django.core.exceptions import PermissionDenied

from deflect.accounts.system import dangerously_as_system
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.encounters.amendments import encounter_amend
from deflect.encounters.models import EncounterAmendment
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.followups.models import FollowUp
from deflect.people.services import person_create

pytestmark = pytest.mark.django_db


def _unidentified_overdose(world):
    data = submission("naloxone_plus")
    data.pop("new_person")
    data["unidentified_description"] = "Man, about 30, red jacket"
    return encounter_create(actor=world.officer, data=data).encounter


def test_identifying_the_survivor_later_moves_the_follow_up_to_them(world):
    encounter = _unidentified_overdose(world)
    placeholder = encounter.person
    assert placeholder.is_unidentified and encounter.needs_post_overdose_followup
    scheduled = FollowUp.objects.filter(encounter=encounter).count()
    assert scheduled > 0
    person = person_create(
        actor=dangerously_as_system("tests"),
        program=world.program,
        first_name="Ana",
        last_name="Cruz",
    )
    amendment = encounter_amend(
        actor=world.officer, encounter=encounter, reason="Named by her sister", person=person
    )
    encounter.refresh_from_db()
    assert encounter.person == person
    assert amendment.fields == ["person"] and amendment.person_before == placeholder
    assert FollowUp.objects.filter(encounter=encounter, person=person).count() == scheduled
    assert not FollowUp.objects.filter(person=placeholder).exists()
    started = scheduled
    # A second correction (the place) starts nothing more.
    encounter_amend(
        actor=world.officer,
        encounter=encounter,
        reason="Exact spot",
        latitude="39.3",
        longitude="-76.6",
    )
    assert FollowUp.objects.filter(encounter=encounter).count() == started
    assert AuditEvent.objects.filter(action="encounter.amend").count() == 2


def test_an_encounter_without_follow_ups_starts_them_when_a_person_is_added(world):
    encounter = _unidentified_overdose(world)
    FollowUp.objects.filter(encounter=encounter).delete()  # as before follow-ups existed
    person = person_create(
        actor=dangerously_as_system("tests"), program=world.program, first_name="Bo", last_name="Li"
    )
    encounter_amend(actor=world.officer, encounter=encounter, reason="Named", person=person)
    assert FollowUp.objects.filter(encounter=encounter, person=person).count() > 0


def test_the_original_location_stays_in_the_history(world):
    encounter = encounter_create(actor=world.officer, data=submission("naloxone_plus")).encounter
    encounter_amend(
        actor=world.officer, encounter=encounter, reason="Misheard", location_text="410 Main St"
    )
    encounter.refresh_from_db()
    assert encounter.location_text == "410 Main St"
    row = EncounterAmendment.objects.get()
    assert (row.location_before, row.location_after) == ("400 block of Main St", "410 Main St")
    # Nothing changed: no row.
    assert (
        encounter_amend(
            actor=world.officer, encounter=encounter, reason="Again", location_text="410 Main St"
        )
        is None
    )
    assert EncounterAmendment.objects.count() == 1


def test_only_the_recording_agency_may_correct_and_input_is_checked(world):
    encounter = encounter_create(actor=world.officer, data=submission("naloxone_plus")).encounter
    with pytest.raises(PermissionDenied):
        encounter_amend(actor=world.outreach, encounter=encounter, reason="x", location_text="y")
    with pytest.raises(ValidationFailed) as raised:
        encounter_amend(
            actor=world.officer, encounter=encounter, reason="", latitude="95", longitude="1"
        )
    assert set(raised.value.fields) == {"reason", "latitude"}
    other = person_create(
        actor=dangerously_as_system("tests"),
        program=world.other_program,
        first_name="Al",
        last_name="Ng",
    )
    with pytest.raises((ValidationFailed, PermissionDenied)):
        encounter_amend(actor=world.officer, encounter=encounter, reason="x", person=other)
