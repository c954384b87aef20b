"""The level-of-care table (docs/screening-rules.md), row by row, and its precedence.
Pure function: no database."""

import pytest

from deflect.core.models import LevelOfCare
from deflect.screening.rules import (
    HarmReductionOffer as Offer,
)
from deflect.screening.rules import (
    NeedsAnswers,
    recommend_level_of_care,
)

L = LevelOfCare


def answers(substances=(), indicators=(), **flags) -> NeedsAnswers:
    flags.setdefault("readiness", "ready_now")
    return NeedsAnswers(
        substances=frozenset(substances), oud_indicators=frozenset(indicators), **flags
    )


def level(**kwargs) -> LevelOfCare:
    return recommend_level_of_care(answers(**kwargs)).level


# --- safety comes first --------------------------------------------------------------------


def test_an_immediate_medical_need_flags_transport_first():
    result = recommend_level_of_care(answers(["alcohol"], immediate_medical_need=True))
    assert result.urgent_medical and not result.crisis_services
    assert result.reasons[0].startswith("Immediate medical need")
    assert "emergency department" in result.reasons[0]


def test_a_mental_health_crisis_flags_crisis_services_first():
    result = recommend_level_of_care(answers(["cannabis"], mental_health_crisis=True))
    assert result.crisis_services and not result.urgent_medical
    assert result.reasons[0].startswith("Mental-health crisis")
    assert "988" in result.reasons[0]


def test_both_safety_flags_come_before_the_level_reasons():
    result = recommend_level_of_care(
        answers(
            ["heroin"],
            ["daily_opioid_use", "craving"],
            immediate_medical_need=True,
            mental_health_crisis=True,
        )
    )
    assert result.urgent_medical and result.crisis_services
    assert result.reasons[0].startswith("Immediate medical need")
    assert result.reasons[1].startswith("Mental-health crisis")
    assert result.level == L.OPIOID_TREATMENT_PROGRAM


# --- withdrawal management ---------------------------------------------------------------


@pytest.mark.parametrize("substance", ["alcohol", "benzodiazepines"])
def test_alcohol_or_benzodiazepine_withdrawal_now_needs_withdrawal_management(substance):
    result = recommend_level_of_care(answers([substance], withdrawal_symptoms_now=True))
    assert result.level == L.WITHDRAWAL_MANAGEMENT
    assert "life-threatening" in result.reasons[0]


def test_dangerous_withdrawal_outranks_not_being_ready():
    result = recommend_level_of_care(
        answers(["alcohol"], withdrawal_symptoms_now=True, readiness="not_ready")
    )
    assert result.level == L.WITHDRAWAL_MANAGEMENT
    assert any("not ready" in r and "medically dangerous" in r for r in result.reasons)


def test_dangerous_withdrawal_outranks_opioid_use_disorder_and_says_moud_can_start():
    result = recommend_level_of_care(
        answers(
            ["fentanyl", "alcohol"],
            ["daily_opioid_use", "craving"],
            withdrawal_symptoms_now=True,
        )
    )
    assert result.level == L.WITHDRAWAL_MANAGEMENT
    assert any("MOUD can start" in r for r in result.reasons)
    assert Offer.NALOXONE in result.harm_reduction_offers


@pytest.mark.parametrize("substances", [[], ["unknown"], ["other"]])
def test_withdrawal_from_a_substance_that_cannot_be_ruled_out_is_treated_as_dangerous(
    substances,
):
    assert level(substances=substances, withdrawal_symptoms_now=True) == (L.WITHDRAWAL_MANAGEMENT)


def test_stimulant_withdrawal_alone_is_not_withdrawal_management():
    assert level(substances=["methamphetamine"], withdrawal_symptoms_now=True) == L.OUTPATIENT


def test_alcohol_without_withdrawal_symptoms_is_not_withdrawal_management():
    assert level(substances=["alcohol"]) == L.OUTPATIENT


# --- not ready: harm reduction only ------------------------------------------------------


def test_not_ready_means_harm_reduction_only_even_with_opioid_use_disorder():
    result = recommend_level_of_care(
        answers(["fentanyl"], ["daily_opioid_use", "craving"], readiness="not_ready")
    )
    assert result.level == L.HARM_REDUCTION_ONLY
    assert any("keep the door open" in r for r in result.reasons)


def test_harm_reduction_offers_for_fentanyl_injection():
    result = recommend_level_of_care(
        answers(["fentanyl"], ["injection_use"], readiness="not_ready")
    )
    assert result.harm_reduction_offers == (
        Offer.NALOXONE,
        Offer.FENTANYL_TEST_STRIPS,
        Offer.XYLAZINE_TEST_STRIPS,
        Offer.SYRINGE_SERVICES,
        Offer.SAFER_USE_SUPPLIES,
    )


