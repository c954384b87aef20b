"""In real Chromium: a responder finds a match from an encounter, a provider updates capacity,
and anyone searches the public directory without signing in."""

import pytest
from playwright.sync_api import expect

from deflect.core.tests.browser import PHONE, path_of, sign_in
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.resources.models import ServiceCapacity

pytestmark = pytest.mark.browser


def _encounter(world):
    data = submission(
        "first_responder_referral",
        needs={
            "substances": ["alcohol"],
            "withdrawal_symptoms_now": True,
            "readiness": "ready_now",
        },
    )
    return encounter_create(actor=world.outreach, data=data).encounter


def test_a_responder_finds_a_match_from_an_encounter(
    open_page, problems, world, directory, out_dir
):
    encounter = _encounter(world)
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, "outreach")
    page.goto(f"/encounters/{encounter.pk}/")
    page.get_by_test_id("find-resource").click()
    expect(page.get_by_test_id("from-encounter")).to_be_visible()
    assert path_of(page) == "/resources/match/"
    expect(page.get_by_label("Level of care")).to_have_value("withdrawal_management")
    first = page.get_by_test_id("match-result").first
    expect(first).to_contain_text("Northside Recovery — Residential treatment")
    expect(first.get_by_test_id("match-reasons")).to_contain_text("MOU partner of this program")
    expect(first.get_by_test_id("match-reasons")).to_contain_text("3 beds open")
    page.screenshot(path=out_dir / "resources-match-phone.png", full_page=True)
    assert problems == []


def test_a_provider_updates_capacity(open_page, problems, world, directory):
    page = open_page()
    sign_in(page, "provider")
    page.get_by_role("link", name="Capacity", exact=True).click()
    section = page.get_by_test_id("capacity-service").filter(has_text="Residential treatment")
    expect(section.get_by_test_id("capacity-figure")).to_contain_text("Beds: 3")
    section.get_by_label("Open now").fill("1")
    section.get_by_role("button", name="Update").click()
    expect(page.get_by_text("Capacity updated.")).to_be_visible()
    section = page.get_by_test_id("capacity-service").filter(has_text="Residential treatment")
    expect(section.get_by_test_id("capacity-figure")).to_contain_text("Beds: 1")
    expect(section.get_by_test_id("capacity-figure")).to_contain_text("updated 0 min ago by")
    capacity = ServiceCapacity.objects.get(service=directory["northside"], unit="bed")
    assert capacity.available == 1 and capacity.updated_by == world.provider
    assert problems == []


def test_the_public_directory_search_works_without_signing_in(
    open_page, problems, directory, out_dir
):
    page = open_page(viewport=PHONE, is_mobile=True)
    page.goto("/resources/directory/")
    expect(page.get_by_test_id("directory-count")).to_have_text("3 services found.")
    page.get_by_role("searchbox", name="Search").fill("syringe")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("directory-count")).to_have_text("1 service found.")
    expect(page.get_by_test_id("directory-entry")).to_contain_text("Harm Reduction Collective")
    page.get_by_role("searchbox", name="Search").fill("")
    page.get_by_label("Kind of help").select_option("outpatient")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("directory-entry")).to_contain_text("Eastside Clinic")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.screenshot(path=out_dir / "resources-directory-phone.png", full_page=True)
    assert problems == []
