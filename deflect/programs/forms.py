from django import forms

from deflect.core.models import Pathway


class ProgramEditForm(forms.Form):
    jurisdiction = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pathways = forms.MultipleChoiceField(
        choices=Pathway.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one pathway."},
    )
