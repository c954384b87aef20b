"""Bad input gets one clear error shape and a log line, never a 500."""

import json
from pathlib import Path

import pytest
from django.test import Client

from config.api import api
from deflect.accounts.services import api_token_create, api_token_revoke
from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import DomainErrorCode, ErrorCode, all_error_codes
from deflect.referrals.services import referral_create
from deflect.referrals.tests.factories import referral_ready

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "fields"}


def _json(response):
    body = response.json()
    assert set(body) == SHAPE, body
    return body


def test_unauthenticated_requests_get_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert _json(response)["code"] == "not_authenticated"


def test_an_unknown_route_gets_404_in_the_error_shape(client, world, caplog):
    client.force_login(world.officer)
    response = client.get("/api/v1/no-such-thing/here")
    assert response.status_code == 404 and _json(response)["code"] == "not_found"
    assert any("unknown API route" in r.getMessage() for r in caplog.records)


def test_another_countys_record_is_404_and_the_attempt_is_audited(client, world):
    client.force_login(world.officer)
    before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
    response = client.get(f"/api/v1/programs/{world.other_program.pk}")
    assert response.status_code == 404 and _json(response)["code"] == "not_found"
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == before + 1


def test_a_forbidden_request_gets_403_and_exactly_one_audit_row(client, world):
    client.force_login(world.prosecutor)
    before = AuditEvent.objects.count()
    response = client.get("/api/v1/audit/events")
    assert response.status_code == 403 and _json(response)["code"] == "permission_denied"
    assert AuditEvent.objects.count() == before + 1
    denial = AuditEvent.objects.latest("id")
    assert denial.action == Action.ACCESS_DENIED and denial.actor == world.prosecutor


def test_invalid_fields_get_422_naming_the_field(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        "/api/v1/staff/memberships",
        data=json.dumps({"user_id": "x"}),
        content_type="application/json",
    )
    body = _json(response)
    assert response.status_code == 422 and body["code"] == "validation_error"
    assert "user_id" in body["fields"] and "agency_id" in body["fields"]


def test_a_domain_rule_gets_its_own_code(client, world):
    client.force_login(world.coordinator)
    response = client.patch(
        f"/api/v1/programs/{world.program.pk}",
        data=json.dumps({"pathways": ["teleportation"]}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "pathways" in _json(response)["fields"]
    response = client.post(
        "/api/v1/staff/memberships",
        content_type="application/json",
        data=json.dumps(
            {
                "user_id": world.officer.pk,
                "agency_id": world.agencies["police"].pk,
                "role": "responder",
            }
        ),
    )
    assert response.status_code == 409 and _json(response)["code"] == "conflict"


def test_malformed_json_gets_400(client, world, caplog):
    client.force_login(world.coordinator)
    response = client.post(
        "/api/v1/staff/memberships", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and _json(response)["code"] == "malformed_json"
    assert any("malformed" in r.getMessage() for r in caplog.records)


def test_an_oversized_body_gets_413_and_a_log_line(client, world, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(world.coordinator)
    response = client.post(
        "/api/v1/staff/memberships",
        content_type="application/json",
        data=json.dumps({"user_id": 1, "agency_id": 1, "role": "x" * 5000}),
    )
    assert response.status_code == 413 and _json(response)["code"] == "payload_too_large"
    assert any("too large" in r.getMessage() for r in caplog.records)


def test_an_oversized_form_gets_a_clear_400_page(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(world.coordinator)
    response = client.post("/staff/", data={"username": "x" * 5000})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_a_session_write_without_csrf_token_is_refused(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.coordinator)
    response = browser.patch(
        f"/api/v1/programs/{world.program.pk}",
        content_type="application/json",
        data=json.dumps({"pathways": ["self_referral"]}),
    )
    assert response.status_code == 403 and _json(response)["code"] == "csrf_failed"


def test_a_web_form_without_csrf_token_explains_itself(world):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/login/", {"username": "officer", "password": "x"})
    assert response.status_code == 403
    assert "nothing was saved" in response.content.decode()


def test_a_bearer_token_authenticates_without_csrf(world):
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.coordinator, name="county system"
    )
    api = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {secret}"}
    me = api.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "coordinator"
    patch = api.patch(
        f"/api/v1/programs/{world.program.pk}",
        headers=headers,
        content_type="application/json",
        data=json.dumps({"pathways": ["self_referral", "active_outreach"]}),
    )
    assert patch.status_code == 200
    assert patch.json()["pathways"] == ["active_outreach", "self_referral"]


def test_a_revoked_or_wrong_token_is_401(world):
    token, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    api_token_revoke(actor=world.officer, token=token)
    api = Client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer dfl_guess"}).status_code == 401


def test_every_error_status_is_declared_in_the_schema():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {str(status) for status in operation["responses"]}
            assert {"401", "403", "422", "500"} <= declared, (method, path)
            if "{" in path:
                assert "404" in declared, (method, path)


def test_the_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "deflect API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_schema_lists_every_error_code_once():
    listed = api.get_openapi_schema()["components"]["schemas"]["ErrorOut"]["properties"]["code"]
    domain = [str(code) for enum in DomainErrorCode.__subclasses__() for code in enum]
    assert len(domain) == len(set(domain)) and not set(domain) & set(ErrorCode)
    assert listed["enum"] == [str(c) for c in ErrorCode] + sorted(domain)
    for code in (
        "conflict",
        "consent_required",
        "referral_invalid_transition",
        "case_invalid_transition",
        "followup_invalid_transition",
        "mou_invalid_transition",
        "planning_activity_invalid_transition",
        "naloxone_insufficient_stock",
    ):
        assert code in listed["enum"], code


def test_a_client_tells_consent_required_from_an_invalid_transition(client, world):
    encounter, service, consent = referral_ready(world)
    draft = referral_create(
        actor=world.officer,
        person_id=encounter.person_id,
        service_id=service.pk,
        need="Detox bed",
        encounter_id=encounter.pk,
        send=False,
    ).referral
    consent.delete()
    client.force_login(world.officer)
    url = f"/api/v1/referrals/{draft.pk}/status"

    def move(status):
        return client.post(url, json.dumps({"status": status}), content_type="application/json")

    refused = move("requested")
    assert refused.status_code == 409 and _json(refused)["code"] == "consent_required"
    invalid = move("completed")
    body = _json(invalid)
    assert invalid.status_code == 409 and body["code"] == "referral_invalid_transition"
    assert "allowed next" in body["fields"]["status"][0]


def test_docs_api_md_names_every_error_code():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    assert [code for code in all_error_codes() if f"`{code}`" not in docs] == []
