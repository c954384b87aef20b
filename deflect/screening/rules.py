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


# Plain-language names for reasons and pages.
OFFENSE_CATEGORY_LABELS: dict[str, str] = {
    OffenseCategory.DRUG_POSSESSION: "drug possession",
    OffenseCategory.DRUG_PARAPHERNALIA: "drug paraphernalia",
    OffenseCategory.DRUG_SALE: "drug sale",
    OffenseCategory.THEFT: "theft",
    OffenseCategory.TRESPASS: "trespass",
    OffenseCategory.DISORDERLY_CONDUCT: "disorderly conduct",
    OffenseCategory.PROSTITUTION: "prostitution",
    OffenseCategory.PUBLIC_INTOXICATION: "public intoxication",
    OffenseCategory.VANDALISM: "vandalism",
    OffenseCategory.ASSAULT: "assault",
    OffenseCategory.DOMESTIC_VIOLENCE: "domestic violence",
    OffenseCategory.WEAPONS: "weapons",
    OffenseCategory.SEX_OFFENSE: "sex offense",
    OffenseCategory.DUI: "DUI",
    OffenseCategory.OTHER: "other",
}
SUBSTANCE_LABELS: dict[str, str] = {
    Substance.OPIOIDS: "opioids (kind not known)",
    Substance.FENTANYL: "fentanyl",
    Substance.HEROIN: "heroin",
    Substance.PRESCRIPTION_OPIOIDS: "prescription opioids",
    Substance.STIMULANTS: "stimulants (kind not known)",
    Substance.METHAMPHETAMINE: "methamphetamine",
    Substance.COCAINE: "cocaine",
    Substance.ALCOHOL: "alcohol",
    Substance.BENZODIAZEPINES: "benzodiazepines",
    Substance.CANNABIS: "cannabis",
    Substance.XYLAZINE: "xylazine",
    Substance.OTHER: "another substance",
    Substance.UNKNOWN: "substance not known",
}
OUD_INDICATOR_LABELS: dict[str, str] = {
    OudIndicator.DAILY_OPIOID_USE: "daily opioid use",
    OudIndicator.WITHDRAWAL_WHEN_STOPPING: "withdrawal when stopping",
    OudIndicator.PRIOR_OVERDOSE: "prior overdose",
    OudIndicator.INJECTION_USE: "injection use",
    OudIndicator.UNSUCCESSFUL_ATTEMPTS_TO_CUT_DOWN: "unsuccessful attempts to cut down",
    OudIndicator.CRAVING: "craving",
    OudIndicator.PRIOR_MOUD: "has been on MOUD before",
}
HOUSING_LABELS: dict[str, str] = {
    HousingStatus.HOUSED: "housed",
    HousingStatus.UNSTABLY_HOUSED: "unstably housed",
    HousingStatus.UNSHELTERED: "unsheltered",
    HousingStatus.SHELTER: "in a shelter",
    HousingStatus.UNKNOWN: "not known",
}
READINESS_LABELS: dict[str, str] = {
    Readiness.READY_NOW: "ready for treatment now",
    Readiness.CONSIDERING: "considering treatment",
    Readiness.NOT_READY: "not ready for treatment",
}
HARM_REDUCTION_LABELS: dict[str, str] = {
    HarmReductionOffer.NALOXONE: "Naloxone kit",
    HarmReductionOffer.FENTANYL_TEST_STRIPS: "Fentanyl test strips",
    HarmReductionOffer.XYLAZINE_TEST_STRIPS: "Xylazine test strips",
    HarmReductionOffer.SYRINGE_SERVICES: "Syringe services",
    HarmReductionOffer.SAFER_USE_SUPPLIES: "Safer-use supplies",
}


def offense_label(code: str) -> str:
    return OFFENSE_CATEGORY_LABELS.get(code, str(code).replace("_", " "))


def _in_order(codes: frozenset[str], enum: type[StrEnum]) -> list[str]:
    """``codes`` in the enum's order, unknown codes last (sorted), so reasons are stable."""
    known = [item.value for item in enum if item.value in codes]
    return known + sorted(str(c) for c in codes if c not in set(known))


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---------------------------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------------------------

CONFIRM = "confirm before enrolling"


