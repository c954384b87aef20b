"""The ODMAP export: date, time, approximate location, fatal, naloxone and doses; no person."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest

from deflect.audit.models import AuditEvent

from .factories import event_for, person_for

pytestmark = pytest.mark.django_db


def test_the_coordinator_exports_the_program_s_events(world, client, settings):
    settings.TIME_ZONE = "America/New_York"
    at = dt.datetime.now(zoneinfo.ZoneInfo("America/New_York")).replace(
        hour=1, minute=12, second=0, microsecond=0
    ) - dt.timedelta(days=1)
    event_for(
        world.program,
        occurred_at=at,
        at=(Decimal("38.887310"), Decimal("-77.094690")),
        person=person_for(world.program),
        naloxone_doses=2,
    )
    event_for(world.program, occurred_at=at, fatal=True, naloxone_doses=0)
    event_for(world.other_program, occurred_at=at)
    client.force_login(world.coordinator)
    response = client.get(f"/surveillance/{world.program.pk}/odmap.csv?days=7")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == [
        "incident_date",
        "incident_time",
        "latitude",
        "longitude",
        "fatal",
        "naloxone_administered",
        "naloxone_doses",
    ]
    assert len(rows) == 3
    assert rows[1][:7] == [f"{at:%m/%d/%Y}", "01:12", "38.887", "-77.095", "Non-Fatal", "Yes", "2"]
    assert rows[2][4:7] == ["Fatal", "No", "0"]
    assert "Ortiz" not in response.content.decode()
    audit = AuditEvent.objects.filter(action="data.export").last()
    assert audit.extra["format"] == "odmap" and audit.extra["count"] == 2
