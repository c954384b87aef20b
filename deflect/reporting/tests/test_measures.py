"""The dashboard's measures: defined once, filtered by period, pathway and agency, each share with
its Wilson interval, small counts suppressed for analysts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.core.stats import wilson
from deflect.equity.tests.builders import contacts
from deflect.reporting.measures import MEASURES
from deflect.reporting.selectors import dashboard_for

pytestmark = pytest.mark.django_db


def _by_code(board):
    return {r.measure.code: r for r in board.measures}


def test_every_measure_is_defined_once_with_a_descriptive_name():
    codes = [m.code for m in MEASURES]
    assert len(codes) == len(set(codes))
    for m in MEASURES:
        assert m.name and m.definition and m.numerator
        assert "72" not in m.name  # names describe the measure, not a constant


def test_measures_over_a_period_pathway_and_agency(world):
    now = timezone.now()
    contacts(world, 14, outcome="referred", stage=2, when=now - dt.timedelta(days=3))
    contacts(world, 16, outcome="referred", stage=1, when=now - dt.timedelta(days=3))
    contacts(world, 12, pathway="naloxone_plus", when=now - dt.timedelta(days=200))
    contacts(world, 13, agency=world.agencies["sheriff"], when=now - dt.timedelta(days=400))
    recent = _by_code(dashboard_for(actor=world.coordinator, now=now))
    assert recent["contacts"].numerator == 30
    entered = recent["entered_treatment"]
    assert (entered.numerator, entered.denominator) == (14, 30)
    assert entered.share == pytest.approx(14 / 30)
    assert (entered.low, entered.high) == pytest.approx(wilson(14, 30))
    launch = _by_code(dashboard_for(actor=world.coordinator, now=now, since_launch=True))
    assert launch["contacts"].numerator == 30 + 12 + 13
    naloxone = dashboard_for(
        actor=world.coordinator, now=now, since_launch=True, pathway="naloxone_plus"
    )
    assert _by_code(naloxone)["contacts"].numerator == 12
    sheriff = dashboard_for(
        actor=world.coordinator, now=now, since_launch=True, agency_id=world.agencies["sheriff"].pk
    )
    assert _by_code(sheriff)["contacts"].numerator == 13
    window = dashboard_for(
        actor=world.coordinator,
        now=now,
        start=(now - dt.timedelta(days=210)).date(),
        end=(now - dt.timedelta(days=190)).date(),
    )
    assert _by_code(window)["contacts"].numerator == 12


def test_small_counts_are_suppressed_for_the_analyst(world):
    now = timezone.now()
    contacts(world, 14, outcome="referred", stage=1, when=now - dt.timedelta(days=3))
    contacts(world, 4, outcome="referred", stage=2, when=now - dt.timedelta(days=3))
    analyst = _by_code(dashboard_for(actor=world.analyst, now=now))
    entered = analyst["entered_treatment"]
    assert entered.numerator is None and entered.denominator == 18
    assert entered.share is None and entered.suppressed
    coordinator = _by_code(dashboard_for(actor=world.coordinator, now=now))
    assert coordinator["entered_treatment"].numerator == 4


def test_the_page_filters_and_never_prints_none(client, world):
    contacts(world, 3, outcome="referred", stage=2, when=timezone.now() - dt.timedelta(days=3))
    client.force_login(world.analyst)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "None" not in page
    assert 'data-testid="intake-count">&lt;11</span> intakes' in page
    assert 'id="measure-entered_treatment"' in page
    launch = client.get(reverse("reporting:dashboard"), {"since_launch": "on"})
    assert "Since launch" in launch.content.decode()
    bad = client.get(reverse("reporting:dashboard"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 400
    assert "The period must start on or before its end." in bad.content.decode()
    csv_text = client.get(
        reverse("reporting:dashboard-csv"), {"pathway": "first_responder_referral"}
    ).content.decode()
    assert "contacts,numerator,<11" in csv_text


def test_the_api_takes_the_same_filters(client, world):
    now = timezone.now()
    contacts(world, 12, pathway="naloxone_plus", when=now - dt.timedelta(days=200))
    contacts(world, 14, outcome="referred", stage=2, when=now - dt.timedelta(days=3))
    client.force_login(world.coordinator)
    body = client.get("/api/v1/dashboard/measures", {"since_launch": "true"}).json()
    by_code = {m["code"]: m for m in body["measures"]}
    assert by_code["contacts"]["numerator"] == 26 and body["since"] is None
    entered = by_code["entered_treatment"]
    assert (entered["numerator"], entered["denominator"], entered["share"]) == (14, 14, 1.0)
    assert entered["share_low_95"] == pytest.approx(wilson(14, 14)[0])
    narrow = client.get(
        "/api/v1/dashboard/measures", {"since_launch": "true", "pathway": "naloxone_plus"}
    ).json()
    assert {m["code"]: m for m in narrow["measures"]}["contacts"]["numerator"] == 12
    bad = client.get("/api/v1/dashboard/measures", {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 422
    client.force_login(world.officer)
    assert client.get("/api/v1/dashboard/measures").status_code == 403
