"""The OpenAPI document tells the truth: every schema has its own name, and every operation
declares every status it can answer, each error in the one error shape."""

import json

import pytest
from ninja.openapi.schema import OpenAPISchema

from config.api import api


def _schema_with_definitions_seen(monkeypatch) -> tuple[dict, dict[str, list[str]]]:
    """The OpenAPI document, and every definition each schema name was given while it was
    built (django-ninja keeps only the last one when two models share a name)."""
    seen: dict[str, list[str]] = {}
    original = OpenAPISchema.add_schema_definitions

    def record(self, definitions):
        for name, definition in definitions.items():
            body = json.dumps(definition, sort_keys=True)
            if body not in seen.setdefault(name, []):
                seen[name].append(body)
        return original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    return api.get_openapi_schema(), seen


def test_no_two_schemas_share_a_name(monkeypatch):
    _, seen = _schema_with_definitions_seen(monkeypatch)
    shared = {name: len(bodies) for name, bodies in seen.items() if len(bodies) > 1}
    assert not shared, f"distinct schemas published under one name: {shared}"


def test_person_search_is_documented_with_its_own_response(monkeypatch):
    schema, _ = _schema_with_definitions_seen(monkeypatch)
    ok = schema["paths"]["/api/v1/people/search"]["get"]["responses"][200]
    ref = ok["content"]["application/json"]["schema"]["items"]["$ref"]
    name = ref.rsplit("/", 1)[1]
    assert "person" in schema["components"]["schemas"][name]["properties"]


# Writes that cannot conflict with stored state: they compute an answer without storing it,
# replace a whole setting, or always create a new record.
NO_CONFLICT = {
    ("POST", "/api/v1/audit/verify"),
    ("POST", "/api/v1/screening/eligibility/evaluate"),
    ("POST", "/api/v1/screening/needs/evaluate"),
    ("POST", "/api/v1/resources/match"),
    ("PUT", "/api/v1/screening/programs/{program_id}/eligibility-rules"),
    ("PUT", "/api/v1/resources/services/{service_id}/capacity"),
    ("PUT", "/api/v1/followups/programs/{program_id}/policies/{trigger}"),
    ("POST", "/api/v1/people"),
    ("POST", "/api/v1/people/{person_id}/consents"),
}


def _body_fields(operation: dict, schema: dict) -> list[str]:
    """The request body's top-level field names."""
    names: list[str] = []
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = body.get("schema", {}).get("$ref", "")
    if ref:
        names += list(schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])
    return names


def _expected_errors(method: str, path: str, operation: dict, schema: dict) -> set[str]:
    """The error statuses an operation can answer.

    Any request: 400 (malformed body or bad request), 413 (body too large), 414 (URL too
    long), 422 (invalid fields), 500. Signed-in operations: 401 and 403 (role, or CSRF).
    404 when the path or the body names a record (another agency's answers 404; a query
    parameter that only filters a list does not). 409 for writes to stored state (an illegal
    status change, a duplicate, a reused idempotency key)."""
    expected = {"400", "413", "414", "422", "500"}
    if operation.get("security"):
        expected |= {"401", "403"}
    if "{" in path or any(name.endswith("_id") for name in _body_fields(operation, schema)):
        expected.add("404")
    if method != "GET" and (method, path) not in NO_CONFLICT:
        expected.add("409")
    return expected


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation, schema


@pytest.mark.parametrize(
    ("method", "path", "operation", "schema"),
    list(_operations()),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_every_operation_declares_every_error_status_in_the_error_shape(
    method, path, operation, schema
):
    responses = {str(status): response for status, response in operation["responses"].items()}
    missing = _expected_errors(method, path, operation, schema) - set(responses)
    assert not missing, f"{method} {path} does not declare {sorted(missing)}"
    for status, response in responses.items():
        if int(status) < 400:
            continue
        ref = response["content"]["application/json"]["schema"]["$ref"]
        error = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(error["properties"]) == {"code", "message", "fields"}, (method, path, status)
        assert set(error["required"]) == {"code", "message", "fields"}


def test_every_operation_exempt_from_conflicts_exists():
    operations = {(method, path) for method, path, _, _ in _operations()}
    assert operations >= NO_CONFLICT
