"""Fuzzing the JSON API from its own OpenAPI schema (schemathesis, in-process over WSGI).

For every operation, generated requests, valid and invalid, from a signed-in field worker and
coordinator, with every schemathesis check on: no server error; every status answered is one
the schema declares; bodies, content types and headers match the schema; invalid data is
refused and valid data is not refused as malformed; the allowed methods are honoured; and no
stack trace ever reaches a body.
"""

import pytest
import schemathesis
import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import is_check_class
from schemathesis.config import SchemathesisConfig

from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system

# Schema-valid data may still break a business rule (an encounter more than a year old, a
# person with no name): that is a 422 with the fields named, not a refusal of the request's
# shape. Everything else positive_data_acceptance expects by default stays expected.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [
                    *("2xx", "3xx", "401", "403", "404", "409", "422", "429"),
                    "400",  # a NUL character in any text is refused at the door (docs/api.md)
                ]
            }
        }
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)
# Every check schemathesis has that judges one response (the others follow a whole stateful run).
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if not is_check_class(check)]


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
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.users[request.param], name="fuzz"
    )
    return {"Authorization": f"Bearer {secret}"}


def test_every_check_is_on():
    assert {c.__name__ for c in CHECKS} >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_its_schema_says(case, bearer):
    response = case.call(headers=bearer)
    case.validate_response(response, headers=bearer, checks=CHECKS)
    assert "Traceback" not in response.text
