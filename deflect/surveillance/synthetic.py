"""A synthetic daily overdose series with injected spikes (fixed seed), and the evaluation of
the spike detectors on it: sensitivity, false alerts per 100 area-days and days to detection.
Pure numpy; docs/surveillance.md holds the figures ``deflect manage surveillance_evaluate``
prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ears

SEED = 20261202


@dataclass(frozen=True)
class Spike:
    area: int
    start: int
    days: int


@dataclass(frozen=True)
class Series:
    counts: np.ndarray  # areas × days
    spikes: list[Spike]
    truth: np.ndarray  # areas × days: inside an injected spike


def generate(*, areas: int = 200, days: int = 365, spikes: int = 60, seed: int = SEED) -> Series:
    """Poisson counts per area (a base rate from 0.1 to 2 a day, 20% more on weekends), plus
    ``spikes`` injected outbreaks of 1–3 days adding 3–8 overdoses a day (Poisson) each."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.1, 2.0, size=(areas, 1))
    weekly = np.where(np.arange(days) % 7 >= 5, 1.2, 1.0)[None, :]
    counts = rng.poisson(base * weekly)
    truth = np.zeros((areas, days), dtype=bool)
    injected: list[Spike] = []
    warmup = ears.BASELINE + ears.C2_GAP + 3
    while len(injected) < spikes:
        area = int(rng.integers(areas))
        start = int(rng.integers(warmup, days - 3))
        length = int(rng.integers(1, 4))
        # Spikes do not overlap or follow one another within two weeks in one area.
        if truth[area, max(0, start - 14) : start + length + 14].any():
            continue
        extra = rng.poisson(rng.uniform(3, 8), size=length)
        counts[area, start : start + length] += np.maximum(extra, 1)
        truth[area, start : start + length] = True
        injected.append(Spike(area, start, length))
    return Series(counts=counts, spikes=injected, truth=truth)


@dataclass(frozen=True)
class Evaluation:
    method: str
    limit: float
    sensitivity: float
    false_per_100_area_days: float
    mean_days_to_detection: float | None


def evaluate(series: Series, method: str, limit: float) -> Evaluation:
    """Sensitivity: spikes with an alarm on one of their days. False alerts: alarm days outside
    every spike (after the warm-up), per 100 area-days. Days to detection: from a spike's first
    day to its first alarm, for the spikes detected."""
    hits = ears.alarms(series.counts, method, limit)
    warmup = ears.BASELINE + ears.C2_GAP + 3
    detected, delays = 0, []
    for spike in series.spikes:
        window = hits[spike.area, spike.start : spike.start + spike.days]
        if window.any():
            detected += 1
            delays.append(int(np.argmax(window)))
    outside = hits[:, warmup:] & ~series.truth[:, warmup:]
    area_days = outside.size
    return Evaluation(
        method=method,
        limit=limit,
        sensitivity=detected / len(series.spikes),
        false_per_100_area_days=100.0 * outside.sum() / area_days,
        mean_days_to_detection=float(np.mean(delays)) if delays else None,
    )


def evaluation_table(series: Series) -> str:
    rows = [
        "| Method | Alarm at | Sensitivity | False alerts per 100 area-days | Days to detection |",
        "|---|---|---|---|---|",
    ]
    for method, limit in ears.DEFAULT_THRESHOLDS.items():
        result = evaluate(series, method, limit)
        delay = (
            f"{result.mean_days_to_detection:.2f}"
            if result.mean_days_to_detection is not None
            else "—"
        )
        rows.append(
            f"| {method} | {limit:g} | {result.sensitivity:.0%} | "
            f"{result.false_per_100_area_days:.2f} | {delay} |"
        )
    return "\n".join(rows)
