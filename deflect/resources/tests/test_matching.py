"""Matching rules, without the database: each hard filter, each score term, ties, staleness."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from deflect.resources import matching as m
from deflect.resources import taxonomy as tx

TZ = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 4, 14, 0, tzinfo=TZ)  # a Wednesday, 2 p.m.
HERE = (39.29, -76.61)


def tags(*codes):
    return tx.mask_of(codes)


def candidate(**kw):
    base = dict(
        service_at_location_id="a",
        service_name="Clinic",
        organization_name="Org",
        tags=tags("outpatient"),
        latitude=39.30,
        longitude=-76.61,
        hours="2:0800-1700",
    )
    return m.Candidate(**(base | kw))


def needs(**kw):
    return m.Needs(**({"latitude": HERE[0], "longitude": HERE[1]} | kw))


def test_inactive_service_is_left_out():
    assert m.why_not(candidate(active=False), needs(), NOW) == "The service is not active"


def test_level_of_care_must_be_offered():
    c = candidate(tags=tags("outpatient"))
    assert m.evaluate(c, needs(level_of_care="outpatient"), NOW) is not None
    assert m.why_not(c, needs(level_of_care="residential"), NOW) == (
        "Does not offer this level of care"
    )
    otp = candidate(tags=tags("buprenorphine"))
    assert m.evaluate(otp, needs(level_of_care="opioid_treatment_program"), NOW) is not None


def test_every_other_kind_of_help_asked_for_must_be_offered():
    c = candidate(tags=tags("outpatient", "legal-aid"))
    assert m.evaluate(c, needs(categories=frozenset({"legal-aid"})), NOW) is not None
    assert "housing" in m.why_not(c, needs(categories=frozenset({"housing"})), NOW).lower()


def test_moud_any_and_a_named_medication():
    bup = candidate(tags=tags("buprenorphine"))
    assert m.evaluate(bup, needs(moud="any"), NOW) is not None
    assert m.evaluate(bup, needs(moud="buprenorphine"), NOW) is not None
    assert m.why_not(bup, needs(moud="methadone"), NOW) == "Does not offer methadone"
    assert m.why_not(candidate(), needs(moud="any"), NOW).startswith("Does not offer medication")


def test_age_limits():
    c = candidate(minimum_age=18, maximum_age=64)
    assert m.why_not(c, needs(age=17), NOW) == "Serves ages 18 and over"
    assert m.why_not(c, needs(age=70), NOW) == "Serves ages up to 64"
    assert "Serves age 30" in m.evaluate(c, needs(age=30), NOW).reasons
    assert m.evaluate(c, needs(age=None), NOW) is not None


def test_gender_served():
    women = candidate(tags=tags("outpatient", "gender-women"))
    assert m.evaluate(women, needs(gender="woman"), NOW) is not None
    assert m.evaluate(women, needs(gender="transgender_woman"), NOW) is not None
    assert m.why_not(women, needs(gender="man"), NOW) == "Does not serve this person's gender"
    everyone = candidate()
    assert m.evaluate(everyone, needs(gender="man"), NOW) is not None


def test_insurance_accepted_or_not_listed():
    medicaid = candidate(tags=tags("outpatient", "insurance-medicaid"))
    assert "Accepts Medicaid" in m.evaluate(medicaid, needs(insurance="medicaid"), NOW).reasons
    assert "private" in m.why_not(medicaid, needs(insurance="private"), NOW)
    unlisted = m.evaluate(candidate(), needs(insurance="private"), NOW)
    assert "Payment accepted is not listed — call to check" in unlisted.reasons


def test_language_spoken_or_interpretation():
    spanish = candidate(languages=frozenset({"en", "es"}))
    assert "Staff speak Spanish" in m.evaluate(spanish, needs(language="es"), NOW).reasons
    assert m.why_not(candidate(), needs(language="es"), NOW) == (
        "No Spanish and no interpretation listed"
    )
    interp = candidate(tags=tags("outpatient", "interpretation"))
    assert m.evaluate(interp, needs(language="vi"), NOW) is not None


def test_distance_limit_and_unknown_location():
    far = candidate(latitude=40.5, longitude=-76.61)  # about 134 km north
    assert "farther than 80" in m.why_not(far, needs(), NOW)
    assert m.evaluate(far, needs(max_distance_km=200), NOW) is not None
    nowhere = m.evaluate(far, m.Needs(), NOW)
    assert nowhere is not None and nowhere.distance_km is None
    assert "Distance not known" in nowhere.reasons


def test_open_now_when_needed_now():
    assert m.evaluate(candidate(hours="2:0800-1700"), needs(needed_now=True), NOW) is not None
    assert m.why_not(candidate(hours="2:0800-1300"), needs(needed_now=True), NOW) == "Closed now"
    assert m.why_not(candidate(hours=""), needs(needed_now=True), NOW).startswith("Hours are not")
    always = candidate(hours="", tags=tags("outpatient", "open-24-7"))
    assert "Open 24/7" in m.evaluate(always, needs(needed_now=True), NOW).reasons
    # Closed now is fine when help is not needed now.
    assert m.evaluate(candidate(hours="2:0800-1300"), needs(), NOW) is not None


def test_overnight_hours_run_past_midnight():
    night = "1:2000-0600"  # Tuesday 8 p.m. to Wednesday 6 a.m.
    assert m.is_open(night, 0, dt.datetime(2026, 3, 4, 3, 0, tzinfo=TZ)) is True
    assert m.is_open(night, 0, dt.datetime(2026, 3, 4, 7, 0, tzinfo=TZ)) is False
    assert m.is_open(night, 0, dt.datetime(2026, 3, 3, 21, 0, tzinfo=TZ)) is True


def test_bed_needed_requires_an_open_bed():
    fresh = m.Capacity("bed", 2, NOW - dt.timedelta(hours=1), "A. Morgan")
    full = m.Capacity("bed", 0, NOW - dt.timedelta(hours=1))
    with_bed = candidate(capacities=(fresh,))
    assert m.evaluate(with_bed, needs(needs_bed=True), NOW) is not None
    assert m.why_not(candidate(capacities=(full,)), needs(needs_bed=True), NOW).startswith(
        "No beds open"
    )
    assert m.why_not(candidate(), needs(needs_bed=True), NOW) == "No bed count reported"


def test_latest_figure_counts():
    old = m.Capacity("bed", 5, NOW - dt.timedelta(hours=5))
    new = m.Capacity("bed", 0, NOW - dt.timedelta(hours=1))
    assert m.why_not(candidate(capacities=(old, new)), needs(needs_bed=True), NOW).startswith(
        "No beds open"
    )


def test_score_distance_falls_with_distance():
    near, _ = m.score_distance(0.0, 80)
    mid, _ = m.score_distance(40.0, 80)
    edge, _ = m.score_distance(80.0, 80)
    assert (near, mid, edge) == (m.DISTANCE_POINTS, m.DISTANCE_POINTS / 2, 0.0)
    assert m.score_distance(None, 80) == (0.0, "Distance not known")


def test_score_mou_partner_and_warm_handoff():
    assert m.score_mou(candidate(mou_partner=True)) == (m.MOU_POINTS, "MOU partner of this program")
    assert m.score_mou(candidate()) == (0.0, "")
    assert m.score_warm_handoff(candidate(mou_warm_handoff=True))[0] == m.WARM_HANDOFF_POINTS
    tagged = candidate(tags=tags("outpatient", "warm-handoff"))
    assert m.score_warm_handoff(tagged)[0] == m.WARM_HANDOFF_POINTS
    assert m.score_warm_handoff(candidate()) == (0.0, "")


def test_stale_capacity_scores_less_and_says_so():
    fresh = candidate(capacities=(m.Capacity("bed", 3, NOW - dt.timedelta(hours=2), "A. M"),))
    stale = candidate(capacities=(m.Capacity("bed", 3, NOW - dt.timedelta(hours=30)),))
    fresh_points, fresh_reason = m.score_capacity(fresh, needs(needs_bed=True), NOW)
    stale_points, stale_reason = m.score_capacity(stale, needs(needs_bed=True), NOW)
    assert fresh_points == m.FRESH_CAPACITY_POINTS
    assert stale_points == m.STALE_CAPACITY_POINTS
    assert fresh_reason == "3 beds open (updated 2 h ago by A. M)"
    assert stale_reason.endswith("stale, call to confirm")
    match = m.evaluate(stale, needs(needs_bed=True), NOW)
    assert match.stale_capacity is True
    assert m.is_stale(m.Capacity("bed", 1, NOW - dt.timedelta(hours=24)), NOW) is False
    assert m.is_stale(m.Capacity("bed", 1, NOW - dt.timedelta(hours=24, seconds=1)), NOW)


def test_mou_partner_outranks_a_slightly_closer_service():
    partner = candidate(service_at_location_id="p", mou_partner=True, latitude=39.33)
    closer = candidate(service_at_location_id="c", latitude=39.295)
    ranked = m.rank([closer, partner], needs(), NOW)
    assert [r.candidate.service_at_location_id for r in ranked] == ["p", "c"]
    assert "MOU partner of this program" in ranked[0].reasons


def test_ties_break_by_distance_then_names_then_id():
    a = candidate(service_at_location_id="2", organization_name="Beta", latitude=None)
    b = candidate(service_at_location_id="1", organization_name="Beta", latitude=None)
    c = candidate(service_at_location_id="3", organization_name="Alpha", latitude=None)
    ranked = m.rank([a, b, c], needs(), NOW)
    assert [r.candidate.service_at_location_id for r in ranked] == ["3", "1", "2"]
    assert len({r.score for r in ranked}) == 1
    near = candidate(service_at_location_id="n", organization_name="Zed")
    ranked = m.rank([replace(near, latitude=39.30), replace(c, latitude=39.35)], needs(), NOW)
    assert ranked[0].candidate.service_at_location_id == "n"


def test_rank_leaves_out_failures_and_limits():
    ok = [candidate(service_at_location_id=str(i)) for i in range(5)]
    bad = candidate(service_at_location_id="x", active=False)
    ranked = m.rank([*ok, bad], needs(), NOW, limit=3)
    assert len(ranked) == 3 and all(r.candidate.service_at_location_id != "x" for r in ranked)


def test_hours_round_trip_and_description():
    openings = [m.Opening(0, dt.time(8), dt.time(17)), m.Opening(5, dt.time(9), dt.time(12))]
    text = m.format_hours(openings)
    assert text == "0:0800-1700;5:0900-1200"
    assert m.parse_hours(text) == openings
    assert m.describe_hours(text) == "Mon 08:00–17:00; Sat 09:00–12:00"
    assert m.describe_hours("24/7") == "Open 24 hours, 7 days"
    week = "0:0800-1700;1:0800-1700;2:0800-1700;3:0800-1700;4:0800-1200;5:0900-1200;6:0900-1200"
    assert m.describe_hours(week) == "Mon–Thu 08:00–17:00; Fri 08:00–12:00; Sat–Sun 09:00–12:00"
    assert m.describe_hours(week, days=tuple("LMXJVSD"))[:3] == "L–J"
    assert m.describe_hours("", unknown="Call") == "Call"


def test_bounding_box_contains_the_circle():
    lat0, lat1, lon0, lon1 = m.bounding_box(*HERE, 50)
    for bearing_point in [(lat1, HERE[1]), (lat0, HERE[1]), (HERE[0], lon0), (HERE[0], lon1)]:
        assert abs(m.distance_km(*HERE, *bearing_point) - 50) < 0.5
