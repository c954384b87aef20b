"""The synthetic series is reproducible and the evaluation counts what it says."""

import numpy as np

from deflect.surveillance import synthetic


def test_the_series_is_fixed_by_its_seed():
    a = synthetic.generate(areas=20, days=90, spikes=5)
    b = synthetic.generate(areas=20, days=90, spikes=5)
    assert np.array_equal(a.counts, b.counts) and a.spikes == b.spikes
    assert a.truth.sum() == sum(s.days for s in a.spikes)


def test_the_evaluation_on_a_hand_made_series():
    counts = np.ones((2, 20), dtype=int)
    counts[0, 15] = 9  # one spike, day 15, area 0
    counts[1, 18] = 9  # an unplanned jump in area 1: a false alert
    truth = np.zeros((2, 20), dtype=bool)
    truth[0, 15] = True
    series = synthetic.Series(counts=counts, spikes=[synthetic.Spike(0, 15, 1)], truth=truth)
    result = synthetic.evaluate(series, "threshold", 5)
    assert result.sensitivity == 1.0
    assert result.mean_days_to_detection == 0.0
    # Warm-up of 12 days: 2 areas × 8 days evaluated, 1 false alarm day.
    assert result.false_per_100_area_days == 100 / 16


def test_a_detector_that_never_alarms_misses_every_spike():
    series = synthetic.generate(areas=10, days=60, spikes=3)
    result = synthetic.evaluate(series, "threshold", 10_000)
    assert (result.sensitivity, result.false_per_100_area_days) == (0.0, 0.0)
    assert result.mean_days_to_detection is None
