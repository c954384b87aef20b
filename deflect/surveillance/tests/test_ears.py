"""EARS C1, C2, C3 and the plain threshold against series computed by hand."""

import math
import statistics

import numpy as np
import pytest

from deflect.surveillance import ears

SERIES = [1, 2, 1, 0, 2, 1, 1, 6, 5, 4, 1, 3]


def _reference_c(series, t, lag):
    """An independent computation with the statistics module: baseline of 7 days ending
    ``lag`` days before ``t``."""
    base = series[t - lag - 6 : t - lag + 1]
    assert len(base) == 7
    sd = max(statistics.stdev(base), ears.MIN_SD)
    return (series[t] - statistics.mean(base)) / sd


def test_c1_by_hand():
    scores = ears.c1(np.array([SERIES]))
    # Day 7: baseline 1,2,1,0,2,1,1 — mean 8/7, sample variance (20/7)/6 = 10/21.
    assert scores.expected[0, 7] == pytest.approx(8 / 7)
    assert scores.statistic[0, 7] == pytest.approx((6 - 8 / 7) / math.sqrt(10 / 21))
    assert scores.statistic[0, 7] == pytest.approx(7.03867, abs=1e-4)
    # No full baseline before day 7.
    assert np.isnan(scores.statistic[0, :7]).all()
    for t in range(7, len(SERIES)):
        assert scores.statistic[0, t] == pytest.approx(_reference_c(SERIES, t, 1))


def test_c2_has_a_two_day_gap():
    scores = ears.c2(np.array([SERIES]))
    assert np.isnan(scores.statistic[0, :9]).all()
    # Day 9: the baseline is days 0–6 again (8/7, 10/21); the spike days 7–8 are the gap.
    assert scores.statistic[0, 9] == pytest.approx((4 - 8 / 7) / math.sqrt(10 / 21))
    for t in range(9, len(SERIES)):
        assert scores.statistic[0, t] == pytest.approx(_reference_c(SERIES, t, 3))


def test_c3_sums_three_days_of_c2_excess():
    scores = ears.c3(np.array([SERIES]))
    assert np.isnan(scores.statistic[0, :11]).all()  # C2 exists from day 9; C3 needs 3 days
    expected = sum(max(0.0, _reference_c(SERIES, t, 3) - 1) for t in (9, 10, 11))
    assert scores.statistic[0, 11] == pytest.approx(expected)


def test_a_quiet_week_floors_the_sd():
    quiet = np.array([[0, 0, 0, 0, 0, 0, 0, 2], [0, 0, 0, 0, 0, 0, 0, 1]])
    scores = ears.c1(quiet)
    assert scores.statistic[:, 7].tolist() == [4.0, 2.0]  # 2/0.5 and 1/0.5
    assert ears.alarms(quiet, "c1", 3.0)[:, 7].tolist() == [True, False]


def test_alarms_by_method():
    counts = np.array([SERIES, [1] * 12])
    # Day 8's baseline holds day 7's spike (mean 13/7, sd 1.95): (5 - 13/7) / 1.95 < 3.
    assert ears.alarms(counts, "c1", 3.0)[0].nonzero()[0].tolist() == [7]
    assert not ears.alarms(counts, "c1", 3.0)[1].any()  # a flat series never alarms
    assert ears.alarms(counts, "c2", 3.0)[0].nonzero()[0].tolist() == [9]
    assert ears.alarms(counts, "threshold", 5)[0].nonzero()[0].tolist() == [7, 8]
    # C3 on day 11: C2 of days 9, 10, 11 is 4.14, -0.44, 0.31, so 3.14 + 0 + 0.
    assert ears.c3(counts).statistic[0, 11] == pytest.approx(3.1399, abs=1e-3)
    assert ears.alarms(counts, "c3", 2.0)[0].nonzero()[0].tolist() == [11]
    # A zero count is never a spike, whatever the statistic.
    assert not ears.alarms(np.zeros((1, 12)), "threshold", 0)[0].any()
