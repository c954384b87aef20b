"""In real Chromium: the overdose map draws its data layer with no tile server; an outreach
worker sees points (never names), an analyst and a responder see cells only, a prosecutor is
refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deflect.audit.models import AuditEvent
from deflect.core.tests.browser import DESKTOP, sign_in
from deflect.surveillance.services import h3_cell_of

from .factories import alert_for, event_for, person_for

pytestmark = pytest.mark.browser


@pytest.fixture
def overdoses(world, settings):
    settings.DEFLECT_MAP_TILE_URL = ""
    person = person_for(world.program)
    spots = [
        (Decimal("38.887310"), Decimal("-77.094690")),
        (Decimal("38.862540"), Decimal("-77.086730")),
    ]
    for i, (lat, lon) in enumerate(spots * 3):
        event_for(
            world.program,
            at=(lat, lon),
            h3_cell=h3_cell_of(lat, lon, 8),
            fatal=i == 0,
            person=person if i == 1 else None,
            occurred_at=timezone.now() - dt.timedelta(days=i + 1),
        )
    alert_for(world.program, area_kind="h3", area=h3_cell_of(*spots[0], 8))
    return person


def test_outreach_sees_cells_and_points_without_tiles(world, overdoses, open_page, problems):
    page = open_page(DESKTOP)
    sign_in(page, "outreach")
    page.goto(f"/surveillance/{world.program.pk}/map/")
    map_box = page.locator("#overdose-map")
    expect(map_box).to_have_attribute("data-layer-ready", "true")
    expect(page.locator("#overdose-map-summary")).to_contain_text(
        "2 cells, 6 individual overdoses, 1 alerts shown."
    )
    expect(page.locator("path.overdose-cell")).to_have_count(2)
    expect(page.locator("path.overdose-point")).to_have_count(6)
    expect(page.locator("path.overdose-alert")).to_have_count(1)
    expect(page.locator(".leaflet-tile")).to_have_count(0)  # no tile server
    assert "Ortiz" not in page.content()  # never names
    seen = AuditEvent.objects.filter(action="surveillance.map_view", actor=world.outreach).last()
    assert seen.extra["count"] == 6 and seen.extra["person_ids"] == [overdoses.pk]
    assert not problems, problems


@pytest.mark.parametrize("persona", ["analyst", "officer"])
def test_aggregate_viewers_see_suppressed_cells_only(world, overdoses, open_page, persona):
    page = open_page(DESKTOP)
    sign_in(page, persona)
    page.goto(f"/surveillance/{world.program.pk}/map/")
    expect(page.locator("#overdose-map")).to_have_attribute("data-layer-ready", "true")
    expect(page.locator("#overdose-map-summary")).to_contain_text("2 cells, 0 individual")
    expect(page.locator("path.overdose-cell")).to_have_count(2)
    expect(page.locator("path.overdose-point")).to_have_count(0)
    page.locator("path.overdose-cell").first.hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text("fewer than 11")


def test_the_prosecutor_is_refused(world, overdoses, open_page):
    page = open_page(DESKTOP)
    sign_in(page, "prosecutor")
    response = page.goto(f"/surveillance/{world.program.pk}/map/")
    assert response.status == 403
    response = page.goto(f"/surveillance/{world.program.pk}/map/data/")
    assert response.status == 403
