"""From an alert or an area on the map: outreach tasks for the people with recent overdoses
there, on the active-outreach pathway, once per person with nothing open."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deflect.audit.models import AuditEvent
from deflect.followups.models import FollowUp
from deflect.people.models import Person
from deflect.surveillance.models import ResponseItem
from deflect.surveillance.services import outreach_sweep_create

from .factories import alert_for, event_for

pytestmark = pytest.mark.django_db


def test_a_sweep_queues_the_people_of_the_area(world):
    ana = Person.objects.create(program=world.program, first_name="Ana", last_name="Cruz")
    bo = Person.objects.create(program=world.program, first_name="Bo", last_name="Li")
    far = Person.objects.create(program=world.program, first_name="Cy", last_name="Ma")
    old = Person.objects.create(program=world.program, first_name="Di", last_name="Ro")
    now = timezone.now()
    event_for(world.program, person=ana, scene_zip="22209")
    event_for(world.program, person=ana, scene_zip="22209")
    event_for(world.program, person=bo, scene_zip="22209")
    event_for(world.program, scene_zip="22209")  # unidentified: nobody to visit
    event_for(world.program, person=far, scene_zip="22201")
    event_for(world.program, person=old, scene_zip="22209", occurred_at=now - dt.timedelta(days=40))
    FollowUp.objects.create(
        program=world.program,
        person=bo,
        trigger="nonfatal_overdose",
        step=1,
        label="Visit",
        anchor_at=now,
        opens_at=now,
        due_at=now + dt.timedelta(days=1),
    )
    alert = alert_for(world.program, area="22209")
    result = outreach_sweep_create(
        actor=world.coordinator, program=world.program, area_kind="zip", area="22209", alert=alert
    )
    assert (result.people, result.scheduled, result.already_open) == (2, 1, 1)
    assert set(
        FollowUp.objects.filter(pk__in=result.followup_ids).values_list("person", flat=True)
    ) == {ana.pk}
    assert ResponseItem.objects.get(alert=alert).step == "outreach_sweep"
    assert AuditEvent.objects.filter(action="surveillance.outreach_sweep").count() == 1
    again = outreach_sweep_create(
        actor=world.coordinator, program=world.program, area_kind="zip", area="22209"
    )
    assert again.scheduled == 0  # everyone now has an open follow-up


def test_only_coordinators_sweep(world):
    with pytest.raises(PermissionDenied):
        outreach_sweep_create(
            actor=world.outreach, program=world.program, area_kind="zip", area="22209"
        )
