"""The equity page's filters: a period, a pathway, an agency, the grouping and the reference
group. Missing dates mean the last 12 months."""

import datetime as dt

from django import forms
from django.utils import timezone

from deflect.core.models import Pathway

from .selectors import DIMENSIONS

MAX_DAYS = 20 * 366


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    end = today or timezone.localdate()
    return end - dt.timedelta(days=364), end


class EquityFilterForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    pathway = forms.ChoiceField(required=False, choices=[("", "Every pathway"), *Pathway.choices])
    agency = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    dimension = forms.ChoiceField(
        required=False,
        label="Groups",
        choices=[(d.code, d.label) for d in DIMENSIONS.values()],
    )
    reference = forms.CharField(
        required=False, max_length=200, label="Reference group (default: the largest)"
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Every agency")] + [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = default_period()
        data["start"] = data.get("start") or (
            data["end"] - dt.timedelta(days=364) if data.get("end") else start
        )
        data["end"] = data.get("end") or end
        if data["start"] > data["end"]:
            raise forms.ValidationError("The period must start on or before its end.")
        if (data["end"] - data["start"]).days > MAX_DAYS:
            raise forms.ValidationError("Pick a period of at most 20 years.")
        data["dimension"] = data.get("dimension") or "race"
        return data
