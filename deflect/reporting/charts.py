"""Charts as Vega-Lite specifications, built with Altair.

One chart serves every medium: the page draws the specification with the vendored vega-embed
(``{% load charts %}{% chart spec %}``, which always renders the same numbers as a table for
screen readers), and reports render it to SVG or PNG with vl-convert (``to_svg``, ``to_png``),
so a PDF shows exactly what the page shows.

Every builder takes rows (a list of dicts), keeps their order, and records in the chart's
``usermeta`` which columns make up its table equivalent. A value of ``None`` is a suppressed
count: no mark is drawn and its label reads "<11". Text is never smaller than 12 px and every
chart has a titled value axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import vl_convert as vlc

PALETTE = ["#1f5fa8", "#c2571a", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037"]
SUPPRESSED_TEXT = "<11"
LABEL = "_label"  # the column holding a bar's printed value
# The Vega-Lite version Altair writes (e.g. "v6.4.1" -> "6.4"), the one vl-convert must use.
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
MIN_FONT_PX = 12

CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 13,
        "labelLimit": 220,
        "labelColor": "#1d2430",
        "titleColor": "#1d2430",
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 220},
    "title": {"fontSize": 15, "anchor": "start", "color": "#1d2430"},
    "header": {"labelFontSize": 12, "titleFontSize": 13},
    "text": {"fontSize": 12},
    "view": {"stroke": None},
    "range": {"category": PALETTE},
}


def _plain(value: Any) -> Any:
    """A JSON-ready cell: dates as ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _label(value: Any, unit: str = "") -> str:
    if value is None:
        return SUPPRESSED_TEXT
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") + unit
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def _order(rows: list[dict[str, Any]], key: str) -> list[Any]:
    """The categories in the rows' order (drawn or not), for an explicit axis sort."""
    return list(dict.fromkeys(row.get(key) for row in rows))


def _rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def _finish(
    chart: Any,
    rows: list[dict[str, Any]],
    *,
    title: str,
    columns: Sequence[tuple[str, str]],
    width: int,
    height: int,
) -> Any:
    """Top-level settings on a (possibly layered) chart: the data, size, theme and the columns
    of its table equivalent."""
    return chart.properties(
        data=alt.Data(values=rows),
        title=title,
        width=width,
        height=height,
        usermeta={"table": {"caption": title, "columns": [list(c) for c in columns]}},
    ).configure(**CONFIG)


def bar(
    rows: Iterable[dict[str, Any]],
    *,
    category: str,
    value: str,
    title: str,
    category_title: str,
    value_title: str,
    unit: str = "",
    width: int = 460,
    table: Sequence[tuple[str, str]] | None = None,
) -> alt.LayerChart:
    """Horizontal bars, one per row in the given order, each with its value printed beside it."""
    data = _rows(rows)
    for row in data:
        row[LABEL] = _label(row.get(value), unit)
    columns = table or [(category, category_title), (LABEL, value_title)]
    base = alt.Chart()
    y = alt.Y(f"{category}:N", title=category_title, sort=_order(data, category))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        y=y,
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip(f"{LABEL}:N")],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=MIN_FONT_PX).encode(
        y=y, x=alt.X(f"{value}:Q"), text=alt.Text(f"{LABEL}:N")
    )
    # Suppressed rows have no bar; their "<11" sits at the axis.
    hidden = base.transform_filter(f"datum['{value}'] === null").mark_text(
        align="left", dx=4, fontSize=MIN_FONT_PX
    )
    hidden = hidden.encode(y=y, x=alt.value(0), text=alt.Text(f"{LABEL}:N"))
    return _finish(
        alt.layer(bars, labels, hidden),
        data,
        title=title,
        columns=columns,
        width=width,
        height=max(1, len(data)) * 28,
    )


def stacked_bar(
    rows: Iterable[dict[str, Any]],
    *,
    x: str,
    value: str,
    series: str,
    title: str,
    x_title: str,
    value_title: str,
    series_title: str,
    temporal: bool = False,
    width: int = 520,
    table: Sequence[tuple[str, str]] | None = None,
) -> alt.Chart:
    """Columns per ``x`` (e.g. week), stacked by ``series`` (e.g. pathway), with a legend."""
    data = _rows(rows)
    for row in data:
        row[LABEL] = _label(row.get(value))
    columns = table or [(x, x_title), (series, series_title), (LABEL, value_title)]
    x_enc = (
        alt.X(f"{x}:T", title=x_title, timeUnit="yearmonthdate", axis=alt.Axis(format="%d %b"))
        if temporal
        else alt.X(f"{x}:O", title=x_title, sort=None)
    )
    chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x_enc,
            y=alt.Y(f"sum({value}):Q", title=value_title, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(f"{series}:N", title=series_title, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip(f"{x}:{'T' if temporal else 'O'}", title=x_title),
                alt.Tooltip(f"{series}:N", title=series_title),
                alt.Tooltip(f"{LABEL}:N", title=value_title),
            ],
        )
    )
    return _finish(chart, data, title=title, columns=columns, width=width, height=220)


