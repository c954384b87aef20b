"""The dashboard's filters: a period (default: the last 12 weeks; or since launch), a pathway
and an agency."""

from django import forms

from deflect.core.models import Pathway

MAX_DAYS = 20 * 366


class DashboardFilterForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    since_launch = forms.BooleanField(required=False, label="Since launch")
    pathway = forms.ChoiceField(required=False, choices=[("", "Every pathway"), *Pathway.choices])
    agency = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Every agency")] + [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period must start on or before its end.")
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError("Pick a period of at most 20 years.")
        if data.get("since_launch"):
            data["start"] = None
        return data
