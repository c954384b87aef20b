"""Input the schema refuses is refused by the API too (found by fuzzing): a body that is not a
JSON object, a number where a boolean or a date belongs."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("body", [[None, None], 5, "needs", None])
def test_a_body_that_is_not_an_object_gets_400(client, world, body):
    client.force_login(world.officer)
    response = _post(client, "/api/v1/resources/match", body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request body must be a JSON object.",
        "fields": {},
    }


def test_an_object_body_is_still_read(client, world):
    client.force_login(world.officer)
    assert _post(client, "/api/v1/resources/match", {}).status_code == 200


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/screening/needs/evaluate", "recent_overdose"),
        ("/api/v1/resources/match", "needs_bed"),
    ],
)
def test_a_number_is_not_a_yes_or_no_answer(client, world, path, field):
    client.force_login(world.officer)
    response = _post(client, path, {field: 0})
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert _post(client, path, {field: True}).status_code == 200


@pytest.mark.parametrize("value", ["0", "19700101", "1990-1-2"])
def test_a_date_of_birth_must_be_written_as_a_date(client, world, value):
    client.force_login(world.officer)
    response = client.get("/api/v1/people/search", {"date_of_birth": value})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "date_of_birth": ["Value error, Use a date as YYYY-MM-DD."]
    }


def test_a_date_of_birth_as_a_date_searches(client, world):
    client.force_login(world.officer)
    response = client.get("/api/v1/people/search", {"date_of_birth": "1990-01-02"})
    assert response.status_code == 200
