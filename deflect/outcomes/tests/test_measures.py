"""The outcome measures against hand-computed examples: the SQL sums, the intervals, the
censoring of the curves, empty groups and small-cell suppression."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from deflect.screening.models import EligibilityScreening

from ..measures import Cohort, durations, group_sums
from ..stats import hazard_ratio, km_curve, odds_ratio, proportion, rate, time_to_event
from .helpers import T0, day, encounter, person, record

pytestmark = pytest.mark.django_db

AS_OF = day(150)  # 2026-05-31 12:00


@pytest.fixture
def cohort(world):
    """Ana and Ben deflected after an overdose (naloxone_plus), Cy at a self-referral; Dee
    was arrested (not deflected); an event before Ana's index encounter does not count."""
    ana, ben, cy, dee = (person(world) for _ in range(4))
    encounter(world, ana, day(9), overdose=False)
    record(world, ana, "ems_overdose", day(5), fatal=False)  # before the index: not counted
    record(world, ana, "ems_overdose", day(29), fatal=False)  # day 20
    record(world, ana, "arrest", day(109))  # day 100
    record(world, ana, "treatment_admission", day(14))  # day 5
    record(world, ana, "treatment_admission", day(29))  # day 20: a second contact
    record(world, ana, "treatment_discharge", day(59), discharge_reason="left")  # day 50
    encounter(world, ben, day(14))
    record(world, ben, "jail_booking", day(24), released_at=day(27))  # day 10, 3 days
    record(world, ben, "death", day(54), event_type="natural causes")  # day 40
    encounter(world, cy, day(19), pathway="self_referral")
    encounter(world, cy, day(79), overdose=False)  # deflect's own overdose, day 60
    encounter(world, dee, day(4), outcome="arrested")
    record(world, dee, "arrest", day(20))
    return Cohort(world.program.pk, T0, day(31))


def test_the_sums_by_pathway_match_the_hand_count(world, cohort):
    sums = group_sums(cohort, AS_OF)
    assert set(sums) == {"naloxone_plus", "self_referral"}
    nplus, selfref = sums["naloxone_plus"], sums["self_referral"]
    assert nplus["people"] == 2
    # Ana followed 141 days (not yet 180); Ben died on day 40, so his every window is complete.
    assert (nplus["followed_30"], nplus["followed_90"], nplus["followed_180"]) == (2, 2, 1)
    assert nplus["followed_365"] == 1
    assert (nplus["nfod_30"], nplus["nfod_90"]) == (1, 1)
    assert (nplus["arrest_90"], nplus["arrest_180"]) == (0, 0)
    assert (nplus["booking_30"], nplus["jail_days_30"]) == (1, pytest.approx(3.0))
    assert (nplus["tx_30"], nplus["initiated"], nplus["engaged"]) == (1, 1, 1)
    # Ana admitted on day 5, left on day 50: retained at 30 days, not at 90.
    assert (nplus["admitted_30"], nplus["retained_30"]) == (1, 1)
    assert (nplus["admitted_90"], nplus["retained_90"]) == (1, 0)
    assert (nplus["admitted_180"], nplus["completed"]) == (0, 0)
    assert nplus["person_days"] == pytest.approx(141 + 40)
    assert (nplus["events_nfod"], nplus["events_arrest"], nplus["events_booking"]) == (1, 1, 1)
    assert selfref["people"] == 1
    assert (selfref["nfod_30"], selfref["nfod_90"]) == (0, 1)  # Cy's own overdose, day 60
    assert selfref["person_days"] == pytest.approx(131)


def test_filters_narrow_the_cohort_and_an_empty_group_has_no_rows(world, cohort):
    only = Cohort(world.program.pk, T0, day(31), pathway="self_referral")
    assert set(group_sums(only, AS_OF)) == {"self_referral"}
    assert group_sums(Cohort(world.program.pk, day(200), day(300)), AS_OF) == {}
    assert durations(Cohort(world.program.pk, day(200), day(300)), AS_OF) == []


def test_the_comparison_cohort_is_eligible_but_not_deflected(world, cohort):
    eve = person(world)
    refused = encounter(world, eve, day(3), outcome="declined")
    EligibilityScreening.objects.create(
        encounter=refused, facts={}, rules={}, rule_eligible=True, reasons=[], eligible=True
    )
    record(world, eve, "arrest", day(13))
    other = Cohort(world.program.pk, T0, day(31), eligible_not_deflected=True)
    sums = group_sums(other, AS_OF)
    assert sums["naloxone_plus"]["people"] == 1  # Dee was not screened eligible
    assert sums["naloxone_plus"]["arrest_30"] == 1


