"""The equity statistics against values worked out by hand, and small-cell suppression."""

import pytest

from deflect.equity import stats


def test_rri_and_its_log_method_interval_match_hand_computed_values():
    # Group 20/100 = 0.2 against the reference 40/100 = 0.4: RRI 0.5.
    # SE = sqrt(1/20 - 1/100 + 1/40 - 1/100) = sqrt(0.055) = 0.23452;
    # exp(ln 0.5 -/+ 1.95996 * 0.23452) = 0.31575 .. 0.79176.
    ratio = stats.rri(20, 100, 40, 100)
    assert ratio.value == pytest.approx(0.5)
    assert ratio.low == pytest.approx(0.31575, abs=1e-5)
    assert ratio.high == pytest.approx(0.79176, abs=1e-5)
    assert ratio.excludes_one
    # 30/60 = 0.5 against 25/100 = 0.25: RRI 2.0,
    # SE = sqrt(1/30 - 1/60 + 1/25 - 1/100) = 0.21602; interval 1.30963 .. 3.05429.
    ratio = stats.rri(30, 60, 25, 100)
    assert ratio.value == pytest.approx(2.0)
    assert ratio.low == pytest.approx(1.30963, abs=1e-5)
    assert ratio.high == pytest.approx(3.05429, abs=1e-5)
    # Equal rates: the interval straddles 1.
    same = stats.rri(15, 50, 30, 100)
    assert same.value == pytest.approx(1.0) and same.low < 1 < same.high
    assert not same.excludes_one


def test_rri_is_undefined_for_zero_rates():
    assert stats.rri(0, 50, 10, 50) is None
    assert stats.rri(10, 50, 0, 50) is None
    assert stats.rri(10, 0, 10, 50) is None


def test_the_z_value_is_the_normal_975th_percentile():
    assert pytest.approx(1.959964, abs=1e-6) == stats.Z


def test_wilson_interval_matches_the_formula():
    # 12/40: centre (p + z²/2n)/(1 + z²/n), half-width z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n).
    low, high = stats.wilson(12, 40)
    assert low == pytest.approx(0.180748, abs=1e-6)
    assert high == pytest.approx(0.454300, abs=1e-6)
    assert stats.wilson(0, 0) is None


def test_counts_under_11_are_hidden_zero_stays():
    counts = {"a": {"n": 50}, "b": {"n": 0}, "c": {"n": 30}, "d": {"n": 5}, "e": {"n": 7}}
    hidden, hidden_totals = stats.suppress(counts, {"n": 92})
    assert hidden == {("d", "n"), ("e", "n")}  # two hidden: neither can be worked out
    assert not hidden_totals


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    # b = 4 is the only small count; with the total shown it would be 130 - 60 - 28 - 0 - 38,
    # so the smallest other positive count (c = 28) is hidden too; zero (e) is never chosen.
    counts = {"a": {"n": 60}, "b": {"n": 4}, "c": {"n": 28}, "e": {"n": 0}, "f": {"n": 8 + 30}}
    total = {"n": 130}
    hidden, hidden_totals = stats.suppress(counts, total)
    assert hidden == {("b", "n"), ("c", "n")}
    assert not hidden_totals
    # What a reader can still work out: only b + c, never b.
    shown = sum(v["n"] for g, v in counts.items() if (g, "n") not in hidden)
    assert total["n"] - shown == counts["b"]["n"] + counts["c"]["n"]


def test_the_total_is_hidden_when_no_other_cell_can_cover():
    counts = {"a": {"n": 3}, "b": {"n": 0}}
    hidden, hidden_totals = stats.suppress(counts, {"n": 3})
    assert hidden == {("a", "n")} and hidden_totals == {"n"}


def test_the_people_without_the_outcome_are_not_revealed_by_subtraction():
    # 45 of 50 accepted: 50 - 45 = 5 people declined, a small cell, so the numerator goes; then
    # the numerator column has one hidden cell and the next smallest (b's 30) goes with it.
    counts = {"a": {"accepted": 45, "offered": 50}, "b": {"accepted": 30, "offered": 70}}
    totals = {"accepted": 75, "offered": 120}
    hidden, hidden_totals = stats.suppress(counts, totals, [("accepted", "offered")])
    assert ("a", "accepted") in hidden and ("b", "accepted") in hidden
    assert ("a", "offered") not in hidden and not hidden_totals


def test_a_hidden_total_is_not_revealed_by_adding_the_groups():
    # Totals: offered 120, accepted 112: 8 did not accept, so the total's numerator is hidden;
    # the groups' numerators would add up to it, so one of them is hidden as well.
    counts = {"a": {"accepted": 60, "offered": 64}, "b": {"accepted": 52, "offered": 56}}
    totals = {"accepted": 112, "offered": 120}
    hidden, hidden_totals = stats.suppress(counts, totals, [("accepted", "offered")])
    assert "accepted" in hidden_totals
    # Each group's own gap (4) is small as well: both numerators hidden.
    assert {("a", "accepted"), ("b", "accepted")} <= hidden
