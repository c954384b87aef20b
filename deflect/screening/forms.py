from django import forms

from .rules import OFFENSE_CATEGORY_LABELS, OffenseCategory
from .services import MAX_AGE, MAX_PARTICIPATIONS

OFFENSE_CHOICES = [
    (c.value, OFFENSE_CATEGORY_LABELS[c][:1].upper() + OFFENSE_CATEGORY_LABELS[c][1:])
    for c in OffenseCategory
]
YES_NO_NOT_KNOWN = [("", "Not known"), ("true", "Yes"), ("false", "No")]


class EligibilityRulesForm(forms.Form):
    """A program's eligibility rules. Unticked boxes mean "do not exclude"."""

    excluded_offense_categories = forms.MultipleChoiceField(
        choices=OFFENSE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Offense categories this program excludes",
    )
    exclude_violent = forms.BooleanField(required=False, label="Exclude violent offenses")
    exclude_outstanding_warrant = forms.BooleanField(
        required=False, label="Exclude people with an outstanding warrant"
    )
    minimum_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        label="Minimum age",
        help_text="Leave empty for no minimum age.",
    )
    max_prior_participations = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PARTICIPATIONS,
        label="How many times a person may take part",
        help_text="Someone who has already taken part this many times is not eligible. "
        "Leave empty for no limit.",
    )


class SampleFactsForm(forms.Form):
    """Made-up facts for trying the rules; nothing is stored and no person is named."""

    offense_categories = forms.MultipleChoiceField(
        choices=OFFENSE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Offense categories",
    )
    violent = forms.ChoiceField(choices=YES_NO_NOT_KNOWN, required=False, label="Violent?")
    outstanding_warrant = forms.ChoiceField(
        choices=YES_NO_NOT_KNOWN, required=False, label="Outstanding warrant?"
    )
    age = forms.IntegerField(required=False, min_value=0, max_value=MAX_AGE, label="Age")
    prior_participations = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PARTICIPATIONS,
        label="Times taken part before",
    )
