"""Charts: Vega-Lite specs that render to SVG and PNG, with a table equivalent on the page."""

import datetime as dt
import json
import re

from django.contrib.staticfiles import finders
from django.template import Context, Template

from deflect.reporting import charts

ROWS = [{"group": "A", "n": 12}, {"group": "B <x>", "n": None}, {"group": "C", "n": 40}]


def _bar():
    return charts.bar(
        ROWS,
        category="group",
        value="n",
        title="People by group",
        category_title="Group",
        value_title="People",
    )


def test_a_bar_chart_renders_to_svg_with_a_value_axis_and_readable_text():
    svg = charts.to_svg(_bar())
    assert svg.startswith("<svg") and "</svg>" in svg
    # The value axis and its title are drawn, and the suppressed row reads "<11".
    assert ">People</text>" in svg and ">40</text>" in svg and "&lt;11" in svg
    assert "B &lt;x&gt;" in svg and "<x>" not in svg
    sizes = [float(s) for s in re.findall(r"font-size=\"([\d.]+)(?:px)?\"", svg)]
    sizes += [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes and min(sizes) >= charts.MIN_FONT_PX


def test_every_builder_renders_to_svg_and_png():
    built = [
        _bar(),
        charts.stacked_bar(
            [
                {"week": dt.date(2026, 1, 5), "pathway": "Self-referral", "n": 14},
                {"week": dt.date(2026, 1, 12), "pathway": "Naloxone plus", "n": None},
            ],
            x="week",
            value="n",
            series="pathway",
            title="Encounters per week",
            x_title="Week starting",
            value_title="Encounters",
            series_title="Pathway",
            temporal=True,
        ),
        charts.line(
            [
                {"quarter": "2026 Q1", "rate": 40.0, "lo": 30.0, "hi": 50.0},
                {"quarter": "2026 Q2", "rate": 45.0, "lo": 35.0, "hi": 55.0},
            ],
            x="quarter",
            value="rate",
            lower="lo",
            upper="hi",
            title="Offered deflection by quarter",
            x_title="Quarter",
            value_title="Rate (%)",
        ),
        charts.estimate(
            [
                {"group": "White", "rri": 1.0, "lo": 1.0, "hi": 1.0},
                {"group": "Black", "rri": 0.62, "lo": 0.45, "hi": 0.85},
                {"group": "Asian", "rri": None, "lo": None, "hi": None},
            ],
            category="group",
            value="rri",
            lower="lo",
            upper="hi",
            title="Relative rate index",
            category_title="Group",
            value_title="RRI",
            reference=1,
            log_scale=True,
        ),
    ]
    for chart in built:
        spec = charts.to_spec(chart)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        svg = charts.to_svg(chart)
        assert spec["title"] in svg
        png = charts.to_png(chart)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_the_table_equivalent_keeps_every_row_in_order():
    table = charts.table_of(charts.to_spec(_bar()))
    assert table == {
        "caption": "People by group",
        "header": ["Group", "People"],
        "rows": [["A", "12"], ["B <x>", "<11"], ["C", "40"]],
    }


def test_the_template_tag_embeds_the_spec_and_its_table_and_links_scripts_once():
    page = Template("{% load charts %}{% chart one %}{% chart two show_table=True %}").render(
        Context({"one": _bar(), "two": _bar()})
    )
    assert page.count("vega-embed.min.js") == 1 and page.count("deflect/charts.js") == 1
    assert page.count('data-testid="chart-table"') == 2
    assert page.count('class="chart-table sr-only"') == 1  # the second is shown to everyone
    assert "<caption>People by group</caption>" in page
    assert '<th scope="row">B &lt;x&gt;</th><td>&lt;11</td>' in page
    match = re.search(r'<script id="chart-1-spec" type="application/json">(.*?)</script>', page)
    spec = json.loads(match.group(1))
    assert spec["usermeta"]["table"]["columns"] == [["group", "Group"], ["_label", "People"]]
    assert 'data-chart-spec="chart-2-spec"' in page


def test_vendored_scripts_and_their_licences_are_present():
    for path in (
        "deflect/vendor/vega-6.2.0/vega.min.js",
        "deflect/vendor/vega-6.2.0/LICENSE",
        "deflect/vendor/vega-lite-6.4.1/vega-lite.min.js",
        "deflect/vendor/vega-lite-6.4.1/LICENSE",
        "deflect/vendor/vega-embed-7.1.0/vega-embed.min.js",
        "deflect/vendor/vega-embed-7.1.0/LICENSE",
        "deflect/charts.js",
    ):
        assert finders.find(path), path
