"""The coordinator's eligibility-rules page and its live "try the rules" preview."""

import pytest
from django.urls import reverse

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.screening.models import EligibilityRuleSet
from deflect.screening.rules import EligibilityRules
from deflect.screening.selectors import eligibility_rules_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(world, program=None) -> str:
    return reverse("screening:eligibility", args=[(program or world.program).pk])


def preview_url(world) -> str:
    return reverse("screening:eligibility-preview", args=[world.program.pk])


def test_the_coordinator_sees_the_rules_and_the_form(client, world):
    client.force_login(world.coordinator)
    page = client.get(page_url(world)).content.decode()
    assert "Eligibility rules" in page and "Marlow Deflection" in page
    assert "(program defaults)" in page
    assert 'id="rules-form"' in page and "Save rules" in page
    assert 'hx-post="' + preview_url(world) + '"' in page
    assert 'hx-include="#rules-form"' in page


def test_an_officer_reads_the_rules_and_may_try_them_but_not_change_them(client, world):
    client.force_login(world.officer)
    page = client.get(page_url(world)).content.decode()
    assert "Current rules" in page and "Try the rules" in page
    assert 'id="rules-form"' not in page


def test_the_coordinator_saves_new_rules(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        page_url(world),
        {
            "excluded_offense_categories": ["drug_sale", "dui"],
            "exclude_violent": "on",
            "minimum_age": "",
            "max_prior_participations": "3",
        },
    )
    assert response.status_code == 302
    assert eligibility_rules_for(world.program) == EligibilityRules(
        excluded_offense_categories=frozenset({"drug_sale", "dui"}),
        exclude_violent=True,
        exclude_outstanding_warrant=False,
        minimum_age=None,
        max_prior_participations=3,
    )
    assert AuditEvent.objects.filter(
        action=Action.SCREENING_RULES_UPDATE, actor=world.coordinator
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Eligibility rules saved." in page
    assert "Drug sale" in page and "DUI" in page and "No minimum" in page


def test_a_bad_value_is_explained_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        page_url(world), {"minimum_age": "200", "excluded_offense_categories": ["arson"]}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "less than or equal to 120" in page
    assert "not one of the available choices" in page
    assert not EligibilityRuleSet.objects.exists()


def test_the_admin_reads_but_may_not_change_a_programs_rules(client, world):
    client.force_login(world.admin)
    assert client.get(page_url(world)).status_code == 200
    assert client.post(page_url(world), {"minimum_age": "16"}).status_code == 403
    assert not EligibilityRuleSet.objects.exists()


def test_another_countys_coordinator_gets_404(client, world):
    client.force_login(world.other_coordinator)
    assert client.get(page_url(world)).status_code == 404
    assert client.post(page_url(world), {"minimum_age": "16"}).status_code == 404
    assert client.post(preview_url(world), {"try-age": "16"}, **HTMX).status_code == 404


def test_trying_sample_facts_with_the_saved_rules(client, world):
    client.force_login(world.officer)
    response = client.post(preview_url(world), {"try-age": "17"}, **HTMX)
    assert response.status_code == 200
    partial = response.content.decode()
    assert "<html" not in partial
    assert "Not eligible" in partial and "Under the minimum age of 18" in partial
    assert "with the saved rules" in partial


def test_the_coordinator_tries_unsaved_rules_before_saving(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        preview_url(world),
        {
            "draft": "1",
            "excluded_offense_categories": ["drug_sale"],
            "minimum_age": "",
            "try-offense_categories": ["drug_sale"],
            "try-age": "17",
        },
        **HTMX,
    )
    partial = response.content.decode()
    assert "Not eligible" in partial
    assert "Offense category &#x27;drug sale&#x27; is excluded by this program" in partial
    assert "minimum age" not in partial  # the draft has no minimum age
    assert "with the rules in the form (not saved)" in partial
    assert not EligibilityRuleSet.objects.exists()


def test_an_officer_cannot_try_draft_rules(client, world):
    client.force_login(world.officer)
    response = client.post(
        preview_url(world), {"draft": "1", "minimum_age": "", "try-age": "17"}, **HTMX
    )
    assert "Under the minimum age of 18" in response.content.decode()


def test_unknown_facts_are_reasons_in_the_preview(client, world):
    client.force_login(world.coordinator)
    partial = client.post(preview_url(world), {}, **HTMX).content.decode()
    assert "Eligible" in partial and "Age not known — confirm before enrolling" in partial


def test_bad_sample_facts_are_explained_in_the_partial(client, world):
    client.force_login(world.coordinator)
    response = client.post(preview_url(world), {"try-age": "old"}, **HTMX)
    assert response.status_code == 200
    assert "Check the sample facts" in response.content.decode()


def test_bad_draft_rules_are_explained_in_the_partial(client, world):
    client.force_login(world.coordinator)
    response = client.post(preview_url(world), {"draft": "1", "minimum_age": "-3"}, **HTMX)
    assert "cannot be tried yet" in response.content.decode()


def test_without_javascript_the_preview_returns_the_whole_page(client, world):
    client.force_login(world.officer)
    response = client.post(preview_url(world), {"try-outstanding_warrant": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and "Outstanding warrant" in page and "Not eligible" in page
    bad = client.post(preview_url(world), {"try-age": "-1"})
    assert bad.status_code == 422
