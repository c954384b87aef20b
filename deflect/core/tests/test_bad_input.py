"""Stories of bad input at the door: NUL bytes, numbers past 64 bits, NaN hours, a capacity of
2^63. Each gets a clear 4xx (the API's error shape, or a form error on a web page)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from deflect.access.tests.matrix import API_ROWS, WEB_ROWS
from deflect.cases.models import AbeyanceCase
from deflect.cases.services import abeyance_progress_record
from deflect.core.errors import DomainError
from deflect.core.forms import IdField, parse_id
from deflect.people.models import Person

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "fields"}


def _row(rows, route: str, method: str):
    """The authorization matrix's row, for its way of making real ids and a valid body."""
    return next(r for r in rows if r.route == route and r.method == method)


def _capacity_args(world) -> dict:
    return _row(API_ROWS, "/api/v1/resources/services/{service_id}/capacity", "PUT").args(world)


def _abeyance(world) -> dict:
    return _row(API_ROWS, "/api/v1/cases/abeyance/{abeyance_id}/progress", "POST").args(world)


def web_person(world) -> dict:
    return _row(WEB_ROWS, "people:new", "POST").body(world)


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_json_nul_escape_in_any_text_field_is_a_400_naming_the_problem(client, world):
    client.force_login(world.officer)
    response = _post(
        client, "/api/v1/people", {"program_id": world.program.pk, "first_name": "Da\u0000na"}
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE and "NUL" in body["message"]
    assert not Person.objects.filter(first_name__startswith="Da").exists()


def test_a_nul_nested_in_a_json_list_or_key_is_refused_too(client, world):
    client.force_login(world.coordinator)
    response = _post(client, "/api/v1/resources/match", {"languages": ["en", "\u0000"]})
    assert response.status_code == 400
    response = _post(client, "/api/v1/resources/match", {"a\u0000": 1})
    assert response.status_code == 400


def test_a_literal_backslash_u0000_is_ordinary_text(client, world):
    """Only a real NUL is refused: the six characters ``\\u0000`` typed as text are fine."""
    client.force_login(world.officer)
    response = _post(
        client,
        "/api/v1/people",
        {"program_id": world.program.pk, "first_name": "Dana", "description": "\\u0000"},
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get(first_name="Dana").description == "\\u0000"


def test_a_nul_in_a_query_string_is_a_400_on_the_api_and_on_pages(client, world):
    client.force_login(world.officer)
    response = client.get("/api/v1/people/search?last_name=Wh%00it")
    assert response.status_code == 400 and set(response.json()) == SHAPE
    response = client.get(reverse("people:search-results") + "?q=Wh%00it")
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_a_nul_in_a_web_form_is_a_form_error(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("people:new"), {**web_person(world), "last_name": "Whit\x00field"}
    )
    assert response.status_code == 422
    assert "Null characters are not allowed" in response.content.decode()
    assert not Person.objects.filter(first_name="Dana").exists()


@pytest.mark.parametrize("bad", [2**64, -(2**64), 2**63])
def test_a_query_id_past_64_bits_is_a_422_naming_the_parameter(client, world, bad):
    client.force_login(world.coordinator)
    response = client.get(f"/api/v1/staff/memberships?agency_id={bad}")
    assert response.status_code == 422 and "agency_id" in response.json()["fields"]
    client.force_login(world.outreach)
    response = client.get(f"/api/v1/followups/queue?person_id={bad}")
    assert response.status_code == 422 and "person_id" in response.json()["fields"]


@pytest.mark.parametrize("bad", [2**63, 2**31, -1])
def test_a_capacity_past_what_the_column_holds_is_a_422(client, world, bad):
    url = "/api/v1/resources/services/{service_id}/capacity".format(**_capacity_args(world))
    client.force_login(world.provider)
    response = client.put(
        url, data=json.dumps({"unit": "bed", "available": bad}), content_type="application/json"
    )
    assert response.status_code == 422 and "available" in response.json()["fields"]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_service_hours_of_nan_or_infinity_are_a_422(client, world, bad):
    url = "/api/v1/cases/abeyance/{abeyance_id}/progress".format(**_abeyance(world))
    client.force_login(world.case_manager)
    response = _post(client, url, {"kind": "service_hours", "hours": bad})
    assert response.status_code == 422 and "hours" in response.json()["fields"]


def test_the_hours_service_refuses_nan_whoever_calls_it(world):
    abeyance = AbeyanceCase.objects.get(pk=_abeyance(world)["abeyance_id"])
    with pytest.raises(DomainError) as error:
        abeyance_progress_record(
            actor=world.case_manager, abeyance=abeyance, kind="service_hours", hours=Decimal("NaN")
        )
    assert "hours" in error.value.fields


@pytest.mark.parametrize("bad", [2**64, -(2**64), 2**63, "NaN"])
def test_the_follow_up_queue_page_treats_an_id_past_64_bits_as_no_filter(client, world, bad):
    client.force_login(world.outreach)
    response = client.get(reverse("followups:queue") + f"?person={bad}&team={bad}")
    assert response.status_code == 200


def test_a_form_id_past_64_bits_is_a_form_error():
    field = IdField()
    with pytest.raises(Exception, match="less than or equal"):
        field.clean(str(2**63))
    assert field.clean(str(2**63 - 1)) == 2**63 - 1
    assert parse_id(str(2**64)) is None and parse_id("0") is None and parse_id(" 7 ") == 7
