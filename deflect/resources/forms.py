"""Input at the boundary: the responder's needs form and the provider's capacity form."""

from __future__ import annotations

from django import forms

from deflect.core.models import LevelOfCare
from deflect.people.choices import Gender, Insurance

from . import matching
from . import taxonomy as tx
from .models import CapacityUnit, MouStatus

MOUD_CHOICES = [
    ("", "No medication needed"),
    ("any", "Any MOUD"),
    ("methadone", "Methadone"),
    ("buprenorphine", "Buprenorphine"),
    ("naltrexone", "Naltrexone"),
]
LANGUAGE_CHOICES = [("", "English")] + [
    (code, name) for code, name in matching.LANGUAGE_NAMES.items() if code != "en"
]


def category_choices() -> list[tuple[str, str]]:
    return [(c, str(tx.TERMS[c].name)) for c in tx.CATEGORIES]


def feature_choices() -> list[tuple[str, str]]:
    return [
        (t.code, str(t.name))
        for t in tx.TERMS.values()
        if t.group in (tx.Group.FEATURE, tx.Group.INSURANCE)
    ]


# The genders the matching rules know, and "not known".
GENDER_CHOICES = [("", "Not known")] + [c for c in Gender.choices if c[0] in tx.GENDER_TERMS]


class NeedsForm(forms.Form):
    level_of_care = forms.ChoiceField(
        choices=[("", "Any / not screened")] + list(LevelOfCare.choices), required=False
    )
    categories = forms.MultipleChoiceField(
        choices=category_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    moud = forms.ChoiceField(choices=MOUD_CHOICES, required=False, label="Medication (MOUD)")
    insurance = forms.ChoiceField(
        choices=[("", "Not known")] + [c for c in Insurance.choices if c[0] in tx.INSURANCE_TERMS],
        required=False,
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    age = forms.IntegerField(min_value=0, max_value=120, required=False)
    gender = forms.ChoiceField(choices=GENDER_CHOICES, required=False)
    latitude = forms.FloatField(min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(min_value=-180, max_value=180, required=False)
    max_distance_km = forms.FloatField(
        min_value=1, max_value=500, required=False, initial=matching.DEFAULT_MAX_DISTANCE_KM
    )
    needed_now = forms.BooleanField(required=False, label="Needed now (open now or 24/7)")
    needs_bed = forms.BooleanField(required=False, label="Needs a bed")

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Give both latitude and longitude, or neither.")
        return data

    def needs(self) -> matching.Needs:
        d = self.cleaned_data
        return matching.Needs(
            level_of_care=d.get("level_of_care") or "",
            categories=frozenset(d.get("categories") or ()),
            moud=d.get("moud") or "",
            insurance=d.get("insurance") or "",
            language=d.get("language") or "",
            age=d.get("age"),
            gender=d.get("gender") or "",
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            max_distance_km=d.get("max_distance_km") or matching.DEFAULT_MAX_DISTANCE_KM,
            needed_now=bool(d.get("needed_now")),
            needs_bed=bool(d.get("needs_bed")),
        )


class CapacityForm(forms.Form):
    service_id = forms.UUIDField()
    unit = forms.ChoiceField(choices=CapacityUnit.choices)
    available = forms.IntegerField(min_value=0, max_value=100000)
    maximum = forms.IntegerField(min_value=0, max_value=100000, required=False)

    def clean(self):
        data = super().clean()
        maximum, available = data.get("maximum"), data.get("available")
        if maximum is not None and available is not None and available > maximum:
            self.add_error("maximum", "Must be at least the number available.")
        return data


class MouForm(forms.Form):
    organization = forms.UUIDField(label="Organization")
    status = forms.ChoiceField(
        choices=[(MouStatus.DRAFT, "Draft"), (MouStatus.ACTIVE, "Active (signed)")]
    )
    signed_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    covers = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    warm_handoff = forms.BooleanField(required=False, label="Takes warm handoffs")
    document = forms.FileField(required=False)


class SiteForm(forms.Form):
    name = forms.CharField(max_length=300, label="Station name")
    address_1 = forms.CharField(max_length=300, label="Street address")
    city = forms.CharField(max_length=120)
    state_province = forms.CharField(max_length=120, label="State")
    postal_code = forms.CharField(max_length=20, label="ZIP code")
    phone = forms.CharField(max_length=50, required=False)
    latitude = forms.FloatField(min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(min_value=-180, max_value=180, required=False)
    hours_description = forms.CharField(
        max_length=300, required=False, label="When walk-ins are welcome"
    )
    what_to_expect = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
