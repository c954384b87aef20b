from django import forms

from deflect.accounts.models import Agency, Role
from deflect.core.models import Pathway


class ProgramEditForm(forms.Form):
    jurisdiction = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pathways = forms.MultipleChoiceField(
        choices=Pathway.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one pathway."},
    )


class ProgramMfaForm(forms.Form):
    """Roles and member agencies whose staff must sign in with a second factor."""

    roles = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Staff holding one of these roles at any member agency.",
    )
    agencies: "forms.ModelMultipleChoiceField[Agency]" = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every staff member of these agencies, whatever their role.",
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = Role.choices
        self.fields["agencies"].queryset = program.agencies.all()
