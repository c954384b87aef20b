from django import forms

from deflect.naloxone.models import Lot, StockLocation

from .models import EventKind


class EventForm(forms.Form):
    kind = forms.ChoiceField(choices=EventKind.choices, label="Kind of event")
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        label="Date and time",
    )
    place = forms.CharField(max_length=300)
    partners = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Providers and organizations on site, one per line.",
    )
    attendance = forms.IntegerField(min_value=0, max_value=100_000, initial=0)
    people_trained = forms.IntegerField(
        min_value=0, max_value=100_000, initial=0, label="People trained to use naloxone"
    )
    kits = forms.IntegerField(
        min_value=0, max_value=100_000, initial=0, label="Naloxone kits handed out"
    )
    kit_location: "forms.ModelChoiceField[StockLocation]" = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Kits taken from",
        help_text="Needed when kits were handed out.",
    )
    kit_lot: "forms.ModelChoiceField[Lot]" = forms.ModelChoiceField(
        queryset=None, required=False, label="Lot"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, locations, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kit_location"].queryset = locations
        self.fields["kit_lot"].queryset = lots
