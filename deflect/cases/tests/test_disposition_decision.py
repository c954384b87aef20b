"""A disposition is a consequential decision: the page starts with nothing chosen and says what
each choice does, nothing is recorded without the confirmation, and a later correction with a
reason replaces it while the audit log keeps what it corrected."""

import re

import pytest
from django.urls import reverse

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.cases.models import AbeyanceCase
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def abeyance(world):
    return encounter_create(
        actor=world.officer, data=submission("officer_intervention")
    ).encounter.abeyance


def _dispose(client, abeyance, **form):
    return client.post(reverse("cases:prosecutor-dispose", args=[abeyance.pk]), form, follow=True)


def test_the_page_starts_with_no_disposition_chosen_and_says_what_each_does(
    client, world, abeyance
):
    client.force_login(world.prosecutor)
    html = client.get(reverse("cases:prosecutor-list")).content.decode()
    choices = re.findall(r'<input type="radio" name="disposition"[^>]*>', html)
    assert len(choices) == 2 and not any("checked" in c for c in choices)
    assert all("required" in c for c in choices)
    assert "<option" not in html  # no menu with a first choice already picked
    assert "The held charges are dismissed" in html
    assert "The held charges go forward to prosecution" in html
    assert re.search(r'<input type="checkbox" name="confirm" value="yes" required>', html)


def test_nothing_is_recorded_without_a_choice_or_the_confirmation(client, world, abeyance):
    client.force_login(world.prosecutor)
    page = _dispose(client, abeyance, disposition="charges_dropped").content.decode()
    assert "Nothing was recorded: tick the confirmation box first." in page
    page = _dispose(client, abeyance, confirm="yes").content.decode()
    assert "Nothing was recorded: Choose the disposition." in page
    abeyance.refresh_from_db()
    assert abeyance.disposition == ""


def test_a_recorded_disposition_is_corrected_only_by_a_later_entry_with_a_reason(
    client, world, abeyance
):
    client.force_login(world.prosecutor)
    page = _dispose(client, abeyance, disposition="charges_dropped", confirm="yes")
    assert "Disposition recorded." in page.content.decode()

    page = _dispose(client, abeyance, disposition="referred_for_prosecution", confirm="yes")
    assert "The disposition is recorded; the case is closed." in page.content.decode()
    assert AbeyanceCase.objects.get(pk=abeyance.pk).disposition == "charges_dropped"

    html = client.get(reverse("cases:prosecutor-list")).content.decode()
    assert "Correct this disposition" in html and 'name="correction_reason"' in html
    page = _dispose(
        client,
        abeyance,
        disposition="referred_for_prosecution",
        correction_reason="Recorded on the wrong case.",
        confirm="yes",
    )
    assert "Disposition corrected." in page.content.decode()
    corrected = AbeyanceCase.objects.get(pk=abeyance.pk)
    assert corrected.disposition == "referred_for_prosecution"
    assert corrected.disposition_note == "Recorded on the wrong case."
    entries = AuditEvent.objects.filter(
        action=Action.ABEYANCE_DISPOSE, target_id=str(abeyance.pk)
    ).order_by("id")
    assert [e.extra.get("corrected_from") for e in entries] == [None, "charges_dropped"]
