"""In real Chromium: a referral closes its loop; outreach works the overdue queue; the
prosecutor sees an abeyance case reach "conditions met" and records the disposition."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deflect.cases.models import AbeyanceCase
from deflect.core.tests.browser import DESKTOP, PHONE, path_of, sign_in
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.followups.models import FollowUp, FollowUpAttempt
from deflect.followups.services import team_ensure
from deflect.referrals.models import Referral

from .factories import consent_to, encounter_by, justice_consent, service_for

pytestmark = pytest.mark.browser


def test_a_responder_refers_the_provider_takes_the_person_in_and_the_case_manager_sees_it(
    world, open_page, problems
):
    encounter = encounter_by(world.officer)
    service = service_for(world.agencies["treatment"], "Same-day buprenorphine")
    consent_to(encounter.person, world.agencies["treatment"])
    consent_to(encounter.person, world.agencies["health"], categories=["referral", "attendance"])

    officer = open_page(viewport=PHONE)
    sign_in(officer, "officer")
    officer.goto(f"/referrals/new/?encounter={encounter.pk}")
    officer.get_by_label("Service").select_option(str(service.pk))
    officer.get_by_label("What the person needs").fill("Wants to start treatment today")
    officer.get_by_label("Warm handoff").select_option("in_person")
    officer.get_by_label("Transported by").select_option("responder")
    officer.get_by_role("button", name="Send referral").click()
    expect(officer.get_by_test_id("referral-status")).to_contain_text("Requested")
    referral = Referral.objects.get()

    provider = open_page(viewport=DESKTOP)
    sign_in(provider, "provider")
    provider.goto("/referrals/inbound/")
    expect(provider.get_by_test_id("awaiting-count")).to_have_text("1")
    provider.get_by_role("link", name=f"#{referral.pk}").click()
    expect(provider.get_by_test_id("redisclosure-notice")).to_contain_text("42 CFR part 2")
    expect(provider.get_by_test_id("packet")).to_contain_text("Wants to start treatment today")
    expect(provider.get_by_test_id("packet")).not_to_contain_text("Called by a bystander")
    provider.get_by_role("button", name="Accept").click()
    expect(provider.get_by_test_id("inbound-status")).to_contain_text("Accepted")
    provider.get_by_label("Intake note (confidential)").fill("First dose given")
    provider.get_by_role("button", name="Record intake").click()
    expect(provider.get_by_test_id("inbound-status")).to_contain_text("In progress")

    manager = open_page(viewport=DESKTOP)
    sign_in(manager, "case_manager")
    manager.goto("/referrals/")
    manager.get_by_role("link", name=f"#{referral.pk}").click()
    expect(manager.get_by_test_id("referral-status")).to_contain_text("In progress")
    expect(manager.get_by_test_id("intake")).to_contain_text("hours from the encounter")
    expect(manager.locator("main")).to_contain_text("First dose given")
    expect(manager.get_by_test_id("redisclosure-notice")).to_contain_text("42 CFR part 2")

    officer.reload()
    expect(officer.get_by_test_id("referral-status")).to_contain_text(
        "treatment details are confidential"
    )
    expect(officer.locator("main")).not_to_contain_text("First dose given")
    expect(officer.locator("main")).not_to_contain_text("Wants to start treatment today")
    assert not problems, problems


def test_outreach_works_the_overdue_queue_and_logs_attempts(world, open_page, problems):
    team_ensure(program=world.program, name="QRT North", members=[world.outreach])
    now = timezone.now().replace(microsecond=0)
    data = submission("naloxone_plus", occurred_at=(now - dt.timedelta(hours=29)).isoformat())
    data["overdose"]["overdose_at"] = (now - dt.timedelta(hours=30)).isoformat()
    encounter = encounter_create(actor=world.officer, data=data).encounter
    first = FollowUp.objects.get(encounter=encounter, step=0)

    page = open_page(viewport=PHONE)
    sign_in(page, "outreach")
    page.goto("/followups/")
    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    page.get_by_test_id("overdue").get_by_role("link", name="Jamie Rivera").click()
    assert path_of(page) == f"/followups/{first.pk}/"
    expect(page.get_by_test_id("timeliness")).to_have_text("Overdue")
    page.get_by_label("How").select_option("home_visit")
    page.get_by_label("Result").select_option("not_found")
    page.get_by_label("Officer").check()
    page.get_by_label("Peer").check()
    page.get_by_role("button", name="Log attempt").click()
    expect(page.get_by_test_id("attempts")).to_contain_text("Home visit: Not found")
    expect(page.get_by_test_id("followup-status")).to_have_text("Open")
    page.get_by_label("How").select_option("phone")
    page.get_by_label("Result").select_option("contacted")
    page.get_by_role("button", name="Log attempt").click()
    expect(page.get_by_test_id("followup-status")).to_have_text("Contact made")
    expect(page.get_by_test_id("timeliness")).to_have_text("Done after the window")
    expect(page.get_by_role("link", name="Refer Jamie Rivera now")).to_be_visible()
    assert FollowUpAttempt.objects.filter(followup=first).count() == 2
    assert sorted(FollowUpAttempt.objects.get(result="not_found").team_composition) == [
        "officer",
        "peer",
    ]
    page.goto("/followups/")
    expect(page.get_by_test_id("overdue-count")).to_have_text("0")
    assert not problems, problems


def test_the_prosecutor_sees_conditions_met_and_records_the_disposition(world, open_page, problems):
    encounter = encounter_by(world.officer, "officer_intervention")
    abeyance = AbeyanceCase.objects.get(encounter=encounter)
    justice_consent(encounter.person, world.agencies["prosecutor"])

    prosecutor = open_page(viewport=DESKTOP)
    sign_in(prosecutor, "prosecutor")
    prosecutor.goto("/cases/prosecutor/")
    row = prosecutor.locator(f'tr[data-abeyance-id="{abeyance.pk}"]')
    expect(row.get_by_test_id("compliance")).to_have_text("In progress")

    manager = open_page(viewport=DESKTOP)
    sign_in(manager, "case_manager")
    manager.goto(f"/cases/abeyance/{abeyance.pk}/")
    manager.locator("#progress-form").get_by_label("What").select_option("treatment_met")
    manager.locator("#progress-form").get_by_role("button", name="Record").click()
    expect(manager.get_by_test_id("abeyance-status")).to_have_text("Conditions met")

    prosecutor.reload()
    expect(row.get_by_test_id("compliance")).to_have_text("Conditions met")
    row.get_by_text("Record a disposition").click()
    record = row.get_by_role("button", name="Record disposition")
    record.click()  # nothing chosen, nothing confirmed: the browser refuses to send it
    assert AbeyanceCase.objects.get(pk=abeyance.pk).disposition == ""
    row.get_by_label("Charges dropped").check()
    row.get_by_label("I confirm this disposition").check()
    record.click()
    expect(prosecutor.get_by_text("Disposition recorded.")).to_be_visible()
    expect(prosecutor.locator(f'tr[data-abeyance-id="{abeyance.pk}"]')).to_contain_text(
        "Charges dropped"
    )
    abeyance.refresh_from_db()
    assert abeyance.disposition == "charges_dropped"
    assert not problems, problems
