"""``{% load labels %}``: ``{{ code|label }}`` shows a choice by its label (a dash for nothing),
``{{ codes|labels|join:", " }}`` a list of them."""

from django import template

from deflect.core.labels import label_of, labels_of

register = template.Library()
register.filter("label", label_of)
register.filter("labels", labels_of)
