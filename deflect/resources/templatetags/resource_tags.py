from django import template

from deflect.resources import taxonomy as tx

register = template.Library()


@register.filter
def term_name(code: str) -> str:
    """The (translated) name of a deflect taxonomy term code."""
    term = tx.TERMS.get(code)
    return str(term.name) if term else code
