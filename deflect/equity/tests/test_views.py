"""The Equity page, its CSV and its API: who may see them, what they show, bad filters."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.equity.tests.builders import contacts

pytestmark = pytest.mark.django_db


def _county(world, *, small_group=True):
    when = timezone.now() - dt.timedelta(days=3)
    contacts(world, 20, race="white", outcome="referred", stage=1, when=when)
    contacts(world, 11, race="white", outcome="declined", when=when)
    contacts(world, 15, race="white", when=when)
    contacts(world, 12, race="black", outcome="referred", stage=1, when=when)
    contacts(world, 18, race="black", when=when)
    if small_group:
        contacts(world, 4, race="asian", when=when)


@pytest.mark.parametrize("persona", ["officer", "prosecutor", "dispatcher", "provider"])
def test_responders_and_prosecutors_get_403_everywhere(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get(reverse("equity:page")).status_code == 403
    assert client.get(reverse("equity:csv")).status_code == 403
    assert client.get("/api/v1/equity").status_code == 403


@pytest.mark.parametrize("persona", ["coordinator", "analyst"])
def test_the_page_shows_each_decision_point_as_a_table_and_a_chart(client, world, persona):
    _county(world)
    client.force_login(world.users[persona])
    page = client.get(reverse("equity:page")).content.decode()
    assert page.count('data-testid="decision-point"') == 8
    assert page.count('data-testid="chart"') >= 8
    # The small group (4) and the next smallest (30 contacts, which would reveal the 4 by
    # subtraction from the total) are suppressed; so is every rate built on them.
    assert '<th scope="row">Asian</th><td>suppressed</td>' in page
    assert '<th scope="row">Black or African American</th><td>suppressed</td>' in page
    assert '<th scope="row">Black or African American</th><td>12</td><td>suppressed</td>' in page
    assert '<th scope="row">White (reference)</th><td>31</td><td>46</td>' in page
    assert 'data-testid="reference">White</strong>' in page


def test_a_group_whose_interval_excludes_one_is_flagged(client, world):
    _county(world, small_group=False)
    client.force_login(world.analyst)
    page = client.get(reverse("equity:page")).content.decode()
    # Offered: 12/30 against 31/46, RRI 0.59 (0.37 - 0.96).
    assert '<th scope="row">Black or African American</th><td>12</td><td>30</td>' in page
    assert "<td>0.59 (0.37 – 0.96)</td><td><strong>differs</strong> (lower)</td>" in page


def test_filters_narrow_the_page_and_bad_ones_are_explained(client, world):
    _county(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("equity:page"), {"pathway": "naloxone_plus"}).content.decode()
    assert "No contacts in this period." in page
    bad = client.get(reverse("equity:page"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 400
    assert "The period must start on or before its end." in bad.content.decode()
    assert client.get(reverse("equity:page"), {"dimension": "shoe"}).status_code == 400
    other_agency = world.agencies["other_police"].pk
    assert client.get(reverse("equity:page"), {"agency": other_agency}).status_code == 400


def test_the_csv_has_every_row_suppressed_and_is_audited(client, world):
    _county(world)
    client.force_login(world.analyst)
    response = client.get(reverse("equity:csv"), {"dimension": "race", "reference": "black"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["decision_point", "group", "numerator", "denominator"]
    offered = {r[1]: r for r in rows if r[0] == "offered"}
    assert offered["White"][2:4] == ["31", "46"] and offered["White"][4] == "0.674"
    black = offered["Black or African American"]
    assert black[2:4] == ["12", "suppressed"] and black[7] == "" and black[11] == "yes"
    assert offered["Asian"][2:4] == ["0", "suppressed"]
    contact = {r[1]: r for r in rows if r[0] == "contact"}
    assert contact["Asian"][2] == "suppressed" and contact["White"][2] == "46"
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.extra["export"] == "equity" and event.extra["dimension"] == "race"


def test_the_api_answers_the_same_numbers(client, world):
    _county(world)
    client.force_login(world.coordinator)
    body = client.get("/api/v1/equity", {"dimension": "race"}).json()
    assert body["reference"] == "white" and body["suppressed_below"] == 11
    offered = next(p for p in body["points"] if p["code"] == "offered")
    black = next(c for c in offered["cells"] if c["group"] == "black")
    # Its denominator would reveal the small group by subtraction: hidden, and so the rate.
    assert black["numerator"] == 12 and black["denominator"] is None and black["rate"] is None
    white = next(c for c in offered["cells"] if c["group"] == "white")
    assert (white["numerator"], white["denominator"]) == (31, 46) and white["reference"]
    bad = client.get("/api/v1/equity", {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 422
    assert client.get("/api/v1/equity", {"dimension": "shoe"}).status_code == 422
