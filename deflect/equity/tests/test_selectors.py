"""The equity report over real rows: counts in SQL, rates, RRI and suppression."""

import datetime as dt

import pytest
from django.utils import timezone

from deflect.equity import selectors
from deflect.equity.tests.builders import contacts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _when(days_ago=2):
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12))) - dt.timedelta(
        days=days_ago
    )


def _report(world, **kwargs):
    kwargs.setdefault("start", TODAY - dt.timedelta(days=365))
    kwargs.setdefault("end", TODAY)
    return selectors.equity_report(world.coordinator, **kwargs)


def _county(world):
    # White: 46 contacts, 20 referred (a referral sent), 11 declined, 15 harm reduction only.
    contacts(world, 20, race="white", outcome="referred", stage=1, when=_when())
    contacts(world, 11, race="white", outcome="declined", when=_when())
    contacts(world, 15, race="white", when=_when())
    # Black: 30 contacts, 12 referred, 18 harm reduction only.
    contacts(world, 12, race="black", outcome="referred", stage=1, when=_when())
    contacts(world, 18, race="black", when=_when())
    # Nobody recorded: 15 contacts of unknown race.
    contacts(world, 15, race=None, when=_when())


def _point(report, code):
    return next(p for p in report.points if p.point.code == code)


def _cell(result, group):
    return next(c for c in result.cells if c.group == group)


def test_rates_and_rri_against_the_largest_group(world):
    _county(world)
    report = _report(world)
    assert report.reference == "white"
    assert [(g.group, g.contacts) for g in report.groups] == [
        ("white", 46),
        ("black", 30),
        ("unknown", 15),
    ]
    unknown = report.groups[2]
    assert unknown.label == "Unknown" and unknown.share == pytest.approx(15 / 91)
    assert unknown.share_low < unknown.share < unknown.share_high
    offered = _point(report, "offered")
    white, black = _cell(offered, "white"), _cell(offered, "black")
    assert (white.numerator, white.denominator) == (31, 46)
    assert (black.numerator, black.denominator) == (12, 30)
    assert black.rate == pytest.approx(0.4)
    # Hand-computed: (12/30) / (31/46) = 0.59355, log-method interval 0.36648 .. 0.96130.
    assert black.rri == pytest.approx(0.59355, abs=1e-5)
    assert black.rri_low == pytest.approx(0.36648, abs=1e-5)
    assert black.rri_high == pytest.approx(0.96130, abs=1e-5)
    assert black.differs and not white.differs and white.reference
    assert white.rri == pytest.approx(1.0)
    unknown_offered = _cell(offered, "unknown")
    assert unknown_offered.rate == 0 and unknown_offered.rri is None
    assert (offered.total.numerator, offered.total.denominator) == (43, 91)
    accepted = _point(report, "accepted")
    assert (_cell(accepted, "white").numerator, _cell(accepted, "white").denominator) == (20, 31)
    referred = _point(report, "referred")
    assert _cell(referred, "black").rate == 1.0
    # Officer-intervention points are listed (every pathway) with nothing to count.
    assert _point(report, "deflected").total.denominator == 0


def test_the_analyst_picks_the_reference_group(world):
    _county(world)
    report = _report(world, reference="black")
    offered = _point(report, "offered")
    assert _cell(offered, "black").reference
    assert _cell(offered, "white").rri == pytest.approx(1 / 0.59355, abs=1e-4)


def test_a_small_group_is_hidden_with_the_cell_that_would_reveal_it(world):
    _county(world)
    contacts(world, 4, race="asian", when=_when())
    report = _report(world)
    by_group = {g.group: g for g in report.groups}
    assert by_group["asian"].contacts is None and by_group["asian"].share is None
    # 95 - 46 - 30 - 15 would give the 4 away: the smallest other group is hidden too.
    assert by_group["unknown"].contacts is None
    assert by_group["white"].contacts == 46 and report.total_contacts == 95
    eligible = _point(report, "eligible")
    assert _cell(eligible, "asian").rate is None and _cell(eligible, "unknown").rate is None
    offered = _point(report, "offered")
    assert _cell(offered, "unknown").denominator is None  # it is the hidden eligible count
    assert _cell(offered, "black").rri == pytest.approx(0.59355, abs=1e-5)


