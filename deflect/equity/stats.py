"""The statistics of the equity analysis, from maintained libraries (scipy):

- a rate's 95% interval: Wilson score interval (``scipy.stats.binomtest(...).proportion_ci``);
- the relative rate index (RRI) of a group against the reference group, and its 95% interval by
  the log method: ``exp(ln(RRI) ± z·SE)`` with ``SE = sqrt(1/a − 1/n₁ + 1/c − 1/n₂)``, where
  ``a/n₁`` is the group's numerator/denominator, ``c/n₂`` the reference group's, and
  ``z = norm.ppf(0.975)`` (≈ 1.96);
- small-cell suppression: counts from 1 to 10 are hidden, and so is every count from which a
  hidden one could be worked out by subtraction (complementary suppression).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scipy.stats import norm

from deflect.core.stats import CONFIDENCE, wilson

SMALL_CELL = 11
SUPPRESSED_TEXT = "suppressed"  # a hidden count: under 11, or one that would reveal one
Z = float(norm.ppf(1 - (1 - CONFIDENCE) / 2))


@dataclass(frozen=True)
class Ratio:
    value: float
    low: float
    high: float

    @property
    def excludes_one(self) -> bool:
        """The interval lies wholly above or below 1: a difference unlikely to be chance."""
        return self.low > 1 or self.high < 1


def rri(a: int, n1: int, c: int, n2: int) -> Ratio | None:
    """The RRI of rate ``a/n1`` against the reference rate ``c/n2`` with its 95% interval (log
    method). None when either rate is 0 or undefined (the log is then undefined)."""
    if min(a, n1, c, n2) <= 0 or a > n1 or c > n2:
        return None
    value = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    log = math.log(value)
    return Ratio(value=value, low=math.exp(log - Z * se), high=math.exp(log + Z * se))


def _small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL_CELL


def suppress(
    counts: Mapping[str, Mapping[str, int]],
    totals: Mapping[str, int],
    pairs: Iterable[tuple[str, str]] = (),
) -> tuple[set[tuple[str, str]], set[str]]:
    """Which cells to hide in a table of ``counts[group][column]`` whose column ``totals`` (the
    sum over the groups) are also shown.

    Primary: every count from 1 to 10. Complementary, repeated until nothing changes:
    - within a group, for each (numerator, denominator) column pair: when the numerator is
      shown and the denominator is shown, their difference (the people *without* the outcome)
      must not be a count from 1 to 10, so the numerator is hidden;
    - within a column: the groups add up to the total, so when exactly one of them (or the
      total alone) is hidden it could be worked out; the smallest other positive count is
      hidden too (or, when there is none, the total).

    Returns (hidden (group, column) cells, hidden total columns)."""
    groups = list(counts)
    columns = list(totals)
    hidden = {(g, c) for g in groups for c in columns if _small(counts[g].get(c, 0))}
    hidden_totals = {c for c in columns if _small(totals.get(c, 0))}
    pairs = list(pairs)
    changed = True
    while changed:
        changed = False
        for g in groups:
            for num, den in pairs:
                if (g, num) in hidden or (g, den) in hidden:
                    continue
                if _small(counts[g].get(den, 0) - counts[g].get(num, 0)):
                    hidden.add((g, num))
                    changed = True
        for num, den in pairs:
            if num in hidden_totals or den in hidden_totals:
                continue
            if _small(totals.get(den, 0) - totals.get(num, 0)):
                hidden_totals.add(num)
                changed = True
        for c in columns:
            # The groups add up to the total: one unknown among them can be worked out.
            hidden_here = [g for g in groups if (g, c) in hidden]
            if len(hidden_here) + (c in hidden_totals) != 1:
                continue
            others = sorted(
                (counts[g].get(c, 0), g)
                for g in groups
                if (g, c) not in hidden and counts[g].get(c, 0) > 0
            )
            if others:
                hidden.add((others[0][1], c))
            elif c not in hidden_totals:
                hidden_totals.add(c)
            else:
                continue
            changed = True
    return hidden, hidden_totals


__all__ = ["CONFIDENCE", "SMALL_CELL", "Z", "Ratio", "rri", "suppress", "wilson"]
