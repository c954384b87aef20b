from django import forms

from deflect.core.forms import IdField
from deflect.core.models import LevelOfCare

from .models import Handoff, Transport


class ReferralForm(forms.Form):
    person_id = IdField(widget=forms.HiddenInput)
    encounter_id = IdField(required=False, widget=forms.HiddenInput)
    case_id = IdField(required=False, widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    service_id = forms.ChoiceField(label="Service", choices=())
    need = forms.CharField(
        label="What the person needs", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    level_of_care = forms.ChoiceField(
        label="Level of care", required=False, choices=[("", "—"), *LevelOfCare.choices]
    )
    handoff = forms.ChoiceField(label="Warm handoff", choices=Handoff.choices)
    transport = forms.ChoiceField(label="Transported by", choices=Transport.choices)
    departed_at = forms.DateTimeField(
        label="Departed",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    arrived_at = forms.DateTimeField(
        label="Arrived",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    response_due_minutes = forms.IntegerField(
        label="Provider should answer within (minutes)",
        min_value=5,
        max_value=14 * 24 * 60,
        initial=120,
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_id"].choices = [("", "Choose a service")] + [
            (str(s.pk), f"{s.organization.name} — {s.name}") for s in services
        ]


class TransitionForm(forms.Form):
    status = forms.CharField(max_length=16)
    reason = forms.CharField(max_length=500, required=False)
    note = forms.CharField(max_length=5000, required=False, widget=forms.Textarea)
    intake_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
