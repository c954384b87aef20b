"""Contacts in bulk for the equity tests: people with recorded demographics, encounters with an
outcome, and (optionally) an eligibility decision, an officer's decision and a referral that got
to a given stage (1 sent, 2 intake, 3 completed)."""

import datetime as dt
import uuid

from django.utils import timezone

from deflect.encounters.models import Encounter, OfficerInterventionDetail
from deflect.people.models import Person
from deflect.referrals.models import Referral
from deflect.referrals.tests.factories import service_for
from deflect.screening.models import EligibilityScreening

STATUS_AT_STAGE = {1: "requested", 2: "in-progress", 3: "completed"}


def contacts(
    world,
    n: int,
    *,
    race: str | None = "white",
    outcome: str = "harm_reduction_only",
    stage: int = 0,
    pathway: str = "first_responder_referral",
    agency=None,
    when: dt.datetime | None = None,
    eligible: bool | None = None,
    decision: str = "",
    abeyance: bool = False,
    date_of_birth: dt.date | None = None,
    gender: str = "unknown",
) -> list[Encounter]:
    """``n`` contacts alike; ``race=None``: no person recorded (an unknown person)."""
    when = when or timezone.now() - dt.timedelta(days=2)
    agency = agency or world.agencies["police"]
    people: list[Person | None] = [None] * n
    if race is not None:
        people = Person.objects.bulk_create(
            Person(
                program=world.program,
                first_name="Test",
                last_name=f"Person{i}",
                race=race,
                gender=gender,
                date_of_birth=date_of_birth,
            )
            for i in range(n)
        )
    encounters = Encounter.objects.bulk_create(
        Encounter(
            client_uuid=uuid.uuid4(),
            fingerprint="t",
            program=world.program,
            agency=agency,
            pathway=pathway,
            occurred_at=when,
            person=person,
            outcome=outcome,
            recorded_by=world.officer,
        )
        for person in people
    )
    if eligible is not None:
        EligibilityScreening.objects.bulk_create(
            EligibilityScreening(encounter=e, rule_eligible=eligible, eligible=eligible)
            for e in encounters
        )
    if decision or abeyance:
        OfficerInterventionDetail.objects.bulk_create(
            OfficerInterventionDetail(
                encounter=e, decision=decision, charges_held_in_abeyance=abeyance
            )
            for e in encounters
        )
    if stage:
        service = service_for(world.agencies["treatment"])
        Referral.objects.bulk_create(
            Referral(
                client_uuid=uuid.uuid4(),
                program=world.program,
                person=e.person,
                encounter=e,
                service=service,
                recipient_agency=world.agencies["treatment"],
                requesting_agency=agency,
                requested_by=world.officer,
                status=STATUS_AT_STAGE[stage],
                status_changed_at=when,
                need="Treatment",
                sent_at=when,
                intake_at=when + dt.timedelta(hours=4) if stage >= 2 else None,
            )
            for e in encounters
        )
    return encounters
