"""Screening API: a program's eligibility rules, and evaluations that store nothing."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.accounts.http import ApiRequest
from deflect.accounts.models import User
from deflect.core.models import LevelOfCare
from deflect.core.schemas import COMMON_ERRORS, WITH_NOT_FOUND, Id
from deflect.programs.models import Program

from . import selectors, services
from .rules import (
    EligibilityRules,
    HarmReductionOffer,
    HousingStatus,
    OffenseCategory,
    OudIndicator,
    Readiness,
    Substance,
    evaluate_eligibility,
    recommend_level_of_care,
    rules_as_dict,
)

router = Router(tags=["screening"])


def _codes(enum: type[Enum]) -> type:
    return Literal[tuple(item.value for item in enum)]  # type: ignore[return-value]


OffenseCode = _codes(OffenseCategory)
SubstanceCode = _codes(Substance)
IndicatorCode = _codes(OudIndicator)
HousingCode = _codes(HousingStatus)
ReadinessCode = _codes(Readiness)
LevelCode = _codes(LevelOfCare)
OfferCode = _codes(HarmReductionOffer)
Age = Annotated[StrictInt, Field(ge=0, le=services.MAX_AGE)]
Times = Annotated[StrictInt, Field(ge=0, le=services.MAX_PARTICIPATIONS)]
Limit = Annotated[StrictInt, Field(ge=1, le=services.MAX_PARTICIPATIONS)]


class EligibilityRulesOut(Schema):
    program_id: int
    configured: bool = Field(description="False while the program uses the default rules.")
    excluded_offense_categories: list[OffenseCode]  # type: ignore[valid-type]
    exclude_violent: bool
    exclude_outstanding_warrant: bool
    minimum_age: int | None
    max_prior_participations: int | None = Field(
        description="How many times a person may take part; null for no limit."
    )


class EligibilityRulesIn(Schema):
    """The whole rule set (PUT replaces it)."""

    model_config = ConfigDict(extra="forbid")

    excluded_offense_categories: list[OffenseCode] = Field(  # type: ignore[valid-type]
        max_length=len(OffenseCategory)
    )
    exclude_violent: StrictBool
    exclude_outstanding_warrant: StrictBool
    minimum_age: Age | None
    max_prior_participations: Limit | None


class EligibilityFactsIn(Schema):
    """What the responder knows; leave out or send null for what is not known."""

    model_config = ConfigDict(extra="forbid")

    offense_categories: list[OffenseCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(OffenseCategory)
    )
    violent: StrictBool | None = None
    outstanding_warrant: StrictBool | None = None
    age: Age | None = None
    prior_participations: Times | None = None


class EligibilityEvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    program_id: Id
    facts: EligibilityFactsIn


class EligibilityDecisionOut(Schema):
    program_id: int
    eligible: bool
    reasons: list[str]


class NeedsAnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    substances: list[SubstanceCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(Substance)
    )
    oud_indicators: list[IndicatorCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(OudIndicator)
    )
    mental_health_crisis: StrictBool = False
    immediate_medical_need: StrictBool = False
    withdrawal_symptoms_now: StrictBool = False
    housing: HousingCode = HousingStatus.UNKNOWN.value  # type: ignore[valid-type]
    readiness: ReadinessCode = Readiness.CONSIDERING.value  # type: ignore[valid-type]
    recent_overdose: StrictBool = False


class LevelOfCareOut(Schema):
    level: LevelCode  # type: ignore[valid-type]
    level_label: str
    reasons: list[str]
    harm_reduction_offers: list[OfferCode]  # type: ignore[valid-type]
    urgent_medical: bool = Field(description="Immediate medical need: EMS or transport first.")
    crisis_services: bool = Field(description="Mental-health crisis: crisis services first.")


def _rules_out(program: Program, rules: EligibilityRules, configured: bool) -> dict:
    return {"program_id": program.pk, "configured": configured, **rules_as_dict(rules)}


def _require_screening(actor: User, program: Program | None = None) -> None:
    """Responders and outreach (ENCOUNTER_CREATE) screen at the scene; coordinators try
    their rules (SCREENING_CONFIGURE)."""
    if not can(actor, caps.SCREENING_CONFIGURE, program):
        require(actor, caps.ENCOUNTER_CREATE, program)


@router.get(
    "/programs/{program_id}/eligibility-rules",
    response={200: EligibilityRulesOut, **WITH_NOT_FOUND},
    summary="A program's eligibility rules",
)
def eligibility_rules_get(request: ApiRequest, program_id: Id) -> dict[str, Any]:
    program = get_for(request.auth, Program, program_id)
    rule_set = selectors.eligibility_rule_set_get(program)
    if rule_set is None:
        return _rules_out(program, EligibilityRules(), False)
    return _rules_out(program, selectors.rules_from_rule_set(rule_set), True)


@router.put(
    "/programs/{program_id}/eligibility-rules",
    response={200: EligibilityRulesOut, **WITH_NOT_FOUND},
    summary="Replace a program's eligibility rules (its coordinators)",
)
def eligibility_rules_put(
    request: ApiRequest, program_id: Id, payload: EligibilityRulesIn
) -> dict[str, Any]:
    program = get_for(request.auth, Program, program_id, caps.SCREENING_CONFIGURE)
    rule_set = services.eligibility_rules_update(
        actor=request.auth, program=program, **payload.model_dump()
    )
    return _rules_out(program, selectors.rules_from_rule_set(rule_set), True)


@router.post(
    "/eligibility/evaluate",
    response={200: EligibilityDecisionOut, **WITH_NOT_FOUND},
    summary="Decide eligibility under a program's rules; nothing is stored",
)
def eligibility_evaluate(request: ApiRequest, payload: EligibilityEvaluateIn) -> dict[str, Any]:
    program = get_for(request.auth, Program, payload.program_id)
    _require_screening(request.auth, program)
    facts = services.eligibility_facts_from(payload.facts.model_dump())
    decision = evaluate_eligibility(selectors.eligibility_rules_for(program), facts)
    return {"program_id": program.pk, "eligible": decision.eligible, "reasons": decision.reasons}


@router.post(
    "/needs/evaluate",
    response={200: LevelOfCareOut, **COMMON_ERRORS},
    summary="Recommend a level of care and harm-reduction offers; nothing is stored",
)
def needs_evaluate(request: ApiRequest, payload: NeedsAnswersIn) -> dict[str, Any]:
    _require_screening(request.auth)
    answers = services.needs_answers_from(payload.model_dump())
    result = recommend_level_of_care(answers)
    return {
        "level": result.level.value,
        "level_label": result.level.label,
        "reasons": result.reasons,
        "harm_reduction_offers": result.harm_reduction_offers,
        "urgent_medical": result.urgent_medical,
        "crisis_services": result.crisis_services,
    }
