"""Stories about the Marlow program's rules and the screenings recorded at its encounters."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.core.models import LevelOfCare
from deflect.encounters.models import Encounter
from deflect.screening.models import EligibilityRuleSet, EligibilityScreening, NeedsScreening
from deflect.screening.rules import EligibilityFacts, EligibilityRules, NeedsAnswers
from deflect.screening.selectors import eligibility_rules_for
from deflect.screening.services import eligibility_rules_update, screening_record

pytestmark = pytest.mark.django_db


def an_encounter(world, program=None) -> Encounter:
    return Encounter.objects.create(
        client_uuid=uuid.uuid4(),
        fingerprint="0" * 64,
        program=program or world.program,
        agency=world.agencies["police"],
        pathway="officer_intervention",
        occurred_at=timezone.now(),
        outcome="referred",
        recorded_by=world.officer,
    )


def strict_rules(world):
    eligibility_rules_update(
        actor=world.coordinator,
        program=world.program,
        excluded_offense_categories=["drug_sale", "dui"],
        max_prior_participations=2,
    )


# --- the program's rules -----------------------------------------------------------------


def test_a_program_without_saved_rules_uses_the_defaults(world):
    assert eligibility_rules_for(world.program) == EligibilityRules()


def test_the_coordinator_changes_the_rules_and_the_change_is_audited(world):
    rule_set = eligibility_rules_update(
        actor=world.coordinator,
        program=world.program,
        excluded_offense_categories=["dui", "drug_sale"],
        minimum_age=21,
    )
    assert rule_set.excluded_offense_categories == ["drug_sale", "dui"]
    assert eligibility_rules_for(world.program) == EligibilityRules(
        excluded_offense_categories=frozenset({"drug_sale", "dui"}), minimum_age=21
    )
    event = AuditEvent.objects.get(action=Action.SCREENING_RULES_UPDATE)
    assert event.actor == world.coordinator
    assert event.target_type == "programs.program" and event.target_id == str(world.program.pk)
    assert event.extra["changed"] == ["excluded_offense_categories", "minimum_age"]
    assert event.extra["before"]["minimum_age"] == 18 and event.extra["after"]["minimum_age"] == 21


def test_fields_left_out_keep_their_value(world):
    strict_rules(world)
    eligibility_rules_update(actor=world.coordinator, program=world.program, exclude_violent=False)
    rules = eligibility_rules_for(world.program)
    assert rules.excluded_offense_categories == {"drug_sale", "dui"}
    assert rules.max_prior_participations == 2 and not rules.exclude_violent
    assert EligibilityRuleSet.objects.count() == 1


def test_unknown_offense_categories_are_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationFailed) as caught:
        eligibility_rules_update(
            actor=world.coordinator,
            program=world.program,
            excluded_offense_categories=["drug_sale", "jaywalking"],
        )
    assert "excluded_offense_categories" in caught.value.fields
    assert not EligibilityRuleSet.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.SCREENING_RULES_UPDATE).exists()


def test_an_unknown_rule_name_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        eligibility_rules_update(actor=world.coordinator, program=world.program, max_age=65)
    assert caught.value.fields == {"max_age": ["Not an eligibility rule."]}


@pytest.mark.parametrize("persona", ["officer", "case_manager", "prosecutor", "admin"])
def test_only_the_programs_coordinator_changes_its_rules(world, persona):
    with pytest.raises(PermissionDenied):
        eligibility_rules_update(actor=world.users[persona], program=world.program, minimum_age=16)
    assert not EligibilityRuleSet.objects.exists()
    denial = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert denial.actor == world.users[persona] and denial.outcome == Outcome.DENIED


def test_the_neighbouring_countys_coordinator_cannot_change_marlows_rules(world):
    with pytest.raises(PermissionDenied):
        eligibility_rules_update(
            actor=world.other_coordinator, program=world.program, exclude_violent=False
        )
    assert eligibility_rules_for(world.program).exclude_violent
    eligibility_rules_update(
        actor=world.other_coordinator, program=world.other_program, exclude_violent=False
    )
    assert not eligibility_rules_for(world.other_program).exclude_violent


# --- screenings at an encounter ----------------------------------------------------------


def test_the_program_rules_decide_and_the_facts_and_reasons_are_kept(world):
    strict_rules(world)
    encounter = an_encounter(world)
    row, needs = screening_record(
        actor=world.officer,
        encounter=encounter,
        eligibility=EligibilityFacts(offense_categories=frozenset({"dui"}), age=40),
        needs=None,
    )
    assert needs is None and not NeedsScreening.objects.exists()
    row.refresh_from_db()
    assert not row.eligible and not row.rule_eligible and not row.overridden
    assert row.reasons[0] == "Offense category 'DUI' is excluded by this program"
    assert row.facts == {
        "offense_categories": ["dui"],
        "violent": None,
        "outstanding_warrant": None,
        "age": 40,
        "prior_participations": None,
    }
    assert row.rules["excluded_offense_categories"] == ["drug_sale", "dui"]
    assert not AuditEvent.objects.filter(action=Action.ELIGIBILITY_OVERRIDE).exists()


def test_an_officer_overrides_the_rules_with_a_written_reason_and_it_is_audited(world):
    strict_rules(world)
    encounter = an_encounter(world)
    row, _ = screening_record(
        actor=world.officer,
        encounter=encounter,
        eligibility=EligibilityFacts(offense_categories=frozenset({"drug_sale"}), age=22),
        override_eligible=True,
        override_reason="  Sold a single pill to a friend; the victim asked for treatment.  ",
        needs=None,
    )
    row.refresh_from_db()
    assert row.eligible and not row.rule_eligible and row.overridden
    assert row.overridden_by == world.officer
    assert row.override_reason == "Sold a single pill to a friend; the victim asked for treatment."
    event = AuditEvent.objects.get(action=Action.ELIGIBILITY_OVERRIDE)
    assert event.actor == world.officer
    assert event.target_type == "screening.eligibilityscreening"
    assert event.extra["encounter_id"] == encounter.pk
    assert event.extra["rule_eligible"] is False and event.extra["eligible"] is True
    assert "pill" not in str(event.extra)  # free text stays in the record, not the log


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(world, reason):
    encounter = an_encounter(world)
    with pytest.raises(ValidationFailed) as caught:
        screening_record(
            actor=world.officer,
            encounter=encounter,
            eligibility=EligibilityFacts(outstanding_warrant=True),
            override_eligible=True,
            override_reason=reason,
            needs=None,
        )
    assert "override_reason" in caught.value.fields
    assert not EligibilityScreening.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.ELIGIBILITY_OVERRIDE).exists()


def test_an_officer_may_also_override_towards_not_eligible(world):
    row, _ = screening_record(
        actor=world.officer,
        encounter=an_encounter(world),
        eligibility=EligibilityFacts(age=30, violent=False, outstanding_warrant=False),
        override_eligible=False,
        override_reason="Person is the subject of an active protection order.",
        needs=None,
    )
    assert row.rule_eligible and not row.eligible and row.overridden
    assert AuditEvent.objects.filter(action=Action.ELIGIBILITY_OVERRIDE).count() == 1


def test_agreeing_with_the_rules_is_not_an_override(world):
    row, _ = screening_record(
        actor=world.officer,
        encounter=an_encounter(world),
        eligibility=EligibilityFacts(age=30),
        override_eligible=True,
        needs=None,
    )
    assert row.eligible and not row.overridden and row.override_reason == ""
    assert not AuditEvent.objects.filter(action=Action.ELIGIBILITY_OVERRIDE).exists()


def test_an_override_without_eligibility_facts_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        screening_record(
            actor=world.officer,
            encounter=an_encounter(world),
            eligibility=None,
            override_eligible=True,
            override_reason="Because.",
            needs=None,
        )
    assert "eligibility" in caught.value.fields


def test_needs_are_stored_with_the_level_of_care_reasons_and_offers(world):
    _, needs = screening_record(
        actor=world.outreach,
        encounter=an_encounter(world),
        eligibility=None,
        needs=NeedsAnswers(
            substances=frozenset({"fentanyl"}),
            oud_indicators=frozenset({"injection_use"}),
            readiness="not_ready",
            immediate_medical_need=True,
        ),
    )
    needs.refresh_from_db()
    assert needs.recommended_level_of_care == LevelOfCare.HARM_REDUCTION_ONLY
    assert needs.urgent_medical and not needs.crisis_services
    assert needs.substances == ["fentanyl"] and needs.readiness == "not_ready"
    assert needs.harm_reduction_offers[0] == "naloxone"
    assert "syringe_services" in needs.harm_reduction_offers
    assert needs.reasons[0].startswith("Immediate medical need")


def test_an_invalid_answer_in_a_dataclass_is_refused_before_anything_is_written(world):
    with pytest.raises(ValidationFailed):
        screening_record(
            actor=world.officer,
            encounter=an_encounter(world),
            eligibility=None,
            needs=NeedsAnswers(housing="palace"),
        )
    assert not NeedsScreening.objects.exists()


def test_the_encounter_service_owns_the_transaction(world):
    """Inside the caller's transaction a failure rolls everything back together."""
    encounter = an_encounter(world)
    with pytest.raises(ValidationFailed), transaction.atomic():
        screening_record(
            actor=world.officer,
            encounter=encounter,
            eligibility=EligibilityFacts(age=30),
            needs=None,
        )
        screening_record(
            actor=world.officer,
            encounter=an_encounter(world),
            eligibility=EligibilityFacts(outstanding_warrant=True),
            override_eligible=True,
            override_reason="",
            needs=None,
        )
    assert not EligibilityScreening.objects.exists()


def test_an_encounter_has_one_eligibility_screening(world):
    encounter = an_encounter(world)
    screening_record(
        actor=world.officer, encounter=encounter, eligibility=EligibilityFacts(), needs=None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        screening_record(
            actor=world.officer, encounter=encounter, eligibility=EligibilityFacts(), needs=None
        )


def test_the_database_refuses_an_override_that_does_not_change_the_decision(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityScreening.objects.create(
            encounter=an_encounter(world),
            rule_eligible=True,
            eligible=True,
            overridden=True,
            override_reason="No change.",
        )


def test_the_database_refuses_a_final_decision_that_differs_without_an_override(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityScreening.objects.create(
            encounter=an_encounter(world), rule_eligible=False, eligible=True
        )
