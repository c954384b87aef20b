from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Model

from .models import Agency, Role

ROLE_CHOICES = [("", "Choose a role"), *Role.choices]


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password do not match an active account. "
        "After 5 failed attempts the account is locked for 10 minutes.",
        "inactive": "This account is disabled.",
    }


class StaffAddForm(forms.Form):
    """A coordinator adds a staff member: a new account, or a role for an existing one."""

    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    agency: "forms.ModelChoiceField[Agency]" = forms.ModelChoiceField(
        queryset=None, empty_label="Choose an agency"
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="For a new account: at least 12 characters. Leave empty to add a role "
        "to an existing account.",
    )

    def __init__(self, *args, agencies, allow_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        if not allow_admin:
            role = cast(forms.ChoiceField, self.fields["role"])
            role.choices = [choice for choice in ROLE_CHOICES if choice[0] != Role.ADMIN]


class ApiTokenCreateForm(forms.Form):
    """A user creates one of their own API tokens, optionally read-only or for one program."""

    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “county CAD import”.")
    read_only = forms.BooleanField(
        required=False, label="Read-only", help_text="The token may read but never change data."
    )
    program: "forms.ModelChoiceField[Model]" = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="All my programs",
        help_text="Limit the token to one program.",
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
