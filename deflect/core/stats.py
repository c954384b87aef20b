"""Intervals every figure shown to a user carries, from scipy."""

from __future__ import annotations

from scipy.stats import binomtest

CONFIDENCE = 0.95


def wilson(numerator: int, denominator: int) -> tuple[float, float] | None:
    """The Wilson score 95% interval of ``numerator/denominator`` as proportions, or None for an
    empty denominator."""
    if denominator <= 0:
        return None
    ci = binomtest(numerator, denominator).proportion_ci(
        confidence_level=CONFIDENCE, method="wilson"
    )
    return float(ci.low), float(ci.high)
