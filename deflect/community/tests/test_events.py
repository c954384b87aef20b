"""Community education events, and the naloxone they hand out."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.community.models import Event
from deflect.community.services import event_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.naloxone import selectors as naloxone
from deflect.naloxone.models import LedgerEntry
from deflect.naloxone.tests.factories import stocked


def test_a_drop_in_center_hands_out_kits_from_the_chosen_stock(world):
    central, batch = stocked(world.program, kits=30)
    event = event_record(
        actor=world.outreach,
        program=world.program,
        kind="drop_in_center",
        title="Tuesday drop-in",
        starts_at=timezone.now() - timedelta(hours=2),
        place="First Parish Hall",
        partners="Northside Recovery\nHarbor Light",
        attendance=24,
        people_trained=15,
        kits=12,
        kit_location=central,
        kit_lot=batch,
    )
    entry = LedgerEntry.objects.get(event=event)
    assert (entry.kind, entry.quantity, entry.channel) == ("distributed", -12, "drop_in")
    assert naloxone.stock_by_location(world.program)[central.pk] == 18
    assert naloxone.kits_distributed(world.program)["by_channel"] == {"drop_in": 12}
    assert event.partner_list == ["Northside Recovery", "Harbor Light"]


def test_an_event_that_would_overdraw_the_stock_is_not_recorded_at_all(world):
    central, batch = stocked(world.program, kits=5)
    with pytest.raises(Conflict) as refused:
        event_record(
            actor=world.coordinator,
            program=world.program,
            kind="school_session",
            title="High school assembly",
            starts_at=timezone.now(),
            place="Marlow High",
            attendance=300,
            people_trained=40,
            kits=10,
            kit_location=central,
            kit_lot=batch,
        )
    assert "kits" in refused.value.fields
    assert not Event.objects.exists()
    assert naloxone.stock_by_location(world.program)[central.pk] == 5


def test_an_event_is_validated(world):
    with pytest.raises(ValidationFailed) as error:
        event_record(
            actor=world.coordinator,
            program=world.program,
            kind="party",
            title="",
            starts_at=None,
            place="",
            attendance=3,
            people_trained=5,
            kits=2,
        )
    assert set(error.value.fields) == {
        "kind",
        "title",
        "starts_at",
        "place",
        "people_trained",
        "kit_location",
        "kit_lot",
    }


def test_the_events_page_records_an_event(world, client):
    central, batch = stocked(world.program, kits=10)
    client.force_login(world.coordinator)
    url = reverse("community:events", args=[world.program.pk])
    response = client.post(
        url,
        {
            "kind": "support_meeting",
            "title": "Family support night",
            "starts_at": "2026-11-20T18:00",
            "place": "Arlington Library",
            "attendance": "18",
            "people_trained": "6",
            "kits": "4",
            "kit_location": central.pk,
            "kit_lot": batch.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Family support night" in page
    assert naloxone.kits_distributed(world.program)["by_channel"] == {"community_training": 4}
