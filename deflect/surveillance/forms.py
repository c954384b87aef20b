"""Forms of the surveillance pages (shape only; the services validate the rest)."""

from __future__ import annotations

from typing import Any

from django import forms

from deflect.accounts.models import Role

from .models import AreaKind, Method, SurveillanceSettings


class IdentifyForm(forms.Form):
    person_id = forms.IntegerField(
        min_value=1, max_value=2**63 - 1, label="Person id", help_text="From the people search."
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="NEMSIS 3.5 EMS export (.xml)")
    dry_run = forms.BooleanField(required=False, label="Check only (save nothing)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("Upload the XML file the EMS repository exported.")
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError("Files up to 50 MB; use `deflect ems import` for more.")
        return upload


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class SettingsForm(forms.Form):
    area_kind = forms.ChoiceField(choices=AreaKind.choices, label="Count spikes per")
    h3_resolution = forms.IntegerField(min_value=5, max_value=10, label="Hex cell resolution")
    methods = forms.MultipleChoiceField(
        choices=Method.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    c1_threshold = forms.FloatField(label="C1 alarm at")
    c2_threshold = forms.FloatField(label="C2 alarm at")
    c3_threshold = forms.FloatField(label="C3 alarm at")
    count_threshold = forms.IntegerField(min_value=1, label="Overdoses in one area in 24 hours")
    notify_roles = forms.MultipleChoiceField(
        choices=[(r, Role(r).label) for r in (Role.COORDINATOR, Role.OUTREACH, Role.RESPONDER)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Tell these roles about a spike",
    )
    overdose_call_types = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line."
    )
    behavioral_call_types = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line."
    )

    def __init__(self, *args: Any, config: SurveillanceSettings, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "area_kind": config.area_kind,
                "h3_resolution": config.h3_resolution,
                "methods": config.methods,
                "c1_threshold": config.c1_threshold,
                "c2_threshold": config.c2_threshold,
                "c3_threshold": config.c3_threshold,
                "count_threshold": config.count_threshold,
                "notify_roles": config.notify_roles,
                "overdose_call_types": "\n".join(config.overdose_call_types),
                "behavioral_call_types": "\n".join(config.behavioral_call_types),
            },
        )
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["overdose_call_types"] = _lines(data["overdose_call_types"])
        data["behavioral_call_types"] = _lines(data["behavioral_call_types"])
        return data
