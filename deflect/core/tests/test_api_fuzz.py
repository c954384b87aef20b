"""Fuzzing the JSON API from its own OpenAPI schema (schemathesis, in-process over WSGI).

For every operation, generated requests, valid and invalid, from a signed-in field worker and
coordinator: no server error, every status answered is one the schema declares, bodies match
the declared schemas and content types, and no stack trace ever reaches a body.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from deflect.accounts.services import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's database
    connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["officer", "coordinator"])
def bearer(request, world) -> dict[str, str]:
    _, secret = api_token_create(actor=None, user=world.users[request.param], name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_its_schema_says(case, bearer):
    response = case.call(headers=bearer)
    case.validate_response(response, checks=CHECKS)
    assert "Traceback" not in response.text
