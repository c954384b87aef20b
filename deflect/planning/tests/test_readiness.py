"""Readiness of a checklist, as a pure function: no database."""

from datetime import date

from deflect.core import pathways as registry
from deflect.planning.readiness import (
    ActivityFacts,
    State,
    activity_state,
    pathways_at,
    readiness,
)

TODAY = date(2026, 6, 15)


def test_each_activity_lands_in_exactly_one_state():
    activities = [
        ActivityFacts(1, "done", has_evidence=True),
        ActivityFacts(2, "done"),
        ActivityFacts(3, "in_progress", due_date=date(2026, 6, 14), has_owner=True),
        ActivityFacts(4, "not_started", due_date=date(2026, 7, 1), has_owner=True),
        ActivityFacts(5, "not_started", due_date=date(2026, 7, 1)),  # no owner yet
        ActivityFacts(6, "in_progress", has_owner=True),  # no date yet
        ActivityFacts(7, "not_applicable", due_date=date(2026, 1, 1)),
    ]
    result = readiness(activities, TODAY)
    assert result.done == (1, 2)
    assert result.overdue == (3,)
    assert result.scheduled == (4,)
    assert result.missing == (5, 6)
    assert result.not_applicable == (7,)
    assert result.applicable == 6
    assert result.percent_done == 33
    assert result.done_without_evidence == (2,)
    assert not result.ready


def test_due_today_is_not_yet_overdue_and_yesterday_is():
    today = ActivityFacts("a", "not_started", due_date=TODAY, has_owner=True)
    yesterday = ActivityFacts("b", "in_progress", due_date=date(2026, 6, 14), has_owner=True)
    assert activity_state(today, TODAY) is State.SCHEDULED
    assert activity_state(yesterday, TODAY) is State.OVERDUE


def test_an_overdue_activity_without_owner_counts_as_overdue_not_missing():
    late = ActivityFacts("a", "not_started", due_date=date(2026, 5, 1))
    assert activity_state(late, TODAY) is State.OVERDUE


def test_a_model_is_ready_when_every_applicable_activity_is_done():
    result = readiness(
        [ActivityFacts(1, "done"), ActivityFacts(2, "not_applicable"), ActivityFacts(3, "done")],
        TODAY,
    )
    assert result.ready
    assert result.percent_done == 100


def test_an_empty_or_all_not_applicable_checklist_is_not_ready():
    assert not readiness([], TODAY).ready
    assert not readiness([ActivityFacts(1, "not_applicable")], TODAY).ready
    assert readiness([], TODAY).percent_done == 0


def test_deflection_pathways_sit_at_intercepts_zero_and_one():
    enabled = ["officer_intervention", "self_referral", "naloxone_plus", "first_responder_referral"]
    assert pathways_at(0, enabled) == ["self_referral", "naloxone_plus"]
    assert pathways_at(1, enabled) == ["first_responder_referral", "officer_intervention"]
    for later in (2, 3, 4, 5):
        assert pathways_at(later, enabled) == []


def test_a_pathway_added_to_the_registry_sits_at_its_intercept_without_another_table(
    monkeypatch,
):
    added = registry.PathwayDef(
        code="peer_walk_in",
        label="Peer Walk-In",
        description="A peer brings a person to a recovery centre.",
        intercept=0,
        section="peer_walk_in",
    )
    monkeypatch.setattr(registry, "PATHWAYS", (*registry.PATHWAYS, added))

    assert pathways_at(0, ["peer_walk_in", "self_referral"]) == ["self_referral", "peer_walk_in"]
    assert pathways_at(1, ["peer_walk_in"]) == []