def evaluate_eligibility(rules: EligibilityRules, facts: EligibilityFacts) -> EligibilityDecision:
    """Eligible unless a configured rule excludes the person; every exclusion is a reason.

    A fact that is not known (``None``) never excludes: it adds a reason asking the responder
    to confirm it, and only when the program has configured the rule it would decide. An
    eligible decision always carries a positive reason first.
    """
    exclusions: list[str] = []
    unknown: list[str] = []
    categories = _in_order(facts.offense_categories, OffenseCategory)

    for code in categories:
        if code in rules.excluded_offense_categories:
            exclusions.append(
                f"Offense category '{offense_label(code)}' is excluded by this program"
            )

    if rules.exclude_violent:
        violent_codes = [c for c in categories if c in VIOLENT_CATEGORIES]
        if facts.violent:
            exclusions.append("Violent offense")
        elif violent_codes:
            names = _joined([offense_label(c) for c in violent_codes])
            verb = "counts" if len(violent_codes) == 1 else "count"
            exclusions.append(f"Violent offense ({names} {verb} as violent)")
        elif facts.violent is None:
            unknown.append(f"Whether the offense was violent is not known — {CONFIRM}")

    if rules.exclude_outstanding_warrant:
        if facts.outstanding_warrant:
            exclusions.append("Outstanding warrant")
        elif facts.outstanding_warrant is None:
            unknown.append(f"Warrant status not known — {CONFIRM}")

    if rules.minimum_age is not None:
        if facts.age is None:
            unknown.append(f"Age not known — {CONFIRM}")
        elif facts.age < rules.minimum_age:
            exclusions.append(f"Under the minimum age of {rules.minimum_age}")

    if rules.max_prior_participations is not None:
        limit = rules.max_prior_participations
        if facts.prior_participations is None:
            unknown.append(f"Prior participation not known — {CONFIRM}")
        elif facts.prior_participations >= limit:
            times = "time" if facts.prior_participations == 1 else "times"
            exclusions.append(
                f"Already participated {facts.prior_participations} {times}; the limit is {limit}"
            )

    if exclusions:
        return EligibilityDecision(eligible=False, reasons=tuple(exclusions + unknown))
    positive = (
        "No exclusion rule of this program applies to what is known"
        if unknown
        else "No exclusion rule of this program applies"
    )
    return EligibilityDecision(eligible=True, reasons=(positive, *unknown))


# ---------------------------------------------------------------------------------------------
# Needs and level of care (the table is written out for staff in docs/screening-rules.md)
# ---------------------------------------------------------------------------------------------

OPIOID_SUBSTANCES = frozenset(
    {Substance.OPIOIDS, Substance.FENTANYL, Substance.HEROIN, Substance.PRESCRIPTION_OPIOIDS}
)
STIMULANT_SUBSTANCES = frozenset(
    {Substance.STIMULANTS, Substance.METHAMPHETAMINE, Substance.COCAINE}
)
# Withdrawal from these can cause seizures or delirium and kill: it needs medical care. Another
# or an unknown substance cannot be ruled out, so it is treated the same way (conservative).
DANGEROUS_WITHDRAWAL_SUBSTANCES = frozenset(
    {Substance.ALCOHOL, Substance.BENZODIAZEPINES, Substance.OTHER, Substance.UNKNOWN}
)
# Supplies that may contain fentanyl though the person does not use opioids on purpose:
# stimulants, xylazine (sold mixed with fentanyl), pressed pills and unknown substances.
FENTANYL_EXPOSED_SUBSTANCES = STIMULANT_SUBSTANCES | frozenset(
    {Substance.XYLAZINE, Substance.BENZODIAZEPINES, Substance.UNKNOWN}
)
# Illicit drug use, for fentanyl test strips and safer-use supplies: everything except
# alcohol and cannabis on their own.
ILLICIT_DRUG_SUBSTANCES = frozenset(Substance) - {Substance.ALCOHOL, Substance.CANNABIS}
# The street opioid supply where xylazine is found.
XYLAZINE_RISK_SUBSTANCES = frozenset({Substance.FENTANYL, Substance.HEROIN, Substance.XYLAZINE})
ILLICIT_FENTANYL = frozenset({Substance.FENTANYL, Substance.HEROIN})


@dataclass(frozen=True)
class _Picture:
    """What the answers add up to; each field is one line of the documented table."""

    substances: frozenset[str]
    indicators: frozenset[str]  # with a recent overdose counted as PRIOR_OVERDOSE
    opioids: bool
    dangerous_withdrawal: bool
    opioid_withdrawal: bool
    oud: bool
    severe: bool
    overdose_risk: bool
    illicit: bool