def line(
    rows: Iterable[dict[str, Any]],
    *,
    x: str,
    value: str,
    title: str,
    x_title: str,
    value_title: str,
    series: str | None = None,
    series_title: str = "",
    lower: str | None = None,
    upper: str | None = None,
    width: int = 520,
    table: Sequence[tuple[str, str]] | None = None,
) -> alt.LayerChart:
    """A line per ``series`` over an ordered ``x`` (e.g. quarters), with points, and a band
    between ``lower`` and ``upper`` when given (an interval)."""
    data = _rows(rows)
    columns = list(table or [(x, x_title)] + ([(series, series_title)] if series else []))
    if not table:
        columns.append((value, value_title))
        if lower and upper:
            columns += [(lower, "Lower 95% limit"), (upper, "Upper 95% limit")]
    base = alt.Chart()
    x_enc = alt.X(f"{x}:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=0))
    color: dict[str, Any] = (
        {"color": alt.Color(f"{series}:N", title=series_title, legend=alt.Legend(orient="bottom"))}
        if series
        else {}
    )
    tooltip = [alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{value}:Q", title=value_title)]
    if series:
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title=series_title))
    layers: list[Any] = []
    if lower and upper:
        layers.append(
            base.mark_area(opacity=0.18).encode(
                x=x_enc, y=alt.Y(f"{lower}:Q"), y2=alt.Y2(f"{upper}:Q"), **color
            )
        )
    layers.append(
        base.mark_line(point=True).encode(
            x=x_enc, y=alt.Y(f"{value}:Q", title=value_title), tooltip=tooltip, **color
        )
    )
    return _finish(alt.layer(*layers), data, title=title, columns=columns, width=width, height=240)


def estimate(
    rows: Iterable[dict[str, Any]],
    *,
    category: str,
    value: str,
    lower: str,
    upper: str,
    title: str,
    category_title: str,
    value_title: str,
    reference: float | None = None,
    log_scale: bool = False,
    width: int = 460,
    table: Sequence[tuple[str, str]] | None = None,
) -> alt.LayerChart:
    """A point and its interval per row (e.g. a relative rate index with its 95% CI), with a
    vertical rule at ``reference`` (e.g. 1: no difference). Rows without a value are listed on
    the axis and in the table, with no mark."""
    data = _rows(rows)
    columns = table or [
        (category, category_title),
        (value, value_title),
        (lower, "Lower 95% limit"),
        (upper, "Upper 95% limit"),
    ]
    base = alt.Chart()
    y = alt.Y(f"{category}:N", title=category_title, sort=_order(data, category))
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    shown = base.transform_filter(f"isValid(datum['{value}'])")
    layers: list[Any] = [
        shown.mark_rule(strokeWidth=2, color=PALETTE[0]).encode(
            y=y, x=alt.X(f"{lower}:Q", scale=scale, title=value_title), x2=alt.X2(f"{upper}:Q")
        ),
        shown.mark_point(filled=True, size=70, color=PALETTE[0]).encode(
            y=y,
            x=alt.X(f"{value}:Q", scale=scale, title=value_title),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=".2f"),
                alt.Tooltip(f"{lower}:Q", title="Lower 95% limit", format=".2f"),
                alt.Tooltip(f"{upper}:Q", title="Upper 95% limit", format=".2f"),
            ],
        ),
        # Every row keeps its place on the axis, drawn or not.
        base.mark_tick(opacity=0).encode(y=y),
    ]
    if reference is not None:
        layers.insert(
            0,
            alt.Chart()
            .mark_rule(color="#6b7280", strokeDash=[4, 4])
            .encode(x=alt.datum(reference, type="quantitative")),
        )
    return _finish(
        alt.layer(*layers),
        data,
        title=title,
        columns=columns,
        width=width,
        height=max(1, len(data)) * 30,
    )


# --- output ------------------------------------------------------------------------------------


def to_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite specification as a JSON-ready dict (data inline)."""
    return chart.to_dict()


def to_svg(chart: Any) -> str:
    """The chart as a standalone SVG document (for PDFs and print)."""
    return vlc.vegalite_to_svg(to_spec(chart), vl_version=VL_VERSION)


def to_png(chart: Any, *, scale: float = 2) -> bytes:
    """The chart as PNG bytes (for spreadsheets), at ``scale`` times its CSS size."""
    return vlc.vegalite_to_png(to_spec(chart), vl_version=VL_VERSION, scale=scale)


def table_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The table equivalent of a chart's specification: caption, header and rows of text, in
    the rows' order. A missing value reads "<11" (a suppressed count)."""
    meta = (spec.get("usermeta") or {}).get("table") or {}
    columns = meta.get("columns") or []
    data = spec.get("data") or {}
    values = data.get("values")
    if values is None and "name" in data:
        values = (spec.get("datasets") or {}).get(data["name"], [])
    body = [[_cell(row.get(key)) for key, _ in columns] for row in values or []]
    return {"caption": meta.get("caption", ""), "header": [h for _, h in columns], "rows": body}


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _label(value)
