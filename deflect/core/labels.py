"""Choices by their labels: one place that turns a stored code (``care_coordination``) into the
words a person reads ("Care coordination"), and an empty value into a dash.

The map is built from every choice set the project defines (model fields' choices and every
``TextChoices``/``IntegerChoices`` class), so a new choice needs no registration here. When two
sets give one code different labels, the first found wins; pass the exact label where it matters.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats

DASH = "—"


def _choice_classes(cls: type[models.Choices] = models.Choices) -> Iterator[type[models.Choices]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _choice_classes(sub)


@cache
def _labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                found.setdefault(str(value), str(label))
    for choices in _choice_classes():
        for value, label in choices.choices:
            found.setdefault(str(value), str(label))
    return found


def snake_codes() -> frozenset[str]:
    """Every snake_case code with a label (``in_person``): words a page must never show raw."""
    return frozenset(code for code in _labels() if "_" in code and code.islower())


def label_of(value: Any) -> str:
    """The label of a code; a dash for nothing; Yes/No for a boolean; dates as ``2 Dec 2026``."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "j M Y, H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j M Y")
    if isinstance(value, list | tuple):
        return ", ".join(label_of(v) for v in value) or DASH
    text = str(value)
    return _labels().get(text, text)


def labels_of(values: Iterable[Any]) -> list[str]:
    return [label_of(v) for v in values]