def test_filters_period_pathway_and_agency(world):
    _county(world)
    contacts(world, 12, race="white", when=_when(days_ago=400))  # before the period
    contacts(world, 13, race="black", pathway="naloxone_plus", when=_when())
    contacts(world, 14, race="black", agency=world.agencies["sheriff"], when=_when())
    contacts(world, 20, race="black", when=_when())
    assert _report(world).total_contacts == 91 + 13 + 14 + 20
    assert _report(world, pathway="naloxone_plus").total_contacts == 13
    sheriff = _report(world, agency_id=world.agencies["sheriff"].pk)
    assert sheriff.total_contacts == 14
    by_area = _report(world, dimension="area")
    assert {g.label: g.contacts for g in by_area.groups} == {
        "Marlow City Police": 91 + 13 + 20,
        "Marlow Sheriff": 14,
    }
    # Another county's coordinator sees none of it.
    other = selectors.equity_report(
        world.other_coordinator, start=TODAY - dt.timedelta(days=365), end=TODAY
    )
    assert other.total_contacts == 0 and other.groups == []


def test_officer_intervention_deflected_or_arrested(world):
    common = {"pathway": "officer_intervention", "when": _when(), "race": "white"}
    contacts(world, 15, decision="treatment_in_lieu_of_arrest", outcome="referred", **common)
    contacts(world, 12, decision="civil_citation", **common)
    contacts(world, 11, decision="", abeyance=True, **common)
    contacts(world, 22, decision="not_eligible_arrest", outcome="arrested", **common)
    report = _report(world, pathway="officer_intervention")
    deflected = _point(report, "deflected").total
    arrested = _point(report, "arrested").total
    assert (deflected.numerator, deflected.denominator) == (38, 60)
    assert (arrested.numerator, arrested.denominator) == (22, 60)
    # On another pathway the officer-intervention points are left out.
    assert "deflected" not in {p.point.code for p in _report(world, pathway="self_referral").points}


def test_eligibility_treatment_entry_and_completion(world):
    contacts(world, 30, race="white", eligible=False, when=_when())
    contacts(world, 40, race="white", eligible=True, outcome="referred", stage=3, when=_when())
    contacts(world, 25, race="white", eligible=True, outcome="referred", stage=2, when=_when())
    contacts(world, 20, race="white", eligible=True, outcome="referred", stage=1, when=_when())
    report = _report(world)
    totals = {p.point.code: (p.total.numerator, p.total.denominator) for p in report.points}
    assert totals["eligible"] == (85, 115)
    assert totals["offered"] == (85, 85)
    assert totals["referred"] == (85, 85)
    assert totals["entered"] == (65, 85)
    assert totals["completed"] == (40, 65)


def test_age_band_is_the_age_on_the_day_of_the_contact(world):
    # Contact on 13 June 2026: born 14 June 2001 is still 24; born 13 June 2001 is 25.
    contacts(world, 11, date_of_birth=dt.date(2001, 6, 14), when=_when())
    contacts(world, 12, date_of_birth=dt.date(2001, 6, 13), when=_when())
    contacts(world, 13, race=None, when=_when())
    report = _report(world, dimension="age")
    assert {g.group: g.contacts for g in report.groups} == {
        "18_24": 11,
        "25_34": 12,
        "unknown": 13,
    }


def test_trend_by_quarter(world):
    contacts(world, 20, race="white", outcome="referred", stage=1, when=_when(days_ago=100))
    contacts(world, 20, race="white", when=_when(days_ago=100))
    contacts(world, 30, race="white", outcome="referred", stage=1, when=_when())
    contacts(world, 12, race="white", when=_when())
    report = _report(world)
    assert report.quarters == ["2026 Q1", "2026 Q2"]
    offered = _point(report, "offered")
    assert [(t["quarter"], t["rate"]) for t in offered.trend] == [
        ("2026 Q1", 50.0),
        ("2026 Q2", 71.4),
    ]
