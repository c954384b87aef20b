"""In real Chromium: running the program.

A coordinator adopts a planning model, completes activities and prints the readiness report;
an outreach worker records a drop-in center that hands out naloxone kits; a member of the
public answers the feedback form in Spanish on a phone without signing in.
"""

import re

import pytest
from playwright.sync_api import expect

from deflect.core.tests.browser import DESKTOP, PHONE, path_of, sign_in
from deflect.feedback.models import FeedbackResponse
from deflect.naloxone import selectors as naloxone
from deflect.naloxone.tests.factories import stocked
from deflect.planning.models import ActivityStatus, PlanningActivity

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_coordinator_completes_planning_activities_and_prints_readiness(
    world, open_page, problems, out_dir
):
    page = open_page(DESKTOP)
    sign_in(page, "coordinator")
    page.goto(f"/programs/{world.program.pk}/")
    page.get_by_role("link", name="Planning checklists and readiness").click()
    page.get_by_label("Model", exact=True).select_option(label="Post-Overdose Response")
    with page.expect_navigation():
        page.get_by_role("button", name="Adopt").click()
    expect(page.locator(".messages")).to_contain_text("Post-Overdose Response adopted")
    total = PlanningActivity.objects.filter(program=world.program).count()
    expect(page.locator("#readiness-summary")).to_contain_text(f"0 of {total} done")

    first = page.locator(".checklist > li").first
    with page.expect_navigation():
        first.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(page.locator("#readiness-summary")).to_contain_text(f"1 of {total} done")

    # Plan the MOU activity: an owner, a date in the past (so it shows overdue) and a link.
    mou = PlanningActivity.objects.get(program=world.program, code="mous_treatment")
    page.locator(f"#activity-{mou.pk}").get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Owner").select_option(str(world.case_manager.pk))
    page.get_by_label("Due date").fill("2026-01-15")
    page.get_by_label("Evidence: what it is").fill("Draft MOU with Northside")
    page.get_by_label("Evidence: link").fill("https://example.org/mou-draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Save activity").click()
    expect(page.locator(f"#activity-{mou.pk}")).to_contain_text("Overdue")

    page.get_by_role("link", name="Readiness report (printable)").click()
    expect(page.locator("#readiness-verdict")).to_contain_text(f"1 of {total} activities done")
    expect(page.locator("#overdue")).to_have_text("Overdue (1)")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.pdf(path=str(out_dir / "planning-readiness.pdf"))
    page.emulate_media(media="screen")
    page.screenshot(path=str(out_dir / "planning-readiness.png"), full_page=True)
    statuses = dict(
        PlanningActivity.objects.filter(program=world.program).values_list("code", "status")
    )
    assert statuses["hire_coordinator"] == ActivityStatus.DONE
    assert not problems, problems


def test_outreach_records_a_drop_in_center_that_hands_out_kits(world, open_page, problems, out_dir):
    central, batch = stocked(world.program, kits=30, name="County central stock")
    page = open_page(DESKTOP)
    sign_in(page, "outreach")
    page.goto("/community/")
    assert path_of(page) == f"/community/{world.program.pk}/"
    page.get_by_label("Kind of event").select_option(label="Drop-in center")
    page.get_by_label("Title").fill("Tuesday drop-in")
    page.get_by_label("Date and time").fill("2026-11-24T17:30")
    page.get_by_label("Place").fill("First Parish Hall")
    page.get_by_label("Partners").fill("Northside Recovery\nHarbor Light")
    page.get_by_label("Attendance").fill("22")
    page.get_by_label("People trained to use naloxone").fill("14")
    page.get_by_label("Naloxone kits handed out").fill("12")
    page.get_by_label("Kits taken from").select_option(label="County central stock")
    page.get_by_label("Lot", exact=True).select_option(str(batch.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Record event").click()
    expect(page.locator(".messages")).to_contain_text("Recorded: Tuesday drop-in.")
    row = page.locator("tbody tr", has_text="Tuesday drop-in")
    expect(row.locator("[data-kits]")).to_have_text("12")
    expect(row).to_contain_text("Northside Recovery, Harbor Light")
    page.screenshot(path=str(out_dir / "community-drop-in.png"), full_page=True)

    page.goto(f"/naloxone/{world.program.pk}/")
    expect(page.locator(f"#location-{central.pk} [data-on-hand]")).to_have_text("18")
    expect(page.locator("#kits-distributed")).to_contain_text("12")
    assert naloxone.kits_distributed(world.program)["by_channel"] == {"drop_in": 12}
    assert not problems, problems


def test_a_member_of_the_public_gives_feedback_from_a_phone_without_signing_in(
    world, open_page, problems, out_dir
):
    page = open_page(PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/feedback/{world.program.pk}/")
    expect(page.locator("h1")).to_have_text("Tell us how it went")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Cuéntenos cómo le fue")
    page.get_by_label("Bien", exact=True).check()
    page.get_by_label("En parte").check()
    page.get_by_label("¿Qué le habría ayudado?").fill("Que alguien me llamara al día siguiente.")
    page.screenshot(path=str(out_dir / "feedback-phone-es.png"), full_page=True)
    page.wait_for_timeout(3200)  # a person takes more than three seconds; a bot does not
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar").click()
    expect(page.locator("h1")).to_have_text("Gracias")
    answer = FeedbackResponse.objects.get()
    assert (answer.treated, answer.timely, answer.language) == (4, "partly", "es")
    assert answer.would_have_helped.startswith("Que alguien")
    assert not problems, problems
