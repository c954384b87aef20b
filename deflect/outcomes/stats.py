"""Intervals and survival estimates from maintained libraries (statsmodels, scipy, lifelines),
with small-cell suppression: a figure built on a count from 1 to 10 is not shown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError
from lifelines.utils import median_survival_times
from scipy.stats import chi2
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint

SMALL_CELL = 11
ALPHA = 0.05


def small(count: float) -> bool:
    """A count from 1 to 10: shown as "<11" and nothing is computed from it."""
    return 0 < count < SMALL_CELL


@dataclass(frozen=True)
class Proportion:
    numerator: int
    denominator: int
    suppressed: bool
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def text(self) -> str:
        """ "25.0% (18.1–33.4%; 30 of 120)", "<11", or "—" (no one to count)."""
        if self.suppressed:
            return "<11"
        if self.value is None or self.low is None or self.high is None:
            return "—"
        return (
            f"{100 * self.value:.1f}% ({100 * self.low:.1f}–{100 * self.high:.1f}%; "
            f"{self.numerator} of {self.denominator})"
        )


def proportion(numerator: float, denominator: float) -> Proportion:
    """numerator / denominator with its 95% Wilson interval (statsmodels)."""
    num, den = int(numerator), int(denominator)
    if small(num) or small(den):
        return Proportion(num, den, True)
    if den == 0:
        return Proportion(num, den, False)
    low, high = proportion_confint(num, den, alpha=ALPHA, method="wilson")
    return Proportion(num, den, False, num / den, float(low), float(high))


@dataclass(frozen=True)
class Rate:
    events: int
    person_days: float
    suppressed: bool
    per_1000: float | None = None
    low: float | None = None
    high: float | None = None

    def text(self) -> str:
        if self.suppressed:
            return "<11"
        if self.per_1000 is None or self.low is None or self.high is None:
            return "—"
        return f"{self.per_1000:.2f} ({self.low:.2f}–{self.high:.2f}; {self.events} events)"


def rate(events: float, person_days: float, people: float | None = None) -> Rate:
    """Events per 1,000 person-days with the exact (Garwood) Poisson interval from the
    chi-squared distribution (scipy); suppressed when the events, or the ``people`` the
    person-days come from, count from 1 to 10."""
    k = int(events)
    if small(k) or (people is not None and small(people)):
        return Rate(k, person_days, True)
    if person_days <= 0:
        return Rate(k, person_days, False)
    low = chi2.ppf(ALPHA / 2, 2 * k) / 2 if k > 0 else 0.0
    high = chi2.ppf(1 - ALPHA / 2, 2 * k + 2) / 2
    scale = 1000.0 / person_days
    return Rate(k, person_days, False, k * scale, float(low) * scale, float(high) * scale)


@dataclass(frozen=True)
class Curve:
    """A Kaplan-Meier curve: share still without the event at each day, with its 95% band,
    drawn only while at least ``SMALL_CELL`` people are at risk."""

    group: str
    people: int
    events: int
    points: list[tuple[float, float, float, float, int]]  # day, estimate, low, high, at risk
    median: float | None
    median_low: float | None
    median_high: float | None


def time_to_event(rows: list[dict], event: str, *, cap: float | None = None) -> pd.DataFrame:
    """Durations for one event: the first of the event, death (censored) and the end of
    follow-up (censored)."""
    frame = pd.DataFrame(rows, columns=["pathway", "fu", "death", event])
    if frame.empty:
        return pd.DataFrame(columns=["pathway", "duration", "observed"])
    fu = frame["fu"].astype(float)
    death = frame["death"].astype(float).fillna(np.inf)
    at = frame[event].astype(float).fillna(np.inf)
    end = np.minimum(fu, death)
    observed = at <= end
    duration = np.where(observed, at, end)
    if cap is not None:
        observed &= duration <= cap
        duration = np.minimum(duration, cap)
    return pd.DataFrame(
        {"pathway": frame["pathway"], "duration": np.maximum(duration, 0.0), "observed": observed}
    )


def _finite(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def km_curve(group: str, frame: pd.DataFrame, *, median_interval: bool = False) -> Curve | None:
    """The Kaplan-Meier estimate (lifelines) for one group, or None when the group has fewer
    than ``SMALL_CELL`` people or fewer than ``SMALL_CELL`` events (suppressed)."""
    people, events = len(frame), int(frame["observed"].sum())
    if people < SMALL_CELL or small(events):
        return None
    fitter = KaplanMeierFitter(alpha=ALPHA)
    # Whole days (a part-day counts as the day it falls in): at most one step a day.
    fitter.fit(np.ceil(frame["duration"].astype(float)), frame["observed"], label=group)
    days = fitter.survival_function_.index.to_numpy(dtype=float)
    estimate = fitter.survival_function_.to_numpy(dtype=float)[:, 0]
    band = fitter.confidence_interval_survival_function_.to_numpy(dtype=float)
    at_risk = fitter.event_table["at_risk"].reindex(days).to_numpy(dtype=int)
    shown = np.flatnonzero(at_risk < SMALL_CELL)
    stop = int(shown[0]) if len(shown) else len(days)
    points = [
        (float(days[i]), float(estimate[i]), float(band[i, 0]), float(band[i, 1]), int(at_risk[i]))
        for i in range(stop)
    ]
    median_band = (
        median_survival_times(fitter.confidence_interval_)
        if median_interval
        else pd.DataFrame([[None, None]])
    )
    return Curve(
        group=group,
        people=people,
        events=events,
        points=points,
        median=_finite(fitter.median_survival_time_),
        median_low=_finite(median_band.iloc[0, 0]),
        median_high=_finite(median_band.iloc[0, 1]),
    )


@dataclass(frozen=True)
class Comparison:
    measure: str
    kind: str  # "hazard ratio" or "odds ratio"
    suppressed: bool
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""

    def text(self) -> str:
        if self.suppressed:
            return f"suppressed ({self.note})"
        if self.value is None or self.low is None or self.high is None:
            return f"not computed ({self.note})"
        return f"{self.value:.2f} (95% CI {self.low:.2f}–{self.high:.2f})"


def hazard_ratio(measure: str, deflected: pd.DataFrame, comparison: pd.DataFrame) -> Comparison:
    """The hazard of the event for the deflected against the comparison group (lifelines
    Cox proportional hazards, one covariate), with its 95% interval."""
    kind = "hazard ratio"
    groups = (deflected, comparison)
    if any(len(g) < SMALL_CELL or small(int(g["observed"].sum())) for g in groups):
        return Comparison(measure, kind, True, note="a group or its events count under 11")
    if not all(int(g["observed"].sum()) for g in groups):
        return Comparison(measure, kind, False, note="no events in one group")
    data = pd.concat(
        [
            deflected.assign(deflected=1)[["duration", "observed", "deflected"]],
            comparison.assign(deflected=0)[["duration", "observed", "deflected"]],
        ]
    )
    data["duration"] = data["duration"].clip(lower=1e-6)
    try:
        fitter = CoxPHFitter(alpha=ALPHA).fit(data, "duration", "observed")
    except ConvergenceError:
        return Comparison(measure, kind, False, note="the model did not converge")
    summary = fitter.summary.loc["deflected"]
    return Comparison(
        measure,
        kind,
        False,
        float(summary["exp(coef)"]),
        float(summary["exp(coef) lower 95%"]),
        float(summary["exp(coef) upper 95%"]),
    )


def odds_ratio(measure: str, a: int, n1: int, c: int, n0: int) -> Comparison:
    """Odds of the outcome for the deflected (``a`` of ``n1``) against the comparison group
    (``c`` of ``n0``), with the 95% interval (statsmodels Table2x2)."""
    kind = "odds ratio"
    cells = (a, n1 - a, c, n0 - c)
    if any(small(cell) for cell in cells) or min(n1, n0) < SMALL_CELL:
        return Comparison(measure, kind, True, note="a cell counts under 11")
    if 0 in cells:
        return Comparison(measure, kind, False, note="a cell is zero")
    table = Table2x2(np.array([[a, n1 - a], [c, n0 - c]]))
    low, high = table.oddsratio_confint(alpha=ALPHA)
    return Comparison(measure, kind, False, float(table.oddsratio), float(low), float(high))
