"""``{% chart spec %}``: draws a chart from its Vega-Lite specification with the vendored
vega-embed and always renders the same numbers as a table for screen readers (and for anyone
without scripts). The scripts are linked once per page, before the first chart."""

from typing import Any

from django import template

from deflect.reporting import charts

register = template.Library()

_SCRIPTS_DONE = "deflect_chart_scripts"


@register.inclusion_tag("reporting/_chart.html", takes_context=True)
def chart(context, spec: Any, show_table: bool = False) -> dict[str, Any]:
    """``spec``: an Altair chart or its dict. ``show_table``: show the table to everyone (by
    default only screen readers get it)."""
    as_dict = spec if isinstance(spec, dict) else charts.to_spec(spec)
    counter = context.render_context.get(_SCRIPTS_DONE, 0) + 1
    context.render_context[_SCRIPTS_DONE] = counter
    return {
        "spec": as_dict,
        "table": charts.table_of(as_dict),
        "chart_id": f"chart-{counter}",
        "spec_id": f"chart-{counter}-spec",
        "with_scripts": counter == 1,
        "show_table": show_table,
    }