def _picture(answers: NeedsAnswers) -> _Picture:
    substances = frozenset(answers.substances)
    indicators = set(answers.oud_indicators)
    if answers.recent_overdose:
        indicators.add(OudIndicator.PRIOR_OVERDOSE)
    opioids = bool(substances & OPIOID_SUBSTANCES) or bool(
        indicators & {OudIndicator.DAILY_OPIOID_USE, OudIndicator.PRIOR_MOUD}
    )
    withdrawal = answers.withdrawal_symptoms_now
    dangerous_withdrawal = withdrawal and (
        not substances or bool(substances & DANGEROUS_WITHDRAWAL_SUBSTANCES)
    )
    opioid_withdrawal = withdrawal and opioids and not dangerous_withdrawal
    oud = opioids and (
        len(indicators) >= 2
        or OudIndicator.PRIOR_MOUD in indicators
        or (bool(substances & ILLICIT_FENTANYL) and OudIndicator.DAILY_OPIOID_USE in indicators)
        or opioid_withdrawal
    )
    severe = (
        len(indicators) >= 2
        or OudIndicator.INJECTION_USE in indicators
        or OudIndicator.PRIOR_OVERDOSE in indicators
    )
    overdose_risk = (
        opioids
        or bool(substances & FENTANYL_EXPOSED_SUBSTANCES)
        or OudIndicator.PRIOR_OVERDOSE in indicators
    )
    return _Picture(
        substances=substances,
        indicators=frozenset(indicators),
        opioids=opioids,
        dangerous_withdrawal=dangerous_withdrawal,
        opioid_withdrawal=opioid_withdrawal,
        oud=oud,
        severe=severe,
        overdose_risk=overdose_risk,
        illicit=bool(substances & ILLICIT_DRUG_SUBSTANCES),
    )


def _safety_first(answers: NeedsAnswers) -> list[str]:
    reasons = []
    if answers.immediate_medical_need:
        reasons.append(
            "Immediate medical need — call EMS or transport to the emergency department first; "
            "the referral waits until the person is medically safe"
        )
    if answers.mental_health_crisis:
        reasons.append(
            "Mental-health crisis — connect to crisis services first (988, the mobile crisis "
            "team or a crisis center)"
        )
    return reasons


def _level(answers: NeedsAnswers, p: _Picture) -> tuple[LevelOfCare, list[str]]:
    """The first row of the table that matches decides the level."""
    substance_names = _joined(
        [SUBSTANCE_LABELS.get(s, s) for s in _in_order(p.substances, Substance)] or ["none"]
    )
    if p.dangerous_withdrawal:
        reasons = [
            f"Withdrawal symptoms now ({substance_names}) — withdrawal from alcohol or "
            "benzodiazepines (or a substance that cannot be ruled out) can cause seizures and "
            "be life-threatening: medically managed withdrawal"
        ]
        if answers.readiness == Readiness.NOT_READY:
            reasons.append(
                "Recommended even though the person is not ready for treatment, because this "
                "withdrawal is medically dangerous"
            )
        if p.oud:
            reasons.append("Signs of opioid use disorder: MOUD can start during withdrawal care")
        return LevelOfCare.WITHDRAWAL_MANAGEMENT, reasons

    if answers.readiness == Readiness.NOT_READY:
        return LevelOfCare.HARM_REDUCTION_ONLY, [
            "Not ready for treatment now — offer harm reduction, keep the door open and follow up"
        ]

    if p.oud:
        reasons = []
        if p.opioid_withdrawal:
            reasons.append(
                "Opioid withdrawal now — buprenorphine or methadone can treat it right away"
            )
        if OudIndicator.PRIOR_MOUD in p.indicators:
            reasons.append("Has been on MOUD before")
        shown = _in_order(p.indicators, OudIndicator)
        if len(shown) >= 2:
            names = _joined([OUD_INDICATOR_LABELS.get(i, i) for i in shown])
            reasons.append(f"Signs of opioid use disorder ({len(shown)} indicators: {names})")
        elif OudIndicator.DAILY_OPIOID_USE in p.indicators and p.substances & ILLICIT_FENTANYL:
            reasons.append("Daily fentanyl or heroin use")
        reasons.append(
            "Medications for opioid use disorder (MOUD) are the standard of care: opioid "
            "treatment program or a buprenorphine prescriber"
        )
        if answers.housing == HousingStatus.UNSHELTERED and p.severe:
            reasons.append(
                "Unsheltered with severe use: a residential program that continues MOUD may "
                "also be considered"
            )
        return LevelOfCare.OPIOID_TREATMENT_PROGRAM, reasons

    severity = _severity_reason(p)
    if p.severe and answers.housing == HousingStatus.UNSHELTERED:
        return LevelOfCare.RESIDENTIAL, [
            severity,
            "Unsheltered — treatment with a place to stay: consider residential treatment",
        ]
    if p.severe:
        reasons = [severity, "Intensive outpatient: several sessions a week while living at home"]
        if answers.housing == HousingStatus.UNKNOWN:
            reasons.append(
                "Housing not known — if the person is unsheltered, consider residential treatment"
            )
        return LevelOfCare.INTENSIVE_OUTPATIENT, reasons
    if p.substances or p.indicators:
        return LevelOfCare.OUTPATIENT, [
            f"Substance use ({substance_names}) without signs of severe use: outpatient "
            "assessment and treatment"
        ]
    return LevelOfCare.OUTPATIENT, [
        "No substance use reported — an outpatient assessment can confirm what the person needs"
    ]


