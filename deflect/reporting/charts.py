"""Small server-rendered SVG charts (no script, no external assets). Labels are escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f5fa8", "#c2571a", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457"]


def bar_chart(
    items: Sequence[tuple[str, float | None]], *, title: str, width: int = 560, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value); a None value is a suppressed count ("<11")."""
    bar_h, gap, label_w = 26, 8, 170
    height = max(1, len(items)) * (bar_h + gap) + 10
    peak = max([v for _, v in items if v is not None] + [1])
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        shown = "<11" if value is None else f"{value:g}{unit}"
        w = 0 if value is None else (width - label_w - 70) * (value / peak)
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="13">{escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 18}" font-size="13">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated label is escaped


def stacked_weeks(
    series: dict[str, dict], weeks: list, *, title: str, width: int = 560
) -> SafeString:
    """Columns per week, stacked by series (e.g. pathway), with a legend."""
    height, left, bottom = 220, 30, 40
    totals = [sum(s.get(w) or 0 for s in series.values()) for w in weeks]
    peak = max(totals + [1])
    col_w = (width - left) / max(1, len(weeks))
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height + 20 * len(series)}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, week in enumerate(weeks):
        y: float = height - bottom
        for j, (name, values) in enumerate(sorted(series.items())):
            n = values.get(week, 0)
            h = (height - bottom - 10) * (n or 0) / peak
            n = "<11" if n is None else n
            y -= h
            parts.append(
                f'<rect x="{left + i * col_w + 2:.1f}" y="{y:.1f}" width="{max(col_w - 4, 1):.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(name)} '
                f"{escape(str(week))}: {n}</title></rect>"
            )
        if i % max(1, len(weeks) // 6) == 0:
            parts.append(
                f'<text x="{left + i * col_w:.1f}" y="{height - bottom + 16}" font-size="11">'
                f"{escape(week.strftime('%d %b'))}</text>"
            )
    for j, name in enumerate(sorted(series)):
        y = height + 20 * j
        parts.append(
            f'<rect x="{left}" y="{y - 10}" width="12" height="12" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{left + 18}" y="{y}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated label is escaped
