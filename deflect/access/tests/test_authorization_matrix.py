"""Every route × every persona has an expected outcome; a route without a row fails."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api

from .matrix import API_ROWS, DELEGATED_NAMESPACES, PERSONAS, WEB_ROWS


def _url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}<unnamed {pattern.pattern}>")
    return names


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_web_route_has_a_row():
    api_names = {f"api:{name}" for name in _url_names(api.urls[0])}
    operation_urls = api_names - {"api:openapi-json", "api:openapi-view"}
    covered = {row.route for row in WEB_ROWS}
    missing = sorted(
        name
        for name in _url_names(get_resolver().url_patterns)
        if name not in covered
        and name not in operation_urls  # API operations are checked by their own rows
        and not name.startswith(DELEGATED_NAMESPACES)
    )
    assert not missing, f"routes with no row in the authorization matrix: {missing}"


def test_every_api_operation_has_a_row():
    covered = {(row.method, row.route) for row in API_ROWS}
    missing = sorted(_api_operations() - covered)
    assert not missing, f"API operations with no row in the authorization matrix: {missing}"


def _client_for(client, world, persona):
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def _send(client, method, url, body, *, json_body):
    kwargs = {}
    if body is not None:
        if json_body:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        else:
            kwargs = {"data": body}
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", WEB_ROWS, ids=lambda r: r.id)
def test_web_route(row, persona, client, world):
    url = (
        reverse(row.route, kwargs=row.args(world))
        if row.route != "api-not-found"
        else "/api/v1/no/such/route"
    )
    client = _client_for(client, world, persona)
    body = row.body(world) if row.body else None
    response = _send(client, row.method, url, body, json_body=False)
    assert response.status_code == row.expected[persona], (
        f"{row.id} as {persona}: got {response.status_code}, expected {row.expected[persona]}"
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", API_ROWS, ids=lambda r: r.id)
def test_api_operation(row, persona, client, world):
    url = row.route.format(**row.args(world))
    client = _client_for(client, world, persona)
    body = row.body(world) if row.body else None
    response = _send(client, row.method, url, body, json_body=True)
    assert response.status_code == row.expected[persona], (
        f"{row.id} as {persona}: got {response.status_code}, "
        f"expected {row.expected[persona]}: {response.content[:200]!r}"
    )
    if response.status_code >= 400:
        payload = response.json()
        assert set(payload) == {"code", "message", "fields"}, payload
