"""Forms parse the web pages' input; the services validate and decide."""

from django import forms

from deflect.accounts.models import Agency
from deflect.programs.models import Program

from .choices import ContactMethod, Ethnicity, Gender, Insurance, Race
from .consent import DEFAULT_REVOCATION_STATEMENT
from .models import ConsentPurpose, InformationCategory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false"}


class PersonSearchForm(forms.Form):
    first_name = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(NO_AUTOFILL)
    )
    last_name = forms.CharField(max_length=100, required=False, widget=forms.TextInput(NO_AUTOFILL))
    date_of_birth = forms.DateField(required=False, widget=DATE_INPUT)
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "off"}),
    )
    # Set by the search page itself: show links to records rather than "Use this person".
    browse = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def query(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data.get("first_name") or "",
            "last_name": data.get("last_name") or "",
            "date_of_birth": data.get("date_of_birth"),
            "phone": data.get("phone") or "",
        }


class PersonCreateForm(forms.Form):
    program: "forms.ModelChoiceField[Program]" = forms.ModelChoiceField(
        queryset=None, empty_label=None
    )
    first_name = forms.CharField(max_length=100, required=False)
    middle_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(required=False, widget=DATE_INPUT)
    age_estimate = forms.IntegerField(
        required=False, min_value=0, max_value=120, label="Or estimated age"
    )
    is_unidentified = forms.BooleanField(required=False, label="Unidentified person")
    description = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For an unidentified person: apparent age, clothing, distinguishing features.",
    )
    phone = forms.CharField(
        max_length=40, required=False, widget=forms.TextInput({"inputmode": "tel"})
    )
    may_text = forms.BooleanField(required=False, label="OK to text this number")
    email = forms.EmailField(required=False)
    preferred_contact = forms.ChoiceField(
        choices=[("", "Not asked"), *ContactMethod.choices], required=False
    )
    race = forms.ChoiceField(choices=Race.choices, initial=Race.UNKNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.UNKNOWN)
    gender = forms.ChoiceField(choices=Gender.choices, initial=Gender.UNKNOWN)
    insurance = forms.ChoiceField(choices=Insurance.choices, initial=Insurance.UNKNOWN)
    preferred_language = forms.CharField(max_length=35, initial="en")
    needs_interpreter = forms.BooleanField(required=False)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        if len(programs) == 1:
            self.fields["program"].widget = forms.HiddenInput()
            self.fields["program"].initial = programs[0].pk

    def person_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "program"}


class ConsentForm(forms.Form):
    """The consent a person signs on the responder's phone: what, to whom, why, until when,
    their typed name, and the responder's attestation."""

    information_categories = forms.MultipleChoiceField(
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Information that may be shared",
    )
    information = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="More detail (optional)",
    )
    recipient_agency: "forms.ModelChoiceField[Agency]" = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Another recipient (name it below)"
    )
    recipient_name = forms.CharField(
        max_length=300, required=False, label="Recipient's name, if not an agency above"
    )
    purposes = forms.MultipleChoiceField(
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Purpose",
        help_text="Use in legal proceedings needs a consent of its own.",
    )
    discloser = forms.CharField(max_length=300, required=False, label="Who may share it")
    expires_on = forms.DateField(required=False, widget=DATE_INPUT, label="Expires on")
    expiry_event = forms.CharField(
        max_length=300, required=False, label="Or expires when", help_text="e.g. program ends"
    )
    revocation_statement = forms.CharField(
        widget=forms.HiddenInput, initial=DEFAULT_REVOCATION_STATEMENT, required=False
    )
    signature_name = forms.CharField(
        max_length=200, required=False, label="Signature: the person types their full name"
    )
    attested = forms.BooleanField(
        required=False,
        label="I read this consent to the person, they understood it and typed their name",
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_agency"].queryset = recipients

    def elements(self) -> dict:
        data = dict(self.cleaned_data)
        data["information_categories"] = list(data.get("information_categories") or [])
        data["purposes"] = list(data.get("purposes") or [])
        return data


class RevokeForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label="How the person revoked it")


class AliasForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False, label="Alias first name")
    last_name = forms.CharField(max_length=100, required=False, label="Alias last name")
