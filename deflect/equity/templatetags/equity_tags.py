"""Formatting for the equity page: proportions as percentages, ratios to two places, hidden
counts as "<11"."""

from django import template

from deflect.equity.stats import SUPPRESSED_TEXT

register = template.Library()


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


@register.filter
def ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}"


@register.filter
def count(value) -> str:
    return SUPPRESSED_TEXT if value is None else f"{value:,}"
