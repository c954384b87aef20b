"""A URL too long is answered 414 by deflect itself, in the API's error shape."""

import pytest

from deflect.core.limits import MAX_URL_LENGTH

pytestmark = pytest.mark.django_db


def test_an_api_url_too_long_gets_414_in_the_error_shape(client, world):
    client.force_login(world.officer)
    response = client.get("/api/v1/people/search", {"last_name": "x" * MAX_URL_LENGTH})
    assert response.status_code == 414
    assert response.json() == {
        "code": "uri_too_long",
        "message": "The URL is too long.",
        "fields": {},
    }


def test_a_url_at_the_limit_is_answered_as_usual(client, world):
    client.force_login(world.officer)
    path = "/api/v1/people/search"
    padding = MAX_URL_LENGTH - len(path) - len("last_name=")
    response = client.get(path, {"last_name": "x" * padding})
    assert response.status_code == 200


def test_a_page_url_too_long_gets_a_plain_414(client, world):
    client.force_login(world.officer)
    response = client.get("/people/search/", {"last_name": "x" * MAX_URL_LENGTH})
    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/plain")
