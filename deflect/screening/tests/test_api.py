"""The screening API: rules for a program, and evaluations that store nothing."""

import json

import pytest

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.screening.models import EligibilityRuleSet, EligibilityScreening, NeedsScreening

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "fields"}


def rules_url(program) -> str:
    return f"/api/v1/screening/programs/{program.pk}/eligibility-rules"


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


RULES = {
    "excluded_offense_categories": ["dui", "drug_sale"],
    "exclude_violent": True,
    "exclude_outstanding_warrant": False,
    "minimum_age": 21,
    "max_prior_participations": 2,
}


def test_the_default_rules_are_shown_until_the_coordinator_saves_some(client, world):
    client.force_login(world.officer)
    body = client.get(rules_url(world.program)).json()
    assert body == {
        "program_id": world.program.pk,
        "configured": False,
        "excluded_offense_categories": [],
        "exclude_violent": True,
        "exclude_outstanding_warrant": True,
        "minimum_age": 18,
        "max_prior_participations": None,
    }


def test_the_coordinator_replaces_the_rules(client, world):
    client.force_login(world.coordinator)
    response = send(client, "put", rules_url(world.program), RULES)
    assert response.status_code == 200
    body = response.json()
    assert body["configured"] is True
    assert body["excluded_offense_categories"] == ["drug_sale", "dui"]
    assert body["minimum_age"] == 21 and body["max_prior_participations"] == 2
    assert client.get(rules_url(world.program)).json() == body
    assert AuditEvent.objects.filter(action=Action.SCREENING_RULES_UPDATE).count() == 1


def test_a_put_must_carry_every_rule(client, world):
    client.force_login(world.coordinator)
    response = send(client, "put", rules_url(world.program), {"exclude_violent": False})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == SHAPE and "minimum_age" in body["fields"]
    assert not EligibilityRuleSet.objects.exists()


def test_unknown_offense_categories_are_named(client, world):
    client.force_login(world.coordinator)
    response = send(
        client,
        "put",
        rules_url(world.program),
        {**RULES, "excluded_offense_categories": ["dui", "loitering"]},
    )
    assert response.status_code == 422
    assert any(key.startswith("excluded_offense_categories") for key in response.json()["fields"])


def test_a_participation_limit_of_zero_is_refused(client, world):
    client.force_login(world.coordinator)
    response = send(
        client, "put", rules_url(world.program), {**RULES, "max_prior_participations": 0}
    )
    assert response.status_code == 422 and "max_prior_participations" in response.json()["fields"]


def test_the_admin_may_not_configure_a_programs_screening(client, world):
    client.force_login(world.admin)
    response = send(client, "put", rules_url(world.program), RULES)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_the_officer_evaluates_at_the_scene_and_nothing_is_stored(client, world):
    client.force_login(world.coordinator)
    send(client, "put", rules_url(world.program), RULES)
    client.force_login(world.officer)
    before = AuditEvent.objects.count()
    response = client.post(
        "/api/v1/screening/eligibility/evaluate",
        data=json.dumps(
            {
                "program_id": world.program.pk,
                "facts": {"offense_categories": ["drug_sale"], "age": 19, "violent": False},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    assert body["reasons"] == [
        "Offense category 'drug sale' is excluded by this program",
        "Under the minimum age of 21",
        "Prior participation not known — confirm before enrolling",
    ]
    assert AuditEvent.objects.count() == before
    assert not EligibilityScreening.objects.exists()


def test_a_misspelled_fact_is_refused_rather_than_treated_as_unknown(client, world):
    client.force_login(world.officer)
    response = send(
        client,
        "post",
        "/api/v1/screening/eligibility/evaluate",
        {"program_id": world.program.pk, "facts": {"outstandingWarrant": True}},
    )
    assert response.status_code == 422
    assert "facts.outstandingWarrant" in response.json()["fields"]


def test_a_case_manager_does_not_screen_at_the_scene(client, world):
    client.force_login(world.case_manager)
    response = send(
        client,
        "post",
        "/api/v1/screening/eligibility/evaluate",
        {"program_id": world.program.pk, "facts": {}},
    )
    assert response.status_code == 403
    denial = AuditEvent.objects.latest("id")
    assert (
        denial.action == Action.ACCESS_DENIED and denial.extra["capability"] == "encounter.create"
    )


def test_another_countys_program_is_404_for_evaluation(client, world):
    client.force_login(world.officer)
    response = send(
        client,
        "post",
        "/api/v1/screening/eligibility/evaluate",
        {"program_id": world.other_program.pk, "facts": {}},
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_needs_evaluation_returns_the_level_reasons_and_offers(client, world):
    client.force_login(world.outreach)
    response = send(
        client,
        "post",
        "/api/v1/screening/needs/evaluate",
        {
            "substances": ["fentanyl", "methamphetamine"],
            "oud_indicators": ["injection_use"],
            "readiness": "not_ready",
            "mental_health_crisis": True,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "harm_reduction_only"
    assert body["level_label"] == "Harm reduction only"
    assert body["crisis_services"] is True and body["urgent_medical"] is False
    assert body["reasons"][0].startswith("Mental-health crisis")
    assert body["harm_reduction_offers"] == [
        "naloxone",
        "fentanyl_test_strips",
        "xylazine_test_strips",
        "syringe_services",
        "safer_use_supplies",
    ]
    assert not NeedsScreening.objects.exists()


def test_unknown_needs_codes_are_422_naming_the_field(client, world):
    client.force_login(world.officer)
    response = send(client, "post", "/api/v1/screening/needs/evaluate", {"substances": ["kratom"]})
    assert response.status_code == 422
    assert set(response.json()) == SHAPE
    assert any(key.startswith("substances") for key in response.json()["fields"])


def test_the_schema_lists_the_codes(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    needs = schema["components"]["schemas"]["NeedsAnswersIn"]["properties"]
    assert "fentanyl" in json.dumps(needs["substances"])
    paths = schema["paths"]
    assert set(paths["/api/v1/screening/programs/{program_id}/eligibility-rules"]) == {
        "get",
        "put",
    }
