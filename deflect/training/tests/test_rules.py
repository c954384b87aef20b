"""Training rules as pure functions: expiry, refresher status, coverage. No database."""

from datetime import date

from deflect.training.rules import (
    GroupCount,
    RecordStatus,
    ShiftCount,
    coverage,
    expiry_date,
    record_status,
    round_the_clock,
    shift_coverage,
)

TODAY = date(2026, 6, 15)


def test_a_course_valid_two_years_counts_until_the_day_before_the_anniversary():
    assert expiry_date(date(2026, 3, 10), 24) == date(2028, 3, 9)
    assert expiry_date(date(2026, 1, 31), 1) == date(2026, 2, 27)  # no 31 February
    assert expiry_date(date(2026, 3, 10), None) is None


def test_refresher_status_warns_sixty_days_ahead():
    assert record_status(None, TODAY) is RecordStatus.CURRENT
    assert record_status(date(2026, 6, 14), TODAY) is RecordStatus.EXPIRED
    assert record_status(date(2026, 6, 15), TODAY) is RecordStatus.DUE_SOON
    assert record_status(date(2026, 8, 14), TODAY) is RecordStatus.DUE_SOON
    assert record_status(date(2026, 8, 15), TODAY) is RecordStatus.CURRENT


def test_coverage_is_flagged_where_the_share_falls_below_the_groups_minimum():
    rows = coverage(
        [
            GroupCount("Police", "officers", "CIT", staff=40, trained=30),  # 75%
            GroupCount("Police", "officers", "Naloxone", staff=40, trained=36),  # 90%
            GroupCount("Sheriff", "dispatchers", "CIT", staff=8, trained=4),  # 50%
            GroupCount("Fire", "officers", "CIT", staff=0, trained=0),  # nobody: not flagged
        ],
        {"officers": 80, "dispatchers": 50},
    )
    by_key = {(r.agency, r.course): r for r in rows}
    assert by_key[("Police", "CIT")].share == 75.0
    assert by_key[("Police", "CIT")].below_minimum
    assert not by_key[("Police", "Naloxone")].below_minimum
    assert not by_key[("Sheriff", "CIT")].below_minimum  # exactly at the minimum
    assert by_key[("Fire", "CIT")].share is None
    assert not by_key[("Fire", "CIT")].below_minimum
    assert [r.agency for r in rows] == ["Fire", "Police", "Police", "Sheriff"]


def test_shift_coverage_against_the_per_shift_minimum():
    result = shift_coverage(
        [ShiftCount("Days", 10, 2), ShiftCount("Nights", 6, 0), ShiftCount("Evenings", 8, 1)], 1
    )
    assert [s.below_minimum for s in result] == [False, True, False]


def test_round_the_clock_coverage_of_shifts():
    assert round_the_clock([(7, 15), (15, 23), (23, 7)])
    assert not round_the_clock([(7, 15), (15, 23)])
    assert round_the_clock([(0, 0)])  # one 24-hour shift
