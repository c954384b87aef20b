"""Spike detection on daily counts: CDC EARS C1, C2, C3 and a plain count threshold. Pure
functions on a matrix of counts (areas × days, numpy), no database.

As in shared/STANDARDS.md, for day *t* with count *x_t*:

- **C1**: baseline the 7 days *t-7 … t-1*; statistic ``(x_t − mean) / sd``; alarm at ≥ 3.
- **C2**: the same with a 2-day gap, baseline *t-9 … t-3*.
- **C3**: ``Σ max(0, C2_i − 1)`` over *i = t-2 … t*; alarm at ≥ 2.
- **threshold**: ``x_t ≥ N``.

``sd`` is the sample standard deviation of the baseline, floored at ``MIN_SD`` (a baseline of
seven equal days would otherwise divide by zero, and one event after a quiet week would be an
infinite signal). A day is an alarm only when its count is at least ``MIN_COUNT``: a spike is
at least one overdose. The first days of a series, before a full baseline, are never alarms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

BASELINE = 7
C2_GAP = 2
MIN_SD = 0.5
MIN_COUNT = 1
DEFAULT_THRESHOLDS = {"c1": 3.0, "c2": 3.0, "c3": 2.0, "threshold": 3.0}


@dataclass(frozen=True)
class Scores:
    """Per area and day: the statistic and the expected (baseline mean) count; NaN where the
    series is too short."""

    statistic: np.ndarray
    expected: np.ndarray


def _baseline_stats(counts: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of the 7 days ending ``lag`` days before each day (NaN before that)."""
    areas, days = counts.shape
    mean = np.full((areas, days), np.nan)
    sd = np.full((areas, days), np.nan)
    first = BASELINE + lag - 1  # the first day with a full baseline
    if days <= first:
        return mean, sd
    windows = sliding_window_view(counts.astype(float), BASELINE, axis=1)  # areas × (d-6) × 7
    # Window w covers days w … w+6; day t uses the window ending at t-lag, i.e. w = t-lag-6.
    usable = windows[:, : days - first, :]
    mean[:, first:] = usable.mean(axis=2)
    sd[:, first:] = usable.std(axis=2, ddof=1)
    return mean, sd


def c_score(counts: np.ndarray, *, gap: int) -> Scores:
    """C1 (``gap=0``) or C2 (``gap=2``) statistics for every area and day."""
    counts = np.asarray(counts, dtype=float)
    mean, sd = _baseline_stats(counts, lag=1 + gap)
    with np.errstate(invalid="ignore"):
        statistic = (counts - mean) / np.maximum(sd, MIN_SD)
    return Scores(statistic=statistic, expected=mean)


def c1(counts: np.ndarray) -> Scores:
    return c_score(counts, gap=0)


def c2(counts: np.ndarray) -> Scores:
    return c_score(counts, gap=C2_GAP)


def c3(counts: np.ndarray) -> Scores:
    """C3: the sum of the positive parts of ``C2 − 1`` over the day and the two before it."""
    base = c2(counts)
    excess = np.maximum(base.statistic - 1.0, 0.0)  # NaN stays NaN
    areas, days = excess.shape
    statistic = np.full((areas, days), np.nan)
    if days >= 3:
        statistic[:, 2:] = excess[:, 2:] + excess[:, 1:-1] + excess[:, :-2]
    return Scores(statistic=statistic, expected=base.expected)


def threshold(counts: np.ndarray) -> Scores:
    counts = np.asarray(counts, dtype=float)
    return Scores(statistic=counts.copy(), expected=np.zeros_like(counts))


METHODS = {"c1": c1, "c2": c2, "c3": c3, "threshold": threshold}


def alarms(counts: np.ndarray, method: str, limit: float) -> np.ndarray:
    """Boolean areas × days: where ``method`` alarms at ``limit``."""
    counts = np.asarray(counts, dtype=float)
    scores = METHODS[method](counts)
    with np.errstate(invalid="ignore"):
        hit = np.nan_to_num(scores.statistic, nan=-np.inf) >= limit
    return hit & (counts >= MIN_COUNT)
