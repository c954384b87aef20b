"""In real Chromium: an analyst opens the Equity page, sees each decision point's chart drawn
with its table, changes the grouping, and downloads the CSV."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deflect.core.tests.browser import DESKTOP, sign_in
from deflect.equity.tests.builders import contacts

pytestmark = pytest.mark.browser


def test_the_analyst_sees_charts_and_their_tables(world, open_page, problems, out_dir):
    when = timezone.now() - dt.timedelta(days=3)
    contacts(world, 20, race="white", outcome="referred", stage=1, when=when)
    contacts(world, 11, race="white", outcome="declined", when=when)
    contacts(world, 15, race="white", when=when)
    contacts(world, 12, race="black", outcome="referred", stage=1, when=when)
    contacts(world, 18, race="black", when=when)
    page = open_page(DESKTOP)
    # The first request imports the chart and statistics libraries; give a cold server time.
    page.goto("/login/", timeout=60_000)
    sign_in(page, "analyst")
    page.get_by_role("link", name="Equity").click()
    expect(page.get_by_role("heading", name="Equity at every decision point")).to_be_visible()
    offered = page.locator("#point-offered")
    chart = offered.get_by_test_id("chart").first
    expect(chart.locator("[data-chart-spec]")).to_have_attribute("data-rendered", "yes")
    expect(chart.locator("svg").first).to_be_visible()
    # The chart's table for screen readers carries the same RRI and interval.
    table = chart.get_by_test_id("chart-table")
    expect(table.get_by_role("row", name="Black or African American 0.59 0.37 0.96")).to_have_count(
        1
    )
    expect(offered.get_by_role("row", name="Black or African American").first).to_contain_text(
        "differs"
    )
    page.screenshot(path=str(out_dir / "equity-page.png"), full_page=True)

    page.get_by_label("Groups").select_option(label="Area (the agency that made the contact)")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("groups")).to_contain_text("Marlow City Police")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("decision_point,group,numerator,denominator")
    assert "Marlow City Police" in text
    assert not problems, problems
