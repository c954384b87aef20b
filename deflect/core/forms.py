"""Helpers shared by the apps' HTML forms."""

from __future__ import annotations

from django import forms

from .errors import DomainError
from .schemas import MAX_ID


def add_domain_errors(
    form: forms.BaseForm, error: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's field errors on the form's fields (``aliases`` maps a service's field
    name to the form's); problems with no such field, and the message when no field took a
    problem, go on the form itself."""
    aliases = aliases or {}
    placed = False
    for name, problems in error.fields.items():
        field = aliases.get(name, name)
        target = field if field in form.fields else None
        placed = placed or target is not None
        for problem in problems:
            form.add_error(target, problem)
    if not placed:
        form.add_error(None, error.message)


def parse_id(value) -> int | None:
    """A record id from a query string or a form (1 .. 2^63-1), or None for anything else, so
    a number past 64 bits never reaches the database."""

    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


class IdField(forms.IntegerField):
    """A record id in a form: a whole number from 1 to 2^63-1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
