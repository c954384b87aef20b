"""The Outcomes page's filters and the upload form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from deflect.core.models import Pathway

from .models import RecordKind
from .selectors import ComparisonKind

COMPARISONS = [
    (ComparisonKind.NONE, "No comparison"),
    (ComparisonKind.ELIGIBLE, "Eligible but not deflected (same period)"),
    (ComparisonKind.PERIOD, "People deflected in another period"),
]


class OutcomeFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pathway = forms.ChoiceField(choices=[("", "All pathways"), *Pathway.choices], required=False)
    agency = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    comparison = forms.ChoiceField(choices=COMPARISONS, required=False)
    compare_start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    compare_end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies")] + [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or today - dt.timedelta(days=365)
        data["end"] = data.get("end") or today
        if data["end"] < data["start"]:
            self.add_error("end", "The period must end after it starts.")
        if data.get("comparison") == ComparisonKind.PERIOD and not (
            data.get("compare_start") and data.get("compare_end")
        ):
            self.add_error("compare_start", "Choose the comparison period.")
        return data


def local_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the program's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class UploadForm(forms.Form):
    source = forms.CharField(max_length=64, help_text="The system the file comes from.")
    kind = forms.ChoiceField(choices=RecordKind.choices)
    file = forms.FileField(help_text="CSV with a header line (see the import guide).")
    mapping = forms.FileField(required=False, help_text="Optional TOML file renaming columns.")
