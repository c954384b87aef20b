"""A forged phone-form POST cannot make the server build millions of rows or crash on fields
that do not fit together: it gets the form back with a message, at once."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from deflect.core.errors import ValidationFailed
from deflect.encounters.forms import MAX_LIST_INDEX, submission_from_post
from deflect.encounters.models import Encounter

from .test_encounter_api_and_pages import _form_post


def test_an_offense_index_past_the_bound_is_refused_without_building_the_list():
    post = QueryDict(mutable=True)
    post["officer_intervention.offenses.3000000.statute"] = "CR 5-601"
    with pytest.raises(ValidationFailed) as error:
        submission_from_post(post)
    assert "officer_intervention.offenses" in error.value.fields


def test_the_last_allowed_index_still_works():
    post = QueryDict(mutable=True)
    post[f"officer_intervention.offenses.{MAX_LIST_INDEX}.statute"] = "CR 5-601"
    data = submission_from_post(post)
    assert data["officer_intervention"]["offenses"] == [{"statute": "CR 5-601"}]


@pytest.mark.parametrize(
    "fields",
    [
        {"officer_intervention": "x", "officer_intervention.offenses.0.statute": "y"},
        {"officer_intervention.offenses.0": "x", "officer_intervention.offenses.0.statute": "y"},
        {"officer_intervention.offenses": "x", "officer_intervention.offenses.0.statute": "y"},
    ],
)
def test_fields_that_do_not_fit_together_are_a_validation_error(fields):
    post = QueryDict(mutable=True)
    for key, value in fields.items():
        post[key] = value
    with pytest.raises(ValidationFailed):
        submission_from_post(post)


def test_a_section_sent_as_plain_text_is_left_to_validation():
    post = QueryDict(mutable=True)
    post["needs"] = "x"
    post["officer_intervention"] = "y"
    assert submission_from_post(post) == {"needs": "x", "officer_intervention": "y"}


@pytest.mark.django_db
def test_the_phone_form_answers_a_huge_offense_index_with_the_form_and_a_message(client, world):
    client.force_login(world.officer)
    post = _form_post(**{"officer_intervention.offenses.3000000.statute": "CR 5-601"})
    response = client.post(reverse("encounters:new"), post)
    assert response.status_code == 422
    assert "more rows than it can take" in response.content.decode()
    assert not Encounter.objects.exists()
