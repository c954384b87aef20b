"""Due windows, without the database: elapsed hours, local calendar days, DST changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from deflect.followups import rules
from deflect.followups.rules import Step

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def test_the_overdose_defaults_give_24_and_72_hours_then_7_30_90_days():
    anchor = dt.datetime(2026, 6, 10, 22, 30, tzinfo=NY)
    w = rules.due_windows(anchor, rules.DEFAULT_STEPS["nonfatal_overdose"], "America/New_York")
    assert [x.label for x in w][:2] == ["First attempt", "Contact within the recovery window"]
    assert w[0].due_at == (anchor + dt.timedelta(hours=24)).astimezone(UTC)
    assert (
        w[1].due_at == (anchor + dt.timedelta(hours=72)).astimezone(UTC) and w[1].contact_required
    )
    seven = w[2]
    assert seven.opens_at.astimezone(NY) == dt.datetime(2026, 6, 17, 0, 0, tzinfo=NY)
    assert seven.due_at.astimezone(NY).date() == dt.date(2026, 6, 17)
    assert seven.due_at.astimezone(NY).time() == dt.time(23, 59, 59, 999999)


def test_hours_are_elapsed_time_across_the_spring_change():
    # 8 March 2026: clocks go from 02:00 EST to 03:00 EDT.
    anchor = dt.datetime(2026, 3, 7, 22, 0, tzinfo=NY)
    w = rules.step_window(anchor, Step("24h", 0, 24, "hours"), NY)
    assert w.due_at - anchor == dt.timedelta(hours=24)
    assert w.due_at.astimezone(NY).hour == 23  # the local clock reads 23:00, not 22:00


def test_days_follow_the_local_calendar_across_the_spring_change():
    anchor = dt.datetime(2026, 3, 7, 22, 0, tzinfo=NY)  # EST, UTC-5
    w = rules.step_window(anchor, Step("1 day", 1, 1, "days"), NY)
    assert w.opens_at == dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # local midnight EST
    # The 8th lasts 23 hours: its end is 04:00 UTC on the 9th (EDT), not 05:00.
    assert w.due_at == dt.datetime(2026, 3, 9, 3, 59, 59, 999999, tzinfo=UTC)
    assert w.due_at - w.opens_at == dt.timedelta(hours=23) - dt.timedelta(microseconds=1)


def test_days_follow_the_local_calendar_across_the_autumn_change():
    # 1 November 2026: clocks go back from 02:00 EDT to 01:00 EST; that day lasts 25 hours.
    anchor = dt.datetime(2026, 10, 31, 9, 0, tzinfo=NY)
    w = rules.step_window(anchor, Step("1 day", 1, 1, "days"), NY)
    assert w.due_at - w.opens_at == dt.timedelta(hours=25) - dt.timedelta(microseconds=1)
    seven = rules.step_window(anchor, Step("7 days", 7, 1, "days"), NY)
    assert seven.opens_at.astimezone(NY) == dt.datetime(2026, 11, 7, tzinfo=NY)


def test_a_skipped_local_midnight_moves_to_the_first_existing_time():
    # Santiago: clocks jumped from 24:00 to 01:00 on 3 September 2023.
    tz = ZoneInfo("America/Santiago")
    anchor = dt.datetime(2023, 9, 2, 12, 0, tzinfo=tz)
    w = rules.step_window(anchor, Step("1 day", 1, 1, "days"), tz)
    local = w.opens_at.astimezone(tz)
    assert local.date() == dt.date(2023, 9, 3) and local.hour == 1


def test_the_same_instant_in_another_zone_can_fall_on_another_day():
    anchor = dt.datetime(2026, 6, 10, 3, 0, tzinfo=UTC)  # 23:00 on the 9th in New York
    ny = rules.step_window(anchor, Step("7 days", 7, 1, "days"), NY)
    berlin = rules.step_window(anchor, Step("7 days", 7, 1, "days"), ZoneInfo("Europe/Berlin"))
    assert ny.opens_at.astimezone(NY).date() == dt.date(2026, 6, 16)
    assert berlin.opens_at.astimezone(ZoneInfo("Europe/Berlin")).date() == dt.date(2026, 6, 17)


def test_naive_anchors_and_unknown_zones_are_refused():
    with pytest.raises(ValueError):
        naive = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - the naive anchor is what is refused
        rules.step_window(naive, Step("x", 0, 1), NY)
    with pytest.raises(ValueError):
        rules.due_windows(dt.datetime(2026, 1, 1, tzinfo=UTC), [Step("x", 0, 1)], "Mars/Olympus")


def test_timeliness_is_met_late_missed_or_running():
    opens = dt.datetime(2026, 1, 1, tzinfo=UTC)
    due = opens + dt.timedelta(hours=72)
    t = rules.timeliness
    assert t(opens_at=opens, due_at=due, done_at=opens, now=due).state == "met"
    assert (
        t(opens_at=opens, due_at=due, done_at=due + dt.timedelta(seconds=1), now=due).state
        == "met_late"
    )
    assert (
        t(opens_at=opens, due_at=due, done_at=None, now=due + dt.timedelta(hours=1)).state
        == "open_overdue"
    )
    assert t(opens_at=opens, due_at=due, done_at=None, now=opens).state == "open_due"
    assert (
        t(opens_at=opens, due_at=due, done_at=None, now=opens - dt.timedelta(1)).state == "upcoming"
    )


def test_steps_are_validated_by_field():
    problems = rules.steps_problems(
        [
            {"label": "", "offset": -1, "window": 0, "unit": "hours"},
            {"label": "x", "offset": 1, "window": 1, "unit": "weeks"},
        ]
    )
    assert set(problems) == {"steps.0.label", "steps.0.offset", "steps.0.window", "steps.1.unit"}
    assert rules.steps_problems([]) == {"steps": ["Give at least one step."]}
    ok = [{"label": "Visit", "offset": 0, "window": 12, "unit": "hours", "contact_required": True}]
    assert rules.steps_problems(ok) == {}
    assert rules.steps_as_dicts(rules.steps_from(ok)) == ok
