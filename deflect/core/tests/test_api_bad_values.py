"""Every API operation answers out-of-range numbers, NaN, Infinity and NUL bytes with a 4xx.

The operations and their inputs come from the API's own OpenAPI schema; the requests start from
each operation's row in the authorization matrix, sent by a persona the row lets through, with
real path ids and a valid body. One input at a time gets a bad value, so it reaches the handler
(and the database) unless the boundary refuses it. Runs on SQLite and on PostgreSQL
(``DATABASE_URL``) alike.
"""

import json
from urllib.parse import urlencode

import pytest

from config.api import api
from deflect.access.tests.matrix import API_ROWS
from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system

pytestmark = pytest.mark.django_db

NUMBERS = [2**64, -(2**64), 2**63, 2**31, "NaN", "Infinity"]
NUL = "a\u0000b"
_SCHEMA: dict = {}


def _openapi() -> dict:
    if not _SCHEMA:
        _SCHEMA.update(json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"))))
    return _SCHEMA


def _resolve(node: dict) -> dict:
    schema = _openapi()
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in node.get(key, []) if o.get("type") != "null"]
        if options:
            return _resolve(options[0])
    return node


def _bad_values(node: dict) -> list:
    node = _resolve(node)
    if node.get("type") in ("integer", "number"):
        return NUMBERS
    if node.get("type") == "string" and "enum" not in node and node.get("format") != "uuid":
        return [NUL]
    return []


def _inputs(operation: dict) -> list[tuple[str, str, list]]:
    """(where, name, bad values) for every scalar parameter and top-level body field."""
    found = [
        (p["in"], p["name"], _bad_values(p.get("schema", {})))
        for p in operation.get("parameters", [])
        if p["in"] in ("path", "query")
    ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        for name, sub in _resolve(body["schema"]).get("properties", {}).items():
            found.append(("body", name, _bad_values(sub)))
    return [entry for entry in found if entry[2]]


def _allowed_persona(row) -> str:
    for persona, status in row.expected.items():
        if persona != "anonymous" and status < 300:
            return persona
    return "coordinator"


def _json_value(value):
    return float(value) if value in ("NaN", "Infinity") else value


def test_every_api_operation_is_exercised():
    operations = {
        (method.upper(), path) for path, ops in _openapi()["paths"].items() for method in ops
    }
    assert operations <= {(row.method, row.route) for row in API_ROWS}


@pytest.mark.parametrize("row", API_ROWS, ids=lambda r: r.id)
def test_bad_numbers_and_nul_bytes_get_a_4xx(row, world, client):
    operation = _openapi()["paths"].get(row.route, {}).get(row.method.lower())
    if operation is None:  # the matrix's unknown-route row
        return
    persona = _allowed_persona(row)
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.users[persona], name="bad values"
    )
    headers = {"Authorization": f"Bearer {secret}"}
    args = {k: str(v) for k, v in row.args(world).items()}
    base_body = row.body(world) if row.body else None
    sent = 0
    for where, name, values in _inputs(operation):
        for bad in values:
            path_args, query, body = dict(args), {}, base_body
            if where == "path":
                path_args[name] = str(bad)
            elif where == "query":
                query[name] = str(bad)
            elif isinstance(base_body, dict):
                body = {**base_body, name: _json_value(bad)}
            else:
                body = {name: _json_value(bad)}
            url = row.route.format(**path_args) + ("?" + urlencode(query) if query else "")
            kwargs = {"headers": headers}
            if body is not None:
                kwargs["data"] = json.dumps(body, allow_nan=True)
                kwargs["content_type"] = "application/json"
            response = getattr(client, row.method.lower())(url, **kwargs)
            sent += 1
            assert response.status_code < 500, (
                f"{row.id} {where} {name}={bad!r} as {persona}: "
                f"{response.status_code} {response.content[:300]!r}"
            )
            assert "Traceback" not in response.content.decode(errors="replace")
            if response.status_code >= 400:
                assert set(response.json()) == {"code", "message", "fields"}
    assert sent or not _inputs(operation)
