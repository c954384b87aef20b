"""Survival curves as accessible SVG step charts (a table beside each gives the same numbers).
The shapes are computed here from the Kaplan-Meier points; nothing is drawn by script."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .stats import Curve

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 36
COLORS = ("#1b6ca8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0f766e", "#374151", "#be123c")
MAX_DAYS = 365


def _x(day: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * min(day, MAX_DAYS) / MAX_DAYS


def _y(share: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)


def _steps(points: list[tuple[float, float]]) -> str:
    path = [f"M{_x(0):.1f},{_y(1):.1f}"]
    previous = 1.0
    for day, share in points:
        path.append(f"L{_x(day):.1f},{_y(previous):.1f}")
        path.append(f"L{_x(day):.1f},{_y(share):.1f}")
        previous = share
    return " ".join(path)


def survival_svg(title: str, curves: list[Curve]) -> SafeString:
    """One chart: each curve the share of people still without the event, day 0 to 365."""
    if not curves:
        return mark_safe(  # noqa: S308 fixed text
            '<p class="muted">No curve: fewer than 11 people or events in every group.</p>'
        )
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="t-{id(curves)}" '
        f'class="chart"><title id="t-{id(curves)}">{escape(title)}: share without the event '
        "by days since the index encounter</title>"
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{int(tick * 100)}%</text>"
        )
    for day in (0, 30, 90, 180, 365):
        x = _x(day)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{day}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle" '
        'font-size="11">days since the index encounter</text>'
    )
    for index, curve in enumerate(curves):
        color = COLORS[index % len(COLORS)]
        steps = _steps([(p[0], p[1]) for p in curve.points])
        parts.append(f'<path d="{steps}" fill="none" stroke="{color}" stroke-width="2"/>')
        y = TOP + 16 * index + 8
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 10}" y="{y - 8}" width="10" height="10" fill="{color}"/>'
            f'<text x="{WIDTH - RIGHT + 24}" y="{y + 1}" font-size="11">'
            f"{escape(curve.group)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 every text escaped above
