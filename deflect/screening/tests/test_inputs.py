"""Raw answers from forms and the API become the rules' dataclasses, or a field-level error."""

import pytest
from django.http import QueryDict

from deflect.core.errors import ValidationFailed
from deflect.screening.rules import EligibilityFacts, EligibilityRules, NeedsAnswers
from deflect.screening.services import (
    eligibility_facts_from,
    eligibility_rules_from,
    needs_answers_from,
)


def fields_of(call, data) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call(data)
    return caught.value.fields


def test_eligibility_facts_from_an_api_body():
    facts = eligibility_facts_from(
        {
            "offense_categories": ["theft", "trespass"],
            "violent": False,
            "outstanding_warrant": None,
            "age": 41,
            "prior_participations": 0,
        }
    )
    assert facts == EligibilityFacts(
        offense_categories=frozenset({"theft", "trespass"}),
        violent=False,
        outstanding_warrant=None,
        age=41,
        prior_participations=0,
    )


def test_eligibility_facts_from_the_phone_form():
    facts = eligibility_facts_from(
        {"offense_categories": ["dui"], "violent": "true", "outstanding_warrant": "", "age": "19"}
    )
    assert facts.violent is True and facts.outstanding_warrant is None and facts.age == 19


def test_eligibility_facts_from_a_query_dict_keeps_every_category():
    post = QueryDict(mutable=True)
    post.setlist("offense_categories", ["theft", "vandalism"])
    post["age"] = "30"
    facts = eligibility_facts_from(post)
    assert facts.offense_categories == {"theft", "vandalism"} and facts.age == 30


def test_nothing_known_is_a_valid_answer():
    assert eligibility_facts_from({}) == EligibilityFacts()


def test_unknown_codes_and_bad_values_are_named_field_by_field():
    fields = fields_of(
        eligibility_facts_from,
        {
            "offense_categories": ["theft", "robbery"],
            "violent": "perhaps",
            "age": 130,
            "prior_participations": -1,
            "warrant": True,
        },
    )
    assert fields["offense_categories"] == ["Unknown offense category: 'robbery'."]
    assert set(fields) == {
        "offense_categories",
        "violent",
        "age",
        "prior_participations",
        "warrant",
    }


@pytest.mark.parametrize("age", [True, "eighteen", 17.5, -1])
def test_an_age_must_be_a_whole_number(age):
    assert "age" in fields_of(eligibility_facts_from, {"age": age})


def test_needs_answers_with_defaults():
    answers = needs_answers_from({"substances": ["fentanyl"]})
    assert answers == NeedsAnswers(substances=frozenset({"fentanyl"}))
    assert answers.housing == "unknown" and answers.readiness == "considering"


def test_needs_answers_from_checkboxes():
    answers = needs_answers_from(
        {"mental_health_crisis": "on", "recent_overdose": "on", "housing": "unsheltered"}
    )
    assert answers.mental_health_crisis and answers.recent_overdose
    assert not answers.immediate_medical_need
    assert answers.housing == "unsheltered"


def test_unknown_needs_codes_are_rejected():
    fields = fields_of(
        needs_answers_from,
        {
            "substances": ["kratom"],
            "oud_indicators": ["sad"],
            "housing": "castle",
            "readiness": "later",
            "recent_overdose": "maybe",
        },
    )
    assert set(fields) == {
        "substances",
        "oud_indicators",
        "housing",
        "readiness",
        "recent_overdose",
    }


def test_a_non_object_is_rejected():
    assert "__all__" in fields_of(needs_answers_from, ["fentanyl"])


def test_rules_from_values_with_defaults_for_what_is_left_out():
    assert eligibility_rules_from({}) == EligibilityRules()
    rules = eligibility_rules_from({"excluded_offense_categories": ["dui"], "minimum_age": None})
    assert rules.excluded_offense_categories == {"dui"} and rules.minimum_age is None


def test_a_participation_limit_of_zero_would_exclude_everyone_and_is_refused():
    assert "max_prior_participations" in fields_of(
        eligibility_rules_from, {"max_prior_participations": 0}
    )


def test_rule_switches_must_be_yes_or_no():
    assert "exclude_violent" in fields_of(eligibility_rules_from, {"exclude_violent": None})