def test_stimulants_get_naloxone_because_the_supply_may_contain_fentanyl():
    result = recommend_level_of_care(answers(["cocaine"], readiness="not_ready"))
    assert Offer.NALOXONE in result.harm_reduction_offers
    assert Offer.FENTANYL_TEST_STRIPS in result.harm_reduction_offers
    assert Offer.XYLAZINE_TEST_STRIPS not in result.harm_reduction_offers
    assert any("may contain fentanyl" in r for r in result.reasons)


def test_alcohol_alone_gets_no_drug_supplies():
    result = recommend_level_of_care(answers(["alcohol"], readiness="not_ready"))
    assert result.level == L.HARM_REDUCTION_ONLY
    assert result.harm_reduction_offers == ()


def test_cannabis_alone_gets_no_test_strips():
    result = recommend_level_of_care(answers(["cannabis"], readiness="not_ready"))
    assert Offer.FENTANYL_TEST_STRIPS not in result.harm_reduction_offers
    assert Offer.NALOXONE not in result.harm_reduction_offers


def test_a_recent_overdose_always_gets_naloxone():
    result = recommend_level_of_care(
        answers(["alcohol"], readiness="not_ready", recent_overdose=True)
    )
    assert Offer.NALOXONE in result.harm_reduction_offers
    assert any("recovery window" in r for r in result.reasons)


def test_xylazine_test_strips_where_fentanyl_or_heroin_is_used():
    for substance in ("fentanyl", "heroin", "xylazine"):
        offers = recommend_level_of_care(
            answers([substance], readiness="not_ready")
        ).harm_reduction_offers
        assert Offer.XYLAZINE_TEST_STRIPS in offers, substance
    offers = recommend_level_of_care(
        answers(["prescription_opioids"], readiness="not_ready")
    ).harm_reduction_offers
    assert Offer.XYLAZINE_TEST_STRIPS not in offers


def test_syringe_services_only_with_injection_use():
    smoked = recommend_level_of_care(answers(["methamphetamine"], readiness="not_ready"))
    injected = recommend_level_of_care(
        answers(["methamphetamine"], ["injection_use"], readiness="not_ready")
    )
    assert Offer.SYRINGE_SERVICES not in smoked.harm_reduction_offers
    assert Offer.SYRINGE_SERVICES in injected.harm_reduction_offers


# --- opioid use disorder: MOUD -----------------------------------------------------------


def test_two_indicators_with_opioids_point_to_moud():
    result = recommend_level_of_care(
        answers(["prescription_opioids"], ["craving", "unsuccessful_attempts_to_cut_down"])
    )
    assert result.level == L.OPIOID_TREATMENT_PROGRAM
    assert any("standard of care" in r for r in result.reasons)
    assert any("2 indicators" in r for r in result.reasons)


@pytest.mark.parametrize("substance", ["fentanyl", "heroin"])
def test_daily_fentanyl_or_heroin_use_points_to_moud(substance):
    assert level(substances=[substance], indicators=["daily_opioid_use"]) == (
        L.OPIOID_TREATMENT_PROGRAM
    )


def test_prior_moud_points_to_moud():
    assert level(indicators=["prior_moud"]) == L.OPIOID_TREATMENT_PROGRAM


def test_opioid_withdrawal_now_points_to_moud():
    result = recommend_level_of_care(answers(["heroin"], withdrawal_symptoms_now=True))
    assert result.level == L.OPIOID_TREATMENT_PROGRAM
    assert any("buprenorphine or methadone" in r for r in result.reasons)


def test_one_indicator_with_prescription_opioids_is_not_yet_moud():
    assert level(substances=["prescription_opioids"], indicators=["craving"]) == L.OUTPATIENT


def test_indicators_without_opioids_do_not_point_to_moud():
    assert level(
        substances=["alcohol"], indicators=["craving", "unsuccessful_attempts_to_cut_down"]
    ) == (L.INTENSIVE_OUTPATIENT)


def test_ready_for_moud_still_gets_naloxone_and_nothing_else():
    result = recommend_level_of_care(answers(["fentanyl"], ["daily_opioid_use", "injection_use"]))
    assert result.level == L.OPIOID_TREATMENT_PROGRAM
    assert result.harm_reduction_offers == (Offer.NALOXONE,)


def test_moud_outranks_residential_for_an_unsheltered_person_and_says_so():
    result = recommend_level_of_care(
        answers(["heroin"], ["daily_opioid_use", "injection_use"], housing="unsheltered")
    )
    assert result.level == L.OPIOID_TREATMENT_PROGRAM
    assert any("residential program that continues MOUD" in r for r in result.reasons)
    assert any("Housing need (unsheltered)" in r for r in result.reasons)


