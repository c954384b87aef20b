"""Spike detection in ``deflect jobs run``: counts per area in SQL, one alert per spike across
repeated runs, its notices sent once, and the response checklist."""

import datetime as dt
import zoneinfo

import h3
import pytest
from django.core.exceptions import PermissionDenied

from deflect.audit.models import AuditEvent
from deflect.followups.jobs import jobs_run
from deflect.followups.models import Notice, NoticePreference, SmsOutbox
from deflect.surveillance import selectors
from deflect.surveillance.models import OverdoseEvent, ResponseItem, SpikeAlert
from deflect.surveillance.services import response_step_mark, surveillance_settings_update

from .factories import event_for

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=TZ)


def _quiet_weeks(program, zip_code="22209", days=13):
    """One overdose a day for ``days`` days before today, in one ZIP code."""
    for back in range(1, days + 1):
        event_for(program, scene_zip=zip_code, occurred_at=NOW - dt.timedelta(days=back, hours=2))


def test_daily_counts_are_grouped_in_sql(world):
    _quiet_weeks(world.program, days=3)
    event_for(world.program, scene_zip="22201", occurred_at=NOW - dt.timedelta(hours=1))
    event_for(world.program, scene_zip="22201", occurred_at=NOW - dt.timedelta(hours=2))
    event_for(world.other_program, scene_zip="22201", occurred_at=NOW - dt.timedelta(hours=2))
    grid = selectors.daily_counts(
        program=world.program,
        area_kind="zip",
        first_day=dt.date(2026, 11, 27),
        last_day=dt.date(2026, 11, 30),
        tz=TZ,
    )
    assert grid.areas == ["22201", "22209"]
    assert grid.counts.tolist() == [[0, 0, 0, 2], [1, 1, 1, 0]]


def test_a_spike_is_alerted_once_across_runs(world, settings):
    settings.TIME_ZONE = "America/New_York"
    world.coordinator.email = "coord@marlow.test"
    world.coordinator.save()
    NoticePreference.objects.create(user=world.outreach, email=False, sms_number="+15550100")
    surveillance_settings_update(
        actor=world.coordinator, program=world.program, methods=["c1", "threshold"]
    )
    _quiet_weeks(world.program)
    for hours in (1, 2, 3, 4, 5):
        event_for(world.program, scene_zip="22209", occurred_at=NOW - dt.timedelta(hours=hours))
    first = jobs_run(now=NOW)
    assert first.details["spikes"]["alerts"] == 2  # C1 and the 24-hour threshold
    alerts = SpikeAlert.objects.order_by("method")
    assert [(a.method, a.area, a.count) for a in alerts] == [
        ("c1", "22209", 5),
        ("threshold", "22209", 5),
    ]
    c1 = alerts[0]
    assert c1.expected == 1.0 and c1.statistic == pytest.approx(8.0)  # (5 - 1) / 0.5
    assert c1.first_day == dt.date(2026, 11, 30)
    assert set(c1.notified_user_ids) == {world.coordinator.pk, world.outreach.pk}
    # One email to the coordinator and one SMS to the outreach worker per alert, sent.
    assert Notice.objects.filter(key__startswith="spike:").count() == 4
    assert SmsOutbox.objects.count() == 2
    assert "22209" in SmsOutbox.objects.first().body
    assert AuditEvent.objects.filter(action="surveillance.alert_raise").count() == 2
    # Later runs, the same evening and the next morning with one more overdose, tell nothing new.
    jobs_run(now=NOW + dt.timedelta(minutes=10))
    event_for(world.program, scene_zip="22209", occurred_at=NOW + dt.timedelta(hours=4))
    later = jobs_run(now=NOW + dt.timedelta(hours=14))
    assert later.details["spikes"]["alerts"] == 0
    assert SpikeAlert.objects.count() == 2
    assert Notice.objects.filter(key__startswith="spike:").count() == 4
    threshold = SpikeAlert.objects.get(method="threshold")
    assert threshold.last_day == dt.date(2026, 12, 1)  # the run of alarm days goes on


def test_no_spike_no_alert(world):
    _quiet_weeks(world.program)
    event_for(world.program, scene_zip="22209", occurred_at=NOW - dt.timedelta(hours=1))
    assert jobs_run(now=NOW).details["spikes"]["alerts"] == 0
    assert not SpikeAlert.objects.exists()


def test_the_checklist_is_marked_once_by_a_coordinator(world):
    _quiet_weeks(world.program)
    for hours in (1, 2, 3):
        event_for(world.program, scene_zip="22209", occurred_at=NOW - dt.timedelta(hours=hours))
    jobs_run(now=NOW)
    alert = SpikeAlert.objects.get(method="threshold")
    item, marked = response_step_mark(
        actor=world.coordinator, alert=alert, step="naloxone_saturation", note="200 kits out"
    )
    assert marked and item.done_by == world.coordinator
    _, again = response_step_mark(actor=world.coordinator, alert=alert, step="naloxone_saturation")
    assert not again and ResponseItem.objects.count() == 1
    assert AuditEvent.objects.filter(action="surveillance.checklist_update").count() == 1
    with pytest.raises(PermissionDenied):
        response_step_mark(actor=world.analyst, alert=alert, step="public_warning")


def test_hex_cells_follow_the_resolution(world):
    event = event_for(world.program)
    surveillance_settings_update(actor=world.coordinator, program=world.program, h3_resolution=6)
    event.refresh_from_db()
    # The resolution-6 parent of the spot's fine cell, and a bigger cell than before.
    assert event.h3_cell == h3.cell_to_parent(h3.latlng_to_cell(38.88731, -77.09469, 9), 6)
    assert h3.get_resolution(event.h3_cell) == 6
    assert OverdoseEvent.objects.filter(h3_cell=event.h3_cell).count() == 1
