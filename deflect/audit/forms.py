from django import forms

from .actions import Action, Outcome


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, label="Actor (username)")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    target_type = forms.CharField(required=False, label="Target type")
    target_id = forms.CharField(required=False, label="Target id")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