def _severity_reason(p: _Picture) -> str:
    shown = _in_order(p.indicators, OudIndicator)
    names = _joined([OUD_INDICATOR_LABELS.get(i, i) for i in shown] or ["none"])
    return f"Signs of severe use ({names})"


def _offers(answers: NeedsAnswers, p: _Picture) -> tuple[list[str], list[str]]:
    """Naloxone whenever there is overdose risk, at every level. The other supplies when the
    person is not ready now (not ready, or only considering treatment)."""
    offers: list[str] = []
    reasons: list[str] = []
    if p.overdose_risk:
        offers.append(HarmReductionOffer.NALOXONE)
        if OudIndicator.PRIOR_OVERDOSE in p.indicators:
            why = "an overdose before means a high risk of another"
        elif p.opioids:
            why = "opioids are involved"
        else:
            why = "the drug supply may contain fentanyl"
        reasons.append(f"Offer naloxone: {why}; the kit is for the person and those around them")
    if answers.readiness == Readiness.READY_NOW:
        return offers, reasons
    if p.illicit:
        offers.append(HarmReductionOffer.FENTANYL_TEST_STRIPS)
        reasons.append("Offer fentanyl test strips: illicit drugs may contain fentanyl")
    if p.substances & XYLAZINE_RISK_SUBSTANCES:
        offers.append(HarmReductionOffer.XYLAZINE_TEST_STRIPS)
        reasons.append("Offer xylazine test strips: xylazine is found mixed with fentanyl")
    if OudIndicator.INJECTION_USE in p.indicators:
        offers.append(HarmReductionOffer.SYRINGE_SERVICES)
        reasons.append("Offer syringe services: injection use")
    if p.illicit:
        offers.append(HarmReductionOffer.SAFER_USE_SUPPLIES)
        reasons.append("Offer safer-use supplies")
    return offers, reasons


def recommend_level_of_care(answers: NeedsAnswers) -> LevelOfCareDecision:
    """The recommended level of care with its reasons, and harm-reduction offers.

    Decision support, not a diagnosis: a clinician's assessment follows. Safety comes first
    (``urgent_medical``, ``crisis_services``); then the first matching row of the table
    decides the level: dangerous withdrawal, not ready, opioid use disorder, unsheltered with
    severe use, severe use, any use.
    """
    p = _picture(answers)
    level, level_reasons = _level(answers, p)
    offers, offer_reasons = _offers(answers, p)
    reasons = _safety_first(answers) + level_reasons
    if answers.recent_overdose:
        reasons.append("Recent overdose — follow up within the recovery window (24 to 72 hours)")
    if answers.housing in (
        HousingStatus.UNSHELTERED,
        HousingStatus.SHELTER,
        HousingStatus.UNSTABLY_HOUSED,
    ):
        reasons.append(
            f"Housing need ({HOUSING_LABELS[answers.housing]}) — include housing services"
        )
    if answers.readiness == Readiness.CONSIDERING and level != LevelOfCare.WITHDRAWAL_MANAGEMENT:
        reasons.append("Considering treatment — offer it now and harm-reduction supplies meanwhile")
    return LevelOfCareDecision(
        level=level,
        reasons=tuple(reasons + offer_reasons),
        harm_reduction_offers=tuple(str(o) for o in offers),
        urgent_medical=answers.immediate_medical_need,
        crisis_services=answers.mental_health_crisis,
    )


# ---------------------------------------------------------------------------------------------
# Plain dictionaries, for storage and the API
# ---------------------------------------------------------------------------------------------


def rules_as_dict(rules: EligibilityRules) -> dict:
    return {
        "excluded_offense_categories": _in_order(
            rules.excluded_offense_categories, OffenseCategory
        ),
        "exclude_violent": rules.exclude_violent,
        "exclude_outstanding_warrant": rules.exclude_outstanding_warrant,
        "minimum_age": rules.minimum_age,
        "max_prior_participations": rules.max_prior_participations,
    }


def facts_as_dict(facts: EligibilityFacts) -> dict:
    return {
        "offense_categories": _in_order(facts.offense_categories, OffenseCategory),
        "violent": facts.violent,
        "outstanding_warrant": facts.outstanding_warrant,
        "age": facts.age,
        "prior_participations": facts.prior_participations,
    }


def answers_as_dict(answers: NeedsAnswers) -> dict:
    return {
        "substances": _in_order(answers.substances, Substance),
        "oud_indicators": _in_order(answers.oud_indicators, OudIndicator),
        "mental_health_crisis": answers.mental_health_crisis,
        "immediate_medical_need": answers.immediate_medical_need,
        "withdrawal_symptoms_now": answers.withdrawal_symptoms_now,
        "housing": str(answers.housing),
        "readiness": str(answers.readiness),
        "recent_overdose": answers.recent_overdose,
    }
