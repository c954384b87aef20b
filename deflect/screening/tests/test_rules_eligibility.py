"""Eligibility is a pure function: the program's rules and what the responder knows in, a
decision and its plain-language reasons out. No database here."""

import pytest

from deflect.screening.rules import (
    VIOLENT_CATEGORIES,
    EligibilityFacts,
    EligibilityRules,
    OffenseCategory,
    evaluate_eligibility,
)

# A person about whom everything is known and nothing excludes.
CLEAN = EligibilityFacts(
    offense_categories=frozenset({"drug_possession"}),
    violent=False,
    outstanding_warrant=False,
    age=34,
    prior_participations=0,
)
STRICT = EligibilityRules(
    excluded_offense_categories=frozenset({"drug_sale", "dui", "sex_offense"}),
    exclude_violent=True,
    exclude_outstanding_warrant=True,
    minimum_age=18,
    max_prior_participations=2,
)


def facts(**changes) -> EligibilityFacts:
    return EligibilityFacts(**{**CLEAN.__dict__, **changes})


def test_a_person_no_rule_excludes_is_eligible_with_a_positive_reason():
    decision = evaluate_eligibility(STRICT, CLEAN)
    assert decision.eligible
    assert decision.reasons == ("No exclusion rule of this program applies",)


def test_an_excluded_offense_category_is_named_in_plain_words():
    decision = evaluate_eligibility(STRICT, facts(offense_categories=frozenset({"drug_sale"})))
    assert not decision.eligible
    assert decision.reasons == ("Offense category 'drug sale' is excluded by this program",)


def test_a_category_the_program_does_not_exclude_is_fine():
    rules = EligibilityRules(excluded_offense_categories=frozenset({"dui"}))
    assert evaluate_eligibility(rules, facts(offense_categories=frozenset({"theft"}))).eligible


def test_a_violent_offense_excludes_when_the_program_excludes_violence():
    decision = evaluate_eligibility(STRICT, facts(violent=True))
    assert not decision.eligible and decision.reasons == ("Violent offense",)


@pytest.mark.parametrize("category", sorted(VIOLENT_CATEGORIES))
def test_violent_categories_count_as_violent_whatever_the_officer_ticks(category):
    decision = evaluate_eligibility(
        EligibilityRules(), facts(offense_categories=frozenset({category}), violent=False)
    )
    assert not decision.eligible
    assert decision.reasons[0].startswith("Violent offense")
    assert "counts as violent" in decision.reasons[0]


def test_a_program_that_takes_violent_offenses_does_not_exclude_them():
    rules = EligibilityRules(exclude_violent=False)
    decision = evaluate_eligibility(
        rules, facts(violent=True, offense_categories=frozenset({"assault"}))
    )
    assert decision.eligible


def test_an_outstanding_warrant_excludes_when_configured():
    assert evaluate_eligibility(STRICT, facts(outstanding_warrant=True)).reasons == (
        "Outstanding warrant",
    )
    lenient = EligibilityRules(exclude_outstanding_warrant=False)
    assert evaluate_eligibility(lenient, facts(outstanding_warrant=True)).eligible


def test_under_the_minimum_age():
    decision = evaluate_eligibility(STRICT, facts(age=17))
    assert not decision.eligible and decision.reasons == ("Under the minimum age of 18",)
    assert evaluate_eligibility(STRICT, facts(age=18)).eligible


def test_no_minimum_age_means_any_age():
    assert evaluate_eligibility(EligibilityRules(minimum_age=None), facts(age=15)).eligible


def test_the_participation_limit_counts_earlier_times():
    decision = evaluate_eligibility(STRICT, facts(prior_participations=2))
    assert decision.reasons == ("Already participated 2 times; the limit is 2",)
    assert evaluate_eligibility(STRICT, facts(prior_participations=1)).eligible
    once = EligibilityRules(max_prior_participations=1)
    assert evaluate_eligibility(once, facts(prior_participations=1)).reasons == (
        "Already participated 1 time; the limit is 1",
    )


def test_no_limit_means_any_number_of_times():
    assert evaluate_eligibility(EligibilityRules(), facts(prior_participations=9)).eligible


def test_unknown_facts_never_exclude_but_ask_to_confirm():
    decision = evaluate_eligibility(STRICT, EligibilityFacts())
    assert decision.eligible
    assert decision.reasons[0] == "No exclusion rule of this program applies to what is known"
    assert "Age not known — confirm before enrolling" in decision.reasons
    assert "Warrant status not known — confirm before enrolling" in decision.reasons
    assert any(
        r.startswith("Whether the offense was violent is not known") for r in decision.reasons
    )
    assert any(r.startswith("Prior participation not known") for r in decision.reasons)


def test_an_unknown_fact_is_only_mentioned_when_a_rule_depends_on_it():
    rules = EligibilityRules(
        exclude_violent=False,
        exclude_outstanding_warrant=False,
        minimum_age=None,
        max_prior_participations=None,
    )
    decision = evaluate_eligibility(rules, EligibilityFacts())
    assert decision.reasons == ("No exclusion rule of this program applies",)


def test_a_known_violent_category_makes_the_unknown_violent_answer_moot():
    decision = evaluate_eligibility(
        EligibilityRules(), facts(violent=None, offense_categories=frozenset({"weapons"}))
    )
    assert not any("not known" in r and "violent" in r for r in decision.reasons)


def test_every_exclusion_is_a_reason_and_unknowns_follow():
    decision = evaluate_eligibility(
        STRICT,
        EligibilityFacts(
            offense_categories=frozenset({"dui", "sex_offense", "drug_sale"}),
            violent=None,
            outstanding_warrant=True,
            age=None,
            prior_participations=3,
        ),
    )
    assert not decision.eligible
    assert decision.reasons == (
        "Offense category 'drug sale' is excluded by this program",
        "Offense category 'sex offense' is excluded by this program",
        "Offense category 'DUI' is excluded by this program",
        "Violent offense (sex offense counts as violent)",
        "Outstanding warrant",
        "Already participated 3 times; the limit is 2",
        "Age not known — confirm before enrolling",
    )


def test_the_default_rules_exclude_violence_and_warrants_and_minors():
    defaults = EligibilityRules()
    assert not evaluate_eligibility(defaults, facts(outstanding_warrant=True)).eligible
    assert not evaluate_eligibility(defaults, facts(violent=True)).eligible
    assert not evaluate_eligibility(defaults, facts(age=16)).eligible
    assert evaluate_eligibility(
        defaults, facts(offense_categories=frozenset({"drug_sale"}))
    ).eligible


def test_the_reasons_do_not_depend_on_set_order():
    many = frozenset(c.value for c in OffenseCategory)
    rules = EligibilityRules(excluded_offense_categories=many)
    first = evaluate_eligibility(rules, facts(offense_categories=many))
    again = evaluate_eligibility(rules, facts(offense_categories=frozenset(sorted(many))))
    assert first == again
