from django import forms

from .services import DATE_MODES


class ExportForm(forms.Form):
    """The de-identified export's period, program and date handling."""

    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    program = forms.TypedChoiceField(
        label="Program", coerce=int, required=False, empty_value=None, choices=()
    )
    dates = forms.ChoiceField(
        label="Dates",
        choices=[
            (DATE_MODES[0], "Shifted by a random offset per person (keeps intervals)"),
            (DATE_MODES[1], "Year only"),
        ],
        initial=DATE_MODES[0],
    )

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "All my programs")] + [
            (p.pk, p.name) for p in programs
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
