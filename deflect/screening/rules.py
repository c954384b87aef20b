"""Screening rules: pure functions from plain values to a decision with its reasons.

No database access here; ``screening.services`` loads the program's rules and stores results.
The rules are documented for programs in docs/screening-rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deflect.core.models import LevelOfCare


class OffenseCategory(StrEnum):
    DRUG_POSSESSION = "drug_possession"
    DRUG_PARAPHERNALIA = "drug_paraphernalia"
    DRUG_SALE = "drug_sale"
    THEFT = "theft"
    TRESPASS = "trespass"
    DISORDERLY_CONDUCT = "disorderly_conduct"
    PROSTITUTION = "prostitution"
    PUBLIC_INTOXICATION = "public_intoxication"
    VANDALISM = "vandalism"
    ASSAULT = "assault"
    DOMESTIC_VIOLENCE = "domestic_violence"
    WEAPONS = "weapons"
    SEX_OFFENSE = "sex_offense"
    DUI = "dui"
    OTHER = "other"


# Categories that count as violent whatever the officer ticks.
VIOLENT_CATEGORIES = frozenset(
    {
        OffenseCategory.ASSAULT,
        OffenseCategory.DOMESTIC_VIOLENCE,
        OffenseCategory.WEAPONS,
        OffenseCategory.SEX_OFFENSE,
    }
)


@dataclass(frozen=True)
class EligibilityRules:
    """A program's configured eligibility rules (see screening.models.EligibilityRuleSet)."""

    excluded_offense_categories: frozenset[str] = frozenset()
    exclude_violent: bool = True
    exclude_outstanding_warrant: bool = True
    minimum_age: int | None = 18
    max_prior_participations: int | None = None


@dataclass(frozen=True)
class EligibilityFacts:
    """What the responder knows at the scene. ``None`` means not known."""

    offense_categories: frozenset[str] = frozenset()
    violent: bool | None = None
    outstanding_warrant: bool | None = None
    age: int | None = None
    prior_participations: int | None = None


@dataclass(frozen=True)
class EligibilityDecision:
    eligible: bool
    reasons: tuple[str, ...]


class Readiness(StrEnum):
    READY_NOW = "ready_now"
    CONSIDERING = "considering"
    NOT_READY = "not_ready"


class HousingStatus(StrEnum):
    HOUSED = "housed"
    UNSTABLY_HOUSED = "unstably_housed"
    UNSHELTERED = "unsheltered"
    SHELTER = "shelter"
    UNKNOWN = "unknown"


class Substance(StrEnum):
    OPIOIDS = "opioids"
    FENTANYL = "fentanyl"
    HEROIN = "heroin"
    PRESCRIPTION_OPIOIDS = "prescription_opioids"
    STIMULANTS = "stimulants"
    METHAMPHETAMINE = "methamphetamine"
    COCAINE = "cocaine"
    ALCOHOL = "alcohol"
    BENZODIAZEPINES = "benzodiazepines"
    CANNABIS = "cannabis"
    XYLAZINE = "xylazine"
    OTHER = "other"
    UNKNOWN = "unknown"


class OudIndicator(StrEnum):
    DAILY_OPIOID_USE = "daily_opioid_use"
    WITHDRAWAL_WHEN_STOPPING = "withdrawal_when_stopping"
    PRIOR_OVERDOSE = "prior_overdose"
    INJECTION_USE = "injection_use"
    UNSUCCESSFUL_ATTEMPTS_TO_CUT_DOWN = "unsuccessful_attempts_to_cut_down"
    CRAVING = "craving"
    PRIOR_MOUD = "prior_moud"


class HarmReductionOffer(StrEnum):
    NALOXONE = "naloxone"
    FENTANYL_TEST_STRIPS = "fentanyl_test_strips"
    XYLAZINE_TEST_STRIPS = "xylazine_test_strips"
    SYRINGE_SERVICES = "syringe_services"
    SAFER_USE_SUPPLIES = "safer_use_supplies"


@dataclass(frozen=True)
class NeedsAnswers:
    substances: frozenset[str] = frozenset()
    oud_indicators: frozenset[str] = frozenset()
    mental_health_crisis: bool = False
    immediate_medical_need: bool = False
    withdrawal_symptoms_now: bool = False
    housing: str = HousingStatus.UNKNOWN
    readiness: str = Readiness.CONSIDERING
    recent_overdose: bool = False


@dataclass(frozen=True)
class LevelOfCareDecision:
    level: LevelOfCare
    reasons: tuple[str, ...]
    harm_reduction_offers: tuple[str, ...] = field(default_factory=tuple)
    urgent_medical: bool = False
    crisis_services: bool = False


def evaluate_eligibility(rules: EligibilityRules, facts: EligibilityFacts) -> EligibilityDecision:
    """Eligible unless a configured rule excludes the person; every exclusion is a reason."""
    raise NotImplementedError


def recommend_level_of_care(answers: NeedsAnswers) -> LevelOfCareDecision:
    """The recommended level of care with its reasons, and harm-reduction offers."""
    raise NotImplementedError
