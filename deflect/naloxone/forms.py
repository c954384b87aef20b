from django import forms

from deflect.accounts.models import Agency, User
from deflect.encounters.models import Encounter

from .models import (
    Channel,
    DisposalReason,
    LocationKind,
    Lot,
    Movement,
    Product,
    Source,
    StockLocation,
)

_DATE = forms.DateInput(attrs={"type": "date"})

# The fields each kind of movement asks for, in order.
FIELDS_BY_KIND = {
    Movement.ACQUIRED: ["location", "product", "lot_number", "expires_on", "quantity", "source"],
    Movement.ISSUED: ["location", "lot", "quantity", "to_location"],
    Movement.DISTRIBUTED: ["location", "lot", "quantity", "channel"],
    Movement.ADMINISTERED: ["location", "lot", "quantity", "encounter"],
    Movement.DISPOSED: ["location", "lot", "quantity", "disposal_reason"],
}


class MovementForm(forms.Form):
    location: "forms.ModelChoiceField[StockLocation]" = forms.ModelChoiceField(
        queryset=None, label="Location"
    )
    lot: "forms.ModelChoiceField[Lot]" = forms.ModelChoiceField(queryset=None, label="Lot")
    product = forms.ChoiceField(choices=Product.choices)
    lot_number = forms.CharField(max_length=60, label="Lot number")
    expires_on = forms.DateField(
        widget=_DATE, required=False, label="Expiry date", help_text="Needed for a new lot."
    )
    quantity = forms.IntegerField(min_value=1, max_value=100_000, label="Kits", initial=1)
    to_location: "forms.ModelChoiceField[StockLocation]" = forms.ModelChoiceField(
        queryset=None, label="To"
    )
    source = forms.ChoiceField(choices=Source.choices, label="Source")
    channel = forms.ChoiceField(choices=Channel.choices, label="Given out as")
    disposal_reason = forms.ChoiceField(choices=DisposalReason.choices, label="Reason")
    encounter: "forms.ModelChoiceField[Encounter]" = forms.ModelChoiceField(
        queryset=None,
        label="Encounter that recorded the dose",
        help_text="Overdose encounters of the last 30 days you may see.",
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, kind, locations, lots, encounters, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(FIELDS_BY_KIND[kind]) | {"note"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, queryset in (
            ("location", locations),
            ("to_location", locations),
            ("lot", lots),
            ("encounter", encounters),
        ):
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "encounter" in self.fields:
            self.fields["encounter"].label_from_instance = lambda e: (
                f"#{e.pk} · {e.occurred_at:%Y-%m-%d %H:%M} · {e.get_pathway_display()}"
            )
        self.order_fields(FIELDS_BY_KIND[kind] + ["note"])


class DrawForm(forms.Form):
    location: "forms.ModelChoiceField[StockLocation]" = forms.ModelChoiceField(
        queryset=None, label="From"
    )
    lot: "forms.ModelChoiceField[Lot]" = forms.ModelChoiceField(queryset=None)
    quantity = forms.IntegerField(min_value=1, max_value=20, initial=1, label="Kits")

    def __init__(self, *args, locations, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.fields["lot"].queryset = lots


class LocationForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=LocationKind.choices)
    agency: "forms.ModelChoiceField[Agency]" = forms.ModelChoiceField(queryset=None, required=False)
    holder = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Officer (for an officer's kit)"
    )
    reorder_threshold = forms.IntegerField(min_value=0, max_value=100_000, initial=0)

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["holder"].queryset = staff
