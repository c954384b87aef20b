"""Safe Harbor pieces and the k-anonymity check, without the database."""

import datetime as dt

from deflect.reports import deidentify


def test_ages_over_89_are_90_plus_and_bands_follow_the_age():
    assert deidentify.age_band(17) == "0-17"
    assert deidentify.age_band(18) == "18-24"
    assert deidentify.age_band(89) == "65-89"
    assert deidentify.age_band(90) == "90+"
    assert deidentify.age_band(104) == "90+"
    assert deidentify.age_band(None) == "unknown"


def test_age_is_counted_from_the_birthday():
    born = dt.date(1990, 6, 15)
    assert deidentify.age_on(born, dt.date(2026, 6, 14)) == 35
    assert deidentify.age_on(born, dt.date(2026, 6, 15)) == 36


def test_zip_keeps_three_digits_and_restricted_areas_become_000():
    assert deidentify.zip3_of("21201") == "212"
    assert deidentify.zip3_of("21201-1234") == "212"
    # 036 (part of New Hampshire) is on the census list of areas with 20,000 or fewer people.
    assert "036" in deidentify.restricted_zip3()
    assert deidentify.zip3_of("03601") == "000"
    assert deidentify.zip3_of("") == ""
    assert deidentify.zip3_of("123") == ""


def test_study_ids_are_distinct_and_fresh():
    first = deidentify.study_ids(500)
    second = deidentify.study_ids(500)
    assert len(set(first)) == 500
    assert not set(first) & set(second)


def test_dates_shift_by_the_same_offset_or_reduce_to_the_year():
    shift = deidentify.date_shift()
    assert shift != dt.timedelta(0)
    assert abs(shift.days) <= deidentify.MAX_SHIFT_DAYS
    a, b = dt.date(2026, 1, 1), dt.date(2026, 1, 11)
    shown_a = dt.date.fromisoformat(deidentify.shown_date(a, mode="shift", shift=shift))
    shown_b = dt.date.fromisoformat(deidentify.shown_date(b, mode="shift", shift=shift))
    assert shown_b - shown_a == dt.timedelta(days=10)
    assert shown_a != a
    assert deidentify.shown_date(a, mode="year", shift=shift) == "2026"


def _row(age_band="35-44", sex="woman", race="white", zip3="212"):
    return {"age_band": age_band, "sex": sex, "race": race, "zip3": zip3}


def test_k_anonymity_coarsens_small_groups_then_leaves_out_what_is_still_unique():
    rows = [_row() for _ in range(6)]
    # Two people alike except the ZIP3: withholding the ZIP3 puts them with no one, then the
    # wider age band joins them to nobody either ... until sex and race are withheld.
    rows += [_row(zip3="300", age_band="25-34") for _ in range(5)]  # a group of 5 stays
    rows += [_row(zip3="301", sex="man", race="asian", age_band="90+")]  # alone: left out
    result = deidentify.enforce_k_anonymity(rows)
    sizes = deidentify.group_sizes(result.rows)
    assert min(sizes.values()) >= 5
    assert result.smallest_group >= 5
    assert len(result.rows) == 11
    assert result.suppressed == 1
    assert any("ZIP3 withheld for 1 rows" in change for change in result.changes)
    assert any("1 rows left out" in change for change in result.changes)


def test_coarsening_can_rescue_rows_instead_of_dropping_them():
    rows = [_row(zip3="212") for _ in range(3)] + [_row(zip3="213") for _ in range(3)]
    result = deidentify.enforce_k_anonymity(rows)
    assert result.suppressed == 0
    assert {row["zip3"] for row in result.rows} == {deidentify.WITHHELD}
    assert result.changes == ["ZIP3 withheld for 6 rows in groups smaller than 5"]


def test_no_change_when_k_already_holds():
    rows = [_row() for _ in range(5)]
    result = deidentify.enforce_k_anonymity(rows)
    assert result.changes == [] and result.suppressed == 0
