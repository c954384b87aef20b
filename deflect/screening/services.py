"""Writes for screening: a program's eligibility rules, and the screenings of an encounter.

The decisions themselves are the pure functions in ``screening.rules``; this module validates
input, stores the facts with the decision and its reasons, and audits rule changes and
overrides in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.programs.models import Program

from .models import EligibilityRuleSet, EligibilityScreening, NeedsScreening
from .rules import (
    EligibilityFacts,
    EligibilityRules,
    HousingStatus,
    NeedsAnswers,
    OffenseCategory,
    OudIndicator,
    Readiness,
    Substance,
    answers_as_dict,
    evaluate_eligibility,
    facts_as_dict,
    recommend_level_of_care,
    rules_as_dict,
)
from .selectors import eligibility_rules_for, rules_from_rule_set

__all__ = [
    "eligibility_facts_from",
    "eligibility_rules_for",
    "eligibility_rules_from",
    "eligibility_rules_update",
    "needs_answers_from",
    "screening_record",
]

MAX_AGE = 120
MAX_PARTICIPATIONS = 100
MAX_OVERRIDE_REASON = 2000

RULE_FIELDS = (
    "excluded_offense_categories",
    "exclude_violent",
    "exclude_outstanding_warrant",
    "minimum_age",
    "max_prior_participations",
)
FACT_FIELDS = (
    "offense_categories",
    "violent",
    "outstanding_warrant",
    "age",
    "prior_participations",
)
ANSWER_FIELDS = (
    "substances",
    "oud_indicators",
    "mental_health_crisis",
    "immediate_medical_need",
    "withdrawal_symptoms_now",
    "housing",
    "readiness",
    "recent_overdose",
)
LIST_FIELDS = frozenset(
    {"excluded_offense_categories", "offense_categories", "substances", "oud_indicators"}
)

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_NOT_KNOWN = frozenset({"", "unknown", "null", "none", "not_known"})


# ---------------------------------------------------------------------------------------------
# Turning raw input (API bodies, form posts) into the rules' dataclasses
# ---------------------------------------------------------------------------------------------


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _plain(data: Any, fields: Iterable[str], errors: _Errors) -> dict[str, Any]:
    """A plain dict of ``data`` (a dict or a QueryDict); unknown keys are errors."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        errors.add("__all__", "Expected an object of answers.")
        return {}
    allowed = set(fields)
    for key in data:
        if key not in allowed:
            errors.add(str(key), "Unknown field.")
    if hasattr(data, "getlist"):  # a QueryDict from a form post
        return {
            key: (data.getlist(key) if key in LIST_FIELDS else data.get(key))
            for key in data
            if key in allowed
        }
    return {key: value for key, value in data.items() if key in allowed}


def _codes(value: Any, field: str, enum: type[StrEnum], what: str, errors: _Errors) -> frozenset:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        errors.add(field, "Expected a list of codes.")
        return frozenset()
    known = set(enum)
    chosen = set()
    for code in value:
        if not isinstance(code, str) or code not in known:
            errors.add(field, f"Unknown {what}: {str(code)[:40]!r}.")
        else:
            chosen.add(code)
    return frozenset(chosen)