def test_durations_censor_at_death_and_end_of_follow_up(world, cohort):
    rows = {round(r["fu"]): r for r in durations(cohort, AS_OF)}
    ben = rows[136]
    assert ben["death"] == pytest.approx(40) and ben["arrest"] is None
    frame = time_to_event(list(rows.values()), "arrest").set_index(
        time_to_event(list(rows.values()), "arrest")["duration"].round()
    )
    assert bool(frame.loc[100.0, "observed"]) is True  # Ana re-arrested on day 100
    assert bool(frame.loc[40.0, "observed"]) is False  # Ben censored at his death
    assert bool(frame.loc[131.0, "observed"]) is False  # Cy censored at the end


def test_wilson_interval_and_suppression():
    cell = proportion(30, 120)
    low, high = proportion_confint(30, 120, method="wilson")
    assert (cell.value, cell.low, cell.high) == (0.25, pytest.approx(low), pytest.approx(high))
    # By hand: (p + z²/2n ± z·√(p(1-p)/n + z²/4n²)) / (1 + z²/n) = 0.18110 to 0.33441.
    assert (cell.low, cell.high) == (
        pytest.approx(0.18110, abs=1e-5),
        pytest.approx(0.33441, abs=1e-5),
    )
    assert proportion(5, 120).suppressed and proportion(5, 120).value is None
    assert proportion(0, 120).value == 0.0 and not proportion(0, 120).suppressed
    assert proportion(0, 0).value is None


def test_exact_poisson_rate():
    cell = rate(20, 10_000)
    assert cell.per_1000 == pytest.approx(2.0)
    # Garwood interval for 20 events: 12.217 to 30.888.
    assert cell.low == pytest.approx(1.2217, abs=1e-4)
    assert cell.high == pytest.approx(3.0888, abs=1e-4)
    assert rate(3, 10_000).suppressed
    assert rate(0, 900, people=4).suppressed  # person-days of four people
    assert not rate(0, 9000, people=40).suppressed
    assert rate(0, 1000).low == 0.0


def test_kaplan_meier_with_censoring_by_hand():
    # 12 people: events on days 1..6 (one each), six censored on day 10.
    rows = [{"pathway": "p", "fu": 10.0, "death": None, "arrest": float(d)} for d in range(1, 7)]
    rows += [{"pathway": "p", "fu": 10.0, "death": None, "arrest": None}] * 6
    rows[5] = {"pathway": "p", "fu": 10.0, "death": 5.5, "arrest": 6.0}  # died first: censored
    frame = time_to_event(rows, "arrest")
    assert km_curve("p", frame) is None  # 5 events: suppressed
    rows += [{"pathway": "p", "fu": 10.0, "death": None, "arrest": 7.0 + i / 10} for i in range(6)]
    curve = km_curve("p", time_to_event(rows, "arrest"))
    assert curve is not None and (curve.people, curve.events) == (18, 11)
    points = {p[0]: p for p in curve.points}
    # S(1) = 17/18; S(5) = 17/18 * 16/17 * 15/16 * 14/15 * 13/14 = 13/18; the death at 5.5 is
    # censored, so S(7.0) = 13/18 * 11/12.
    assert points[1.0][1] == pytest.approx(17 / 18)
    assert points[5.0][1] == pytest.approx(13 / 18)
    assert points[7.0][1] == pytest.approx(13 / 18 * 11 / 12)
    assert all(p[4] >= 11 for p in curve.points)  # drawn only while 11+ are at risk


def test_odds_ratio_by_hand_and_suppressed_cells():
    result = odds_ratio("x", 20, 100, 40, 100)
    assert result.value == pytest.approx((20 * 60) / (80 * 40))
    assert result.low < result.value < result.high
    assert odds_ratio("x", 5, 100, 40, 100).suppressed


def test_hazard_ratio_is_below_one_when_the_deflected_wait_longer():
    def group(days):
        return pd.DataFrame({"duration": days, "observed": [True] * len(days)})

    slow = group([float(d) for d in range(40, 100, 3)])
    fast = group([float(d) for d in range(5, 65, 3)])
    result = hazard_ratio("x", slow, fast)
    assert result.value is not None and result.value < 1 and result.high is not None
    assert hazard_ratio("x", slow.head(5), fast).suppressed
