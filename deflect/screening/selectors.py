"""Reads for screening: a program's eligibility rules."""

from __future__ import annotations

from deflect.programs.models import Program

from .models import EligibilityRuleSet
from .rules import EligibilityRules


def rules_from_rule_set(rule_set: EligibilityRuleSet) -> EligibilityRules:
    return EligibilityRules(
        excluded_offense_categories=frozenset(rule_set.excluded_offense_categories or ()),
        exclude_violent=rule_set.exclude_violent,
        exclude_outstanding_warrant=rule_set.exclude_outstanding_warrant,
        minimum_age=rule_set.minimum_age,
        max_prior_participations=rule_set.max_prior_participations,
    )


def eligibility_rule_set_get(program: Program) -> EligibilityRuleSet | None:
    """The program's saved rule set, or None while it still uses the defaults."""
    return EligibilityRuleSet.objects.filter(program=program).first()


def eligibility_rules_for(program: Program) -> EligibilityRules:
    """The rules a program's screenings are decided by: its saved rule set, or the defaults
    (violent offenses and outstanding warrants excluded, minimum age 18)."""
    rule_set = eligibility_rule_set_get(program)
    return rules_from_rule_set(rule_set) if rule_set is not None else EligibilityRules()