def _tristate(value: Any, field: str, errors: _Errors) -> bool | None:
    """True, False or None (not known)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text in _NOT_KNOWN:
            return None
    errors.add(field, "Answer yes, no, or leave it empty if not known.")
    return None


def _flag(value: Any, field: str, errors: _Errors) -> bool:
    """A checkbox: missing or empty is False."""
    answer = _tristate(value, field, errors)
    return bool(answer)


def _whole_number(
    value: Any, field: str, low: int, high: int, message: str, errors: _Errors
) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.add(field, message)
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            errors.add(field, message)
            return None
    if not isinstance(value, int) or not low <= value <= high:
        errors.add(field, message)
        return None
    return value


def _choice(value: Any, field: str, enum: type[StrEnum], default: str, errors: _Errors) -> str:
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value not in set(enum):
        errors.add(field, f"Unknown answer: {str(value)[:40]!r}.")
        return default
    return value


def eligibility_facts_from(data: Mapping) -> EligibilityFacts:
    """Validate raw eligibility facts (keys as in ``EligibilityFacts``); a missing or empty
    value means not known. Raises ValidationFailed naming each bad field."""
    errors = _Errors()
    raw = _plain(data, FACT_FIELDS, errors)
    facts = EligibilityFacts(
        offense_categories=_codes(
            raw.get("offense_categories"),
            "offense_categories",
            OffenseCategory,
            "offense category",
            errors,
        ),
        violent=_tristate(raw.get("violent"), "violent", errors),
        outstanding_warrant=_tristate(
            raw.get("outstanding_warrant"), "outstanding_warrant", errors
        ),
        age=_whole_number(
            raw.get("age"), "age", 0, MAX_AGE, f"Give an age from 0 to {MAX_AGE}.", errors
        ),
        prior_participations=_whole_number(
            raw.get("prior_participations"),
            "prior_participations",
            0,
            MAX_PARTICIPATIONS,
            f"Give a number from 0 to {MAX_PARTICIPATIONS}.",
            errors,
        ),
    )
    if errors:
        raise ValidationFailed("Some eligibility answers are not valid.", fields=dict(errors))
    return facts


def needs_answers_from(data: Mapping) -> NeedsAnswers:
    """Validate raw needs answers (keys as in ``NeedsAnswers``); a missing checkbox is False,
    housing defaults to unknown and readiness to considering. Raises ValidationFailed."""
    errors = _Errors()
    raw = _plain(data, ANSWER_FIELDS, errors)
    answers = NeedsAnswers(
        substances=_codes(raw.get("substances"), "substances", Substance, "substance", errors),
        oud_indicators=_codes(
            raw.get("oud_indicators"), "oud_indicators", OudIndicator, "indicator", errors
        ),
        mental_health_crisis=_flag(raw.get("mental_health_crisis"), "mental_health_crisis", errors),
        immediate_medical_need=_flag(
            raw.get("immediate_medical_need"), "immediate_medical_need", errors
        ),
        withdrawal_symptoms_now=_flag(
            raw.get("withdrawal_symptoms_now"), "withdrawal_symptoms_now", errors
        ),
        housing=_choice(
            raw.get("housing"), "housing", HousingStatus, HousingStatus.UNKNOWN.value, errors
        ),
        readiness=_choice(
            raw.get("readiness"), "readiness", Readiness, Readiness.CONSIDERING.value, errors
        ),
        recent_overdose=_flag(raw.get("recent_overdose"), "recent_overdose", errors),
    )
    if errors:
        raise ValidationFailed("Some needs answers are not valid.", fields=dict(errors))
    return answers


def eligibility_rules_from(data: Mapping) -> EligibilityRules:
    """Validate a complete set of rule values (keys as in ``EligibilityRules``; missing keys
    take the defaults). Used for saving and for trying unsaved rules."""
    errors = _Errors()
    raw = _plain(data, RULE_FIELDS, errors)
    defaults = EligibilityRules()
    rules = EligibilityRules(
        excluded_offense_categories=_codes(
            raw.get("excluded_offense_categories"),
            "excluded_offense_categories",
            OffenseCategory,
            "offense category",
            errors,
        ),
        exclude_violent=_strict_bool(
            raw.get("exclude_violent", defaults.exclude_violent), "exclude_violent", errors
        ),
        exclude_outstanding_warrant=_strict_bool(
            raw.get("exclude_outstanding_warrant", defaults.exclude_outstanding_warrant),
            "exclude_outstanding_warrant",
            errors,
        ),
        minimum_age=_whole_number(
            raw.get("minimum_age", defaults.minimum_age),
            "minimum_age",
            0,
            MAX_AGE,
            f"Give a minimum age from 0 to {MAX_AGE}, or leave it empty for no minimum.",
            errors,
        ),
        max_prior_participations=_whole_number(
            raw.get("max_prior_participations", defaults.max_prior_participations),
            "max_prior_participations",
            1,
            MAX_PARTICIPATIONS,
            f"Give a limit from 1 to {MAX_PARTICIPATIONS}, or leave it empty for no limit.",
            errors,
        ),
    )
    if errors:
        raise ValidationFailed("Some rules are not valid.", fields=dict(errors))
    return rules


def _strict_bool(value: Any, field: str, errors: _Errors) -> bool:
    answer = _tristate(value, field, errors)
    if answer is None and field not in errors:
        errors.add(field, "Answer yes or no.")
    return bool(answer)


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


@atomic_service
def eligibility_rules_update(*, actor: User, program: Program, **fields: Any) -> EligibilityRuleSet:
    """Change some or all of a program's eligibility rules (its coordinators only).

    Fields not given keep their current value. The change, with the values before and after,
    is audited in the same transaction.
    """
    require(actor, caps.SCREENING_CONFIGURE, program)
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise ValidationFailed(
            "Unknown rule.", fields={name: ["Not an eligibility rule."] for name in unknown}
        )
    rule_set, _ = EligibilityRuleSet.objects.select_for_update().get_or_create(program=program)
    before = rules_as_dict(rules_from_rule_set(rule_set))
    after = rules_as_dict(eligibility_rules_from({**before, **fields}))
    for name in RULE_FIELDS:
        setattr(rule_set, name, after[name])
    rule_set.save()
    changed = [name for name in RULE_FIELDS if before[name] != after[name]]
    audit_record(
        action=Action.SCREENING_RULES_UPDATE,
        actor=actor,
        target=program,
        extra={
            "rule_set_id": rule_set.pk,
            "changed": changed,
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
        },
    )
    return rule_set


@atomic_service
def screening_record(
    *,
    actor: User,
    encounter: Any,  # an encounters.Encounter (named, not imported: encounters calls in here)
    eligibility: EligibilityFacts | None,
    override_reason: str = "",
    override_eligible: bool | None = None,
    needs: NeedsAnswers | None,
) -> tuple[EligibilityScreening | None, NeedsScreening | None]:
    """Decide and store an encounter's screenings; the encounter service calls this inside
    its own transaction and checks the actor may record.

    The program's rules decide eligibility. ``override_eligible`` different from the rules'
    decision is an officer-discretion override: it needs a written ``override_reason`` and is
    audited (ELIGIBILITY_OVERRIDE). An ``override_eligible`` equal to the rules' decision
    changes nothing.
    """
    eligibility_row = needs_row = None
    if eligibility is None and override_eligible is not None:
        raise ValidationFailed(
            "An eligibility override needs the eligibility screening it overrides.",
            fields={"eligibility": ["Record the eligibility facts before overriding."]},
        )
    if eligibility is not None:
        eligibility = eligibility_facts_from(facts_as_dict(eligibility))
        rules = eligibility_rules_for(encounter.program)
        decision = evaluate_eligibility(rules, eligibility)
        overridden = override_eligible is not None and override_eligible != decision.eligible
        reason = (override_reason or "").strip() if overridden else ""
        if overridden and not reason:
            raise ValidationFailed(
                "Write why you are overriding the program's eligibility rules.",
                fields={"override_reason": ["An override needs a written reason."]},
            )
        if len(reason) > MAX_OVERRIDE_REASON:
            raise ValidationFailed(
                "The override reason is too long.",
                fields={"override_reason": [f"At most {MAX_OVERRIDE_REASON} characters."]},
            )
        eligibility_row = EligibilityScreening.objects.create(
            encounter=encounter,
            facts=facts_as_dict(eligibility),
            rules=rules_as_dict(rules),
            rule_eligible=decision.eligible,
            reasons=list(decision.reasons),
            overridden=overridden,
            override_reason=reason,
            overridden_by=actor if overridden else None,
            eligible=bool(override_eligible) if overridden else decision.eligible,
        )
        if overridden:
            audit_record(
                action=Action.ELIGIBILITY_OVERRIDE,
                actor=actor,
                target=eligibility_row,
                agency=encounter.agency,
                extra={
                    "encounter_id": encounter.pk,
                    "program_id": encounter.program_id,
                    "rule_eligible": decision.eligible,
                    "eligible": eligibility_row.eligible,
                },
            )
    if needs is not None:
        needs = needs_answers_from(answers_as_dict(needs))
        result = recommend_level_of_care(needs)
        needs_row = NeedsScreening.objects.create(
            encounter=encounter,
            **answers_as_dict(needs),
            recommended_level_of_care=result.level,
            urgent_medical=result.urgent_medical,
            crisis_services=result.crisis_services,
            reasons=list(result.reasons),
            harm_reduction_offers=list(result.harm_reduction_offers),
        )
    return eligibility_row, needs_row
