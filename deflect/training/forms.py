from django import forms

from deflect.accounts.models import Agency, User

from .models import Course, Topic

_DATE = forms.DateInput(attrs={"type": "date"})


class StaffField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class CourseForm(forms.Form):
    name = forms.CharField(max_length=200)
    topic = forms.ChoiceField(choices=Topic.choices)
    hours = forms.DecimalField(max_digits=5, decimal_places=1, required=False, min_value=0.5)
    validity_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=240,
        label="Valid for (months)",
        help_text="Leave empty if the training does not expire.",
    )


class RecordForm(forms.Form):
    course: "forms.ModelChoiceField[Course]" = forms.ModelChoiceField(queryset=None)
    user = StaffField(queryset=None, label="Staff member")
    completed_on = forms.DateField(widget=_DATE, label="Completed on")
    certificate_number = forms.CharField(max_length=100, required=False)
    instructor = forms.CharField(max_length=200, required=False)
    certificate = forms.FileField(required=False, help_text="PDF or image, up to 10 MB.")

    def __init__(self, *args, courses, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["user"].queryset = staff


class PolicyForm(forms.Form):
    min_officer_share = forms.IntegerField(
        min_value=0, max_value=100, label="Minimum share of sworn officers trained (%)"
    )
    min_dispatcher_share = forms.IntegerField(
        min_value=0, max_value=100, label="Minimum share of dispatchers trained (%)"
    )
    min_cit_per_shift = forms.IntegerField(
        min_value=0, max_value=100, label="Crisis-intervention-trained staff per shift"
    )


class ShiftForm(forms.Form):
    agency: "forms.ModelChoiceField[Agency]" = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=100, label="Shift name")
    starts_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Starts")
    ends_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Ends")
    members: "forms.ModelMultipleChoiceField[User]" = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="On this shift"
    )

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["members"].queryset = staff
