"""Forms of the planning pages: an activity, and the intercept map's resources, gaps and
action items."""

from __future__ import annotations

from typing import Any

from django import forms

from deflect.accounts.models import User
from deflect.programs.models import Program
from deflect.programs.selectors import program_staff
from deflect.resources.models import Organization, Service

from .models import Intercept
from .services import EVIDENCE_EXTENSIONS


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class ActivityForm(forms.Form):
    title = forms.CharField(max_length=500)
    owner = StaffChoiceField(queryset=None, required=False, empty_label="— nobody yet —")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_label = forms.CharField(max_length=200, required=False, label="Evidence: what it is")
    evidence_url = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"list": "evidence-suggestions"}),
        label="Evidence: link",
        help_text="A deflect page (e.g. /programs/1/eligibility/) or an https:// address.",
    )
    evidence_file = forms.FileField(
        required=False,
        label="Evidence: document",
        help_text="PDF, image, Word, OpenDocument or text, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(EVIDENCE_EXTENSIONS))}),
    )
    remove_file = forms.BooleanField(required=False, label="Remove the attached document")

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = program_staff(program)


class AddActivityForm(forms.Form):
    title = forms.CharField(max_length=500, label="New activity")


class _InterceptField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Intercept.choices, coerce=int, **kwargs)


class InterceptResourceForm(forms.Form):
    intercept = _InterceptField()
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, label="From the directory: service"
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label="From the directory: organization",
    )
    name = forms.CharField(max_length=300, required=False, label="Name (if not in the directory)")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.select_related("organization").order_by("name")
        _choices(self, "service").queryset = services
        _choices(self, "organization").queryset = Organization.objects.order_by("name")


class InterceptGapForm(forms.Form):
    intercept = _InterceptField()
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Gap")


class InterceptActionForm(forms.Form):
    intercept = _InterceptField()
    title = forms.CharField(max_length=300, label="Action item")
    owner = StaffChoiceField(queryset=None, required=False, empty_label="— nobody yet —")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = program_staff(program)