# --- severity and housing ----------------------------------------------------------------


def test_unsheltered_with_severe_use_is_residential():
    result = recommend_level_of_care(
        answers(["methamphetamine"], ["injection_use"], housing="unsheltered")
    )
    assert result.level == L.RESIDENTIAL
    assert any("residential" in r for r in result.reasons)


def test_severe_use_while_housed_is_intensive_outpatient():
    assert level(substances=["cocaine"], indicators=["injection_use"], housing="housed") == (
        L.INTENSIVE_OUTPATIENT
    )


def test_severe_use_with_unknown_housing_asks_about_residential():
    result = recommend_level_of_care(answers(["cocaine"], ["craving", "injection_use"]))
    assert result.level == L.INTENSIVE_OUTPATIENT
    assert any("Housing not known" in r for r in result.reasons)


def test_a_recent_overdose_counts_as_severe():
    assert level(substances=["cocaine"], recent_overdose=True, housing="housed") == (
        L.INTENSIVE_OUTPATIENT
    )


def test_unsheltered_without_severe_use_is_outpatient_with_housing_services():
    result = recommend_level_of_care(answers(["cannabis"], housing="unsheltered"))
    assert result.level == L.OUTPATIENT
    assert any("include housing services" in r for r in result.reasons)


def test_no_substance_use_reported_is_an_outpatient_assessment():
    result = recommend_level_of_care(answers())
    assert result.level == L.OUTPATIENT
    assert result.reasons == (
        "No substance use reported — an outpatient assessment can confirm what the person needs",
    )
    assert result.harm_reduction_offers == ()


# --- readiness "considering" -------------------------------------------------------------


def test_considering_treatment_gets_the_treatment_level_and_the_supplies_meanwhile():
    result = recommend_level_of_care(
        answers(["fentanyl"], ["daily_opioid_use"], readiness="considering")
    )
    assert result.level == L.OPIOID_TREATMENT_PROGRAM
    assert Offer.FENTANYL_TEST_STRIPS in result.harm_reduction_offers
    assert any("Considering treatment" in r for r in result.reasons)


def test_every_decision_has_reasons_and_known_offer_codes():
    cases = [
        answers(),
        answers(["alcohol"], withdrawal_symptoms_now=True),
        answers(["fentanyl"], ["injection_use"], readiness="not_ready"),
        answers(["heroin"], ["prior_moud"]),
        answers(["cocaine"], ["injection_use"], housing="unsheltered"),
        answers(["cocaine"], ["injection_use"]),
        answers(["cannabis"]),
    ]
    levels = set()
    for case in cases:
        result = recommend_level_of_care(case)
        assert result.reasons
        assert set(result.harm_reduction_offers) <= {o.value for o in Offer}
        levels.add(result.level)
    assert levels == set(LevelOfCare)


# --- the examples in docs/screening-rules.md ---------------------------------------------

DOCUMENTED_EXAMPLES = [
    (answers(["alcohol"], withdrawal_symptoms_now=True), L.WITHDRAWAL_MANAGEMENT, ()),
    (
        answers(["fentanyl"], ["daily_opioid_use"], readiness="not_ready"),
        L.HARM_REDUCTION_ONLY,
        (
            Offer.NALOXONE,
            Offer.FENTANYL_TEST_STRIPS,
            Offer.XYLAZINE_TEST_STRIPS,
            Offer.SAFER_USE_SUPPLIES,
        ),
    ),
    (
        answers(["heroin"], ["daily_opioid_use", "injection_use"]),
        L.OPIOID_TREATMENT_PROGRAM,
        (Offer.NALOXONE,),
    ),
    (
        answers(["methamphetamine"], ["injection_use"], housing="unsheltered"),
        L.RESIDENTIAL,
        (Offer.NALOXONE,),
    ),
    (
        answers(["cocaine"], recent_overdose=True, housing="housed", readiness="considering"),
        L.INTENSIVE_OUTPATIENT,
        (Offer.NALOXONE, Offer.FENTANYL_TEST_STRIPS, Offer.SAFER_USE_SUPPLIES),
    ),
    (answers(["cannabis"]), L.OUTPATIENT, ()),
]


@pytest.mark.parametrize(("case", "expected_level", "expected_offers"), DOCUMENTED_EXAMPLES)
def test_the_documented_examples(case, expected_level, expected_offers):
    result = recommend_level_of_care(case)
    assert result.level == expected_level
    assert result.harm_reduction_offers == expected_offers
