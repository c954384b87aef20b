from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Timely, Treatment
from .services import MAX_TEXT


class FeedbackForm(forms.Form):
    expired = False  # set when a stale form was refused, so the page asks to answer again
    treated = forms.TypedChoiceField(
        choices=Treatment.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How were you treated?"),
        error_messages={"required": _("Please choose an answer.")},
    )
    timely = forms.ChoiceField(
        choices=Timely.choices,
        widget=forms.RadioSelect,
        label=_("Did help come in time?"),
        error_messages={"required": _("Please choose an answer.")},
    )
    would_have_helped = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        required=False,
        label=_("What would have helped?"),
        help_text=_("Please do not write your name or anyone else's."),
    )
    # Spam protection: a field people never see, and the signed time the form was handed out.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    token = forms.CharField(widget=forms.HiddenInput)
