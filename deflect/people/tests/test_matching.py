"""The matching rules are pure: names, keys, scores and reasons without the database."""

import datetime as dt

import pytest

from deflect.people.matching import (
    Candidate,
    Query,
    date_of_birth_similarity,
    first_key_expansion,
    first_name_similarity,
    last_name_similarity,
    match_score,
    normalize_name,
    person_search_keys,
    phone_digits,
)

TODAY = dt.date(2026, 11, 23)


def score(query: Query, **record) -> tuple[float, tuple[str, ...]]:
    return match_score(query, Candidate(**record), today=TODAY)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("(614) 555-0142", "6145550142"),
        ("+1 614 555 0142", "6145550142"),
        ("1-614-555-0142", "6145550142"),
        ("614.555.0142", "6145550142"),
        ("555-0142", "5550142"),
        ("", ""),
    ],
)
def test_phone_numbers_compare_as_their_last_ten_digits(raw, digits):
    assert phone_digits(raw) == digits


def test_names_are_normalised_without_accents_or_punctuation():
    assert normalize_name("  José  O'Brien-Núñez ") == "jose o'brien-nunez"
    assert normalize_name("St. John") == "st john"


def test_a_nickname_and_its_formal_name_share_a_key_or_find_each_other():
    william_key, _ = person_search_keys("William", "")
    bill_key, _ = person_search_keys("Bill", "")
    assert william_key in first_key_expansion("Bill")
    assert bill_key in first_key_expansion("William")
    assert person_search_keys("Liz", "")[0] in first_key_expansion("Elizabeth")
    assert person_search_keys("Elizabeth", "")[0] in first_key_expansion("Liz")


def test_keys_are_phonetic():
    assert person_search_keys("", "Johnson")[1] == person_search_keys("", "Jonson")[1]
    assert person_search_keys("Catherine", "")[0] == person_search_keys("Katherine", "")[0]


def test_reasons_say_why_in_plain_words():
    assert first_name_similarity("bill", "William")[1] == "Bill is a nickname of William"
    assert first_name_similarity("william", "Bill")[1] == "goes by Bill, a nickname of William"
    # Both ways in the nickname table: the shorter name is the nickname, whichever side it is on.
    assert first_name_similarity("debbie", "Deborah")[1] == "Debbie is a nickname of Deborah"
    assert first_name_similarity("deborah", "Debbie")[1] == "goes by Debbie, a nickname of Deborah"
    assert last_name_similarity("johnson", "Jonson")[1] == "last name sounds like 'Jonson'"
    assert last_name_similarity("williams", "Wiliams")[1] in (
        "last name sounds like 'Wiliams'",
        "last name spelled like 'Wiliams'",
    )
    swapped = date_of_birth_similarity(dt.date(1986, 3, 7), dt.date(1986, 7, 3))
    assert swapped == (0.85, "date of birth with day and month swapped")


def test_names_that_merely_share_a_phonetic_key_do_not_sound_alike():
    # metaphone hears Tony and Donna alike; the rule does not.
    assert first_name_similarity("tony", "Donna")[0] == 0.0


def test_an_exact_match_scores_100_and_a_stranger_nothing():
    query = Query.build(first_name="Robert", last_name="Quinlan", date_of_birth=dt.date(1986, 7, 3))
    exact, _ = score(
        query, first_name="Robert", last_name="Quinlan", date_of_birth=dt.date(1986, 7, 3)
    )
    stranger, _ = score(
        query, first_name="Maria", last_name="Ortiz", date_of_birth=dt.date(1990, 2, 1)
    )
    assert exact == 100.0
    assert stranger == 0.0


def test_swapped_names_and_swapped_day_and_month_still_match_well():
    query = Query.build(first_name="Quinlan", last_name="Robert", date_of_birth=dt.date(1986, 3, 7))
    value, reasons = score(
        query, first_name="Robert", last_name="Quinlan", date_of_birth=dt.date(1986, 7, 3)
    )
    assert value >= 80
    assert "first and last names swapped" in reasons
    assert "date of birth with day and month swapped" in reasons


def test_an_alias_matches_with_its_reason():
    query = Query.build(first_name="Shorty", last_name="Quinlan")
    value, reasons = score(
        query, first_name="Robert", last_name="Quinlan", aliases=(("Shorty", ""),)
    )
    assert value >= 90
    assert reasons[0] == "alias 'Shorty'"


def test_the_same_phone_in_another_format_is_the_same_number():
    query = Query.build(phone="+1 (614) 555-0142")
    value, reasons = score(
        query, first_name="Robert", last_name="Quinlan", phone_digits="6145550142"
    )
    assert value == 100.0 and reasons == ("same phone number",)


def test_a_full_name_typed_into_the_first_name_box_is_split():
    assert Query.build(first_name="Robert Quinlan") == Query("robert", "quinlan", None, "")


def test_a_missing_record_field_neither_confirms_nor_rules_out():
    query = Query.build(first_name="Robert", last_name="Quinlan", date_of_birth=dt.date(1986, 7, 3))
    unknown, _ = score(query, first_name="Robert", last_name="Quinlan")
    wrong, reasons = score(
        query, first_name="Robert", last_name="Quinlan", date_of_birth=dt.date(1955, 1, 9)
    )
    assert 60 < wrong < unknown < 100
    assert "date of birth differs" in reasons
