"""Overdose events and spike alerts for tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from deflect.people.models import Person
from deflect.surveillance.models import Method, OverdoseEvent, Source, SpikeAlert

MARLOW = (Decimal("38.887310"), Decimal("-77.094690"))


def event_for(program, **fields) -> OverdoseEvent:
    lat, lon = fields.pop("at", MARLOW)
    values = {
        "program": program,
        "source": Source.EMS,
        "occurred_at": timezone.now() - dt.timedelta(hours=3),
        "naloxone_doses": 1,
        "naloxone_response": "improved",
        "naloxone_given_by": ["ems"],
        "latitude": lat,
        "longitude": lon,
        "scene_zip": "22209",
        "h3_cell": "882aa84767fffff",
        **fields,
    }
    return OverdoseEvent.objects.create(**values)


def person_for(program, **fields) -> Person:
    return Person.objects.create(program=program, first_name="Sam", last_name="Ortiz", **fields)


def alert_for(program, **fields) -> SpikeAlert:
    today = timezone.localdate()
    now = timezone.now()
    values = {
        "program": program,
        "method": Method.THRESHOLD,
        "area_kind": "zip",
        "area": "22209",
        "first_day": today,
        "last_day": today,
        "window_start": now - dt.timedelta(hours=24),
        "window_end": now,
        "count": 4,
        "expected": 3.0,
        **fields,
    }
    return SpikeAlert.objects.create(**values)
