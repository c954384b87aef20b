"""In real Chromium: the dashboard's charts are drawn by the vendored vega-embed under the strict
CSP (no script errors, nothing blocked), each with its table for screen readers."""

import pytest
from playwright.sync_api import expect

from deflect.core.tests.browser import DESKTOP, sign_in
from deflect.referrals.tests.factories import send_referral

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_charts_with_their_tables(world, open_page, problems, out_dir):
    send_referral(world)
    page = open_page(DESKTOP)
    sign_in(page, "coordinator")
    page.goto("/reports/dashboard/")
    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(3)
    funnel = charts.nth(1)
    expect(funnel.locator("[data-chart-spec]")).to_have_attribute("data-rendered", "yes")
    expect(funnel.locator("svg").first).to_be_visible()
    expect(funnel.locator("svg text", has_text="People referred").first).to_be_attached()
    table = funnel.get_by_role("table")
    expect(table.locator("caption")).to_have_text("Referral funnel")
    expect(table.get_by_role("row", name="People referred 1")).to_have_count(1)
    page.screenshot(path=str(out_dir / "dashboard-charts.png"), full_page=True)
    assert not problems, problems
