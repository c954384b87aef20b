"""The coordinator's dashboard: the numbers, computed in SQL over the program's rows only."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.followups import services as followup_services
from deflect.followups.models import FollowUp
from deflect.referrals import services
from deflect.referrals.tests.factories import encounter_by, send_referral
from deflect.reporting import charts
from deflect.reporting.selectors import dashboard_for, dashboard_rows

pytestmark = pytest.mark.django_db


def _intake(world, referral, minutes):
    services.referral_transition(actor=world.provider, referral=referral, to="accepted")
    services.referral_transition(
        actor=world.provider,
        referral=referral,
        to="in-progress",
        intake_at=referral.encounter.occurred_at + dt.timedelta(minutes=minutes),
    )


def test_the_funnel_timeliness_and_outcomes(world):
    referrals = [send_referral(world) for _ in range(3)]
    _intake(world, referrals[0], 12)
    _intake(world, referrals[1], 6)
    services.referral_transition(
        actor=world.provider, referral=referrals[2], to="rejected", reason="full"
    )
    overdose = encounter_by(world.officer, "naloxone_plus")
    window = FollowUp.objects.get(encounter=overdose, step=1)
    followup_services.attempt_record(
        actor=world.outreach, followup=window, method="phone", result="contacted"
    )
    encounter_by(world.officer, "naloxone_plus")  # its 72-hour window is still running
    encounter_by(world.officer, "officer_intervention")
    encounter_by(world.other_officer, "naloxone_plus")  # another county: not counted
    board = dashboard_for(actor=world.coordinator)
    assert board.funnel == [
        ("Encounters", 6),
        ("People referred", 3),
        ("Accepted", 2),
        ("Engaged (intake)", 2),
    ]
    assert board.hours_to_intake["count"] == 2
    assert board.hours_to_intake["median"] == 0.1 and board.hours_to_intake["p90"] == 0.2
    assert board.overdose_72h == {"total": 1, "met": 1, "share": 100.0}
    assert board.abeyance == [("Open", 1)]
    assert sum(sum(w.values()) for w in board.by_pathway.values()) == 6
    later = dashboard_for(actor=world.coordinator, now=timezone.now() + dt.timedelta(days=4))
    assert later.overdose_72h["total"] == 2 and later.overdose_72h["share"] == 50.0
    assert later.overdue_followups >= 2
    other = dashboard_for(actor=world.other_coordinator)
    assert other.funnel[0] == ("Encounters", 1) and other.funnel[1] == ("People referred", 0)


def test_the_page_draws_svg_and_the_csv_has_every_number(client, world):
    send_referral(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert page.count('data-testid="chart"') == 3 and "<caption>Referral funnel</caption>" in page
    assert '<th scope="row">People referred</th><td>1</td>' in page
    response = client.get(reverse("reporting:dashboard-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["measure", "group", "value"]
    assert ["referral_funnel", "People referred", "1"] in rows
    board = dashboard_for(actor=world.coordinator)
    assert len(rows) - 1 == len(dashboard_rows(board))


def test_chart_labels_are_escaped():
    chart = charts.bar(
        [{"label": "<script>x</script>", "n": 3}],
        category="label",
        value="n",
        title="a&b",
        category_title="Label",
        value_title="Count",
    )
    svg = charts.to_svg(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg


def test_the_analyst_gets_small_cells_suppressed(client, world):
    for _ in range(2):
        send_referral(world)
    board = dashboard_for(actor=world.analyst)
    assert board.suppressed
    assert board.funnel == [
        ("Encounters", None),
        ("People referred", None),
        ("Accepted", 0),
        ("Engaged (intake)", 0),
    ]
    assert board.hours_to_intake == {"count": 0, "median": None, "p90": None}
    assert all(n is None for weeks in board.by_pathway.values() for n in weeks.values())
    assert not dashboard_for(actor=world.coordinator).suppressed
    client.force_login(world.analyst)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "&lt;11" in page and page.count('data-testid="chart"') == 3
    assert '<th scope="row">People referred</th><td>&lt;11</td>' in page
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("reporting:dashboard-csv")).content.decode()))
    )
    assert ["referral_funnel", "People referred", "<11"] in rows
    assert ["referral_funnel", "Encounters", "2"] not in rows
