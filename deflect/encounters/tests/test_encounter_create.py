"""An officer records encounters on every pathway: validated at the boundary, saved whole,
and never duplicated however often the phone retries."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict, ValidationFailed
from deflect.core.models import Pathway
from deflect.encounters.models import Encounter, OverdoseDetail
from deflect.encounters.services import encounter_create
from deflect.people.models import Person
from deflect.people.models import Person as P

from .factories import submission

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pathway", [p for p in Pathway.values])
def test_each_pathway_is_recorded_with_its_details(world, pathway):
    actor = world.officer
    result = encounter_create(actor=actor, data=submission(pathway))
    encounter = result.encounter
    assert result.created and encounter.pathway == pathway
    assert encounter.agency == world.agencies["police"] and encounter.program == world.program
    detail_name = {
        "naloxone_plus": "overdose",
        "self_referral": "self_referral",
        "officer_intervention": "officer_intervention",
        "first_responder_referral": "first_responder_referral",
        "active_outreach": "active_outreach",
        "community_response": "community_response",
    }[pathway]
    assert getattr(encounter, detail_name).pk
    assert encounter.person.first_name == "Jamie" and encounter.person.race == "declined"
    assert (
        AuditEvent.objects.filter(
            action=Action.ENCOUNTER_CREATE, target_id=str(encounter.pk)
        ).count()
        == 1
    )


def test_a_non_fatal_overdose_needs_post_overdose_followup(world):
    saved = encounter_create(actor=world.officer, data=submission("naloxone_plus")).encounter
    assert saved.needs_post_overdose_followup is True
    fatal = submission("naloxone_plus")
    fatal["overdose"]["fatal"] = True
    assert (
        encounter_create(actor=world.officer, data=fatal).encounter.needs_post_overdose_followup
        is False
    )


def test_officer_intervention_records_offenses_abeyance_and_eligibility(world):
    encounter = encounter_create(
        actor=world.officer, data=submission("officer_intervention")
    ).encounter
    detail = encounter.officer_intervention
    assert detail.charges_held_in_abeyance and detail.abeyance_deadline
    assert detail.offenses.get().category == "drug_possession"
    assert encounter.eligibility.eligible is True


def test_the_same_submission_twice_makes_one_encounter(world):
    data = submission("self_referral")
    first = encounter_create(actor=world.officer, data=data)
    again = encounter_create(actor=world.officer, data=dict(data))
    assert first.created and not again.created
    assert again.encounter.pk == first.encounter.pk
    assert Encounter.objects.count() == 1 and Person.objects.count() == 1


def test_the_same_uuid_with_different_content_is_a_conflict(world):
    data = submission("self_referral")
    encounter_create(actor=world.officer, data=data)
    changed = dict(data, outcome="declined")
    with pytest.raises(Conflict):
        encounter_create(actor=world.officer, data=changed)
    with pytest.raises(Conflict):
        encounter_create(actor=world.outreach, data=dict(data))  # someone else's id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d.update(occurred_at=(timezone.now() + timedelta(hours=2)).isoformat()),
            "occurred_at",
        ),
        (
            lambda d: d["overdose"].update(
                overdose_at=(timezone.now() + timedelta(minutes=1)).isoformat()
            ),
            "overdose.overdose_at",
        ),
        (lambda d: d.update(latitude="123.0"), "latitude"),
        (lambda d: d.update(longitude=None), "longitude"),
        (lambda d: d.update(outcome="vanished"), "outcome"),
        (lambda d: d.update(pathway="teleportation"), "pathway"),
        (lambda d: d.pop("overdose"), "overdose"),
        (lambda d: d.update(circumstance="x" * 4001), "circumstance"),
        (lambda d: d["overdose"].update(naloxone_doses_responder=0), "overdose"),
        (lambda d: d["new_person"].update(date_of_birth="2999-01-01"), "new_person.date_of_birth"),
        (lambda d: d.update(unidentified_description="tall, red jacket"), "person"),
        (
            lambda d: d.update(self_referral={"station": "x", "arrival_mode": "walk_in"}),
            "self_referral",
        ),
    ],
)
def test_bad_input_is_named_by_field_and_nothing_is_saved(world, change, field):
    data = submission("naloxone_plus")
    change(data)
    with pytest.raises(ValidationFailed) as caught:
        encounter_create(actor=world.officer, data=data)
    assert any(key == field or key.startswith(field) for key in caught.value.fields), (
        caught.value.fields
    )
    assert not Encounter.objects.exists() and not Person.objects.exists()


def test_a_failure_midway_leaves_nothing_half_saved(world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(OverdoseDetail.objects, "create", explode)
    with pytest.raises(RuntimeError):
        encounter_create(actor=world.officer, data=submission("naloxone_plus"))
    assert not Encounter.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.ENCOUNTER_CREATE).exists()


def test_officer_intervention_is_for_law_enforcement_only(world):
    with pytest.raises(ValidationFailed) as caught:
        encounter_create(actor=world.outreach, data=submission("officer_intervention"))
    assert "pathway" in caught.value.fields


def test_a_pathway_the_program_does_not_run_is_refused(world):
    world.program.pathways.filter(pathway="community_response").delete()
    with pytest.raises(ValidationFailed) as caught:
        encounter_create(actor=world.officer, data=submission("community_response"))
    assert "pathway" in caught.value.fields


def test_only_field_roles_record_encounters(world):
    for persona in ("prosecutor", "provider", "analyst", "coordinator", "nobody"):
        with pytest.raises(PermissionDenied):
            encounter_create(actor=world.users[persona], data=submission("self_referral"))
    assert not Encounter.objects.exists()


def test_an_existing_person_from_another_county_cannot_be_linked(world):
    stranger = P.objects.create(program=world.other_program, first_name="Sam", last_name="Lee")
    data = submission("self_referral")
    data.pop("new_person")
    data["person_id"] = stranger.pk

    with pytest.raises(Http404):
        encounter_create(actor=world.officer, data=data)


def test_an_unidentified_person_is_recorded_with_a_description(world):
    data = submission("naloxone_plus")
    data.pop("new_person")
    data["unidentified_description"] = "Man, about 40, green coat"
    encounter = encounter_create(actor=world.officer, data=data).encounter
    assert encounter.person.is_unidentified
    assert encounter.person.description == "Man, about 40, green coat"


@pytest.mark.django_db(transaction=True)
def test_the_same_uuid_sent_from_many_threads_makes_one_row(world):
    data = submission("self_referral", client_uuid=str(uuid.uuid4()))
    results, errors = [], []
    barrier = threading.Barrier(6)

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(encounter_create(actor=world.officer, data=dict(data)))
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Encounter.objects.filter(client_uuid=data["client_uuid"]).count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.encounter.pk for r in results}) == 1
