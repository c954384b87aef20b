"""Helpers shared by the apps' HTML forms."""

from __future__ import annotations

from django import forms

from .errors import DomainError


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
