"""Authorization-matrix rows for cases and charges in abeyance. Case managers manage cases and
abeyance; outreach and coordinators read cases; the prosecutor's office sees only its abeyance
cases' status (everything else is 403/404 for it)."""

from deflect.access.tests.matrix import Row, expect, staff_at_another_agency
from deflect.cases.services import case_open
from deflect.people.tests.factories import PersonFactory
from deflect.referrals.tests.factories import encounter_by


def _case(w) -> dict:
    person = encounter_by(w.officer).person
    return {"case_id": case_open(actor=w.case_manager, person_id=person.pk).pk}


def _person(w) -> dict:
    return {"person_id": encounter_by(w.officer).person_id}


def _abeyance(w) -> dict:
    return {"abeyance_id": encounter_by(w.officer, "officer_intervention").abeyance.pk}


def _new_case(w) -> dict:
    return {"person": _person(w)["person_id"]}


_READ = dict(outreach=200, case_manager=200, coordinator=200)
WEB_ROWS = [
    Row("cases:list", "GET", expect(403, anonymous=302, **_READ, other_coordinator=200)),
    Row("cases:new", "GET", expect(403, anonymous=302, case_manager=404), variant="no person"),
    Row("cases:new", "POST", expect(403, anonymous=302, case_manager=302), body=_new_case),
    Row("cases:detail", "GET", expect(404, anonymous=302, **_READ), args=_case),
    Row(
        "cases:update",
        "POST",
        expect(404, anonymous=302, case_manager=302, outreach=403, coordinator=403),
        args=_case,
        body=lambda w: {"action": "goal", "description": "Stable housing"},
    ),
    Row(
        "cases:person-timeline",
        "GET",
        expect(404, anonymous=302, officer=200, **_READ),
        args=_person,
    ),
    Row(
        "cases:abeyance-list",
        "GET",
        expect(403, anonymous=302, case_manager=200, coordinator=200, other_coordinator=200),
    ),
    Row(
        "cases:abeyance-detail",
        "GET",
        expect(404, anonymous=302, case_manager=200, coordinator=200),
        args=_abeyance,
    ),
    Row(
        "cases:abeyance-progress",
        "POST",
        expect(404, anonymous=302, case_manager=302, coordinator=403),
        args=_abeyance,
        body=lambda w: {"kind": "note", "note": "Attended orientation"},
    ),
    Row("cases:prosecutor-list", "GET", expect(403, anonymous=302, prosecutor=200)),
    Row(
        "cases:prosecutor-dispose",
        "POST",
        expect(404, anonymous=302, prosecutor=302),
        args=_abeyance,
        body=lambda w: {"disposition": "charges_dropped"},
    ),
]

API_ROWS = [
    Row("/api/v1/cases", "GET", expect(403, anonymous=401, **_READ, other_coordinator=200)),
    Row(
        "/api/v1/cases",
        "POST",
        expect(403, anonymous=401, case_manager=201),
        body=lambda w: {"person_id": _person(w)["person_id"]},
    ),
    Row(
        "/api/v1/cases/{case_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, **_READ),
        args=_case,
    ),
    Row(
        "/api/v1/cases/{case_id}/notes",
        "POST",
        expect(404, anonymous=401, nobody=403, case_manager=201, outreach=403, coordinator=403),
        args=_case,
        body=lambda w: {"kind": "general", "text": "Called back"},
    ),
    Row(
        "/api/v1/cases/abeyance/{abeyance_id}/progress",
        "POST",
        expect(404, anonymous=401, nobody=403, case_manager=200, coordinator=403),
        args=_abeyance,
        body=lambda w: {"kind": "service_hours", "hours": "2"},
    ),
    Row("/api/v1/cases/abeyance/prosecutor", "GET", expect(403, anonymous=401, prosecutor=200)),
    Row(
        "/api/v1/cases/abeyance/prosecutor/{abeyance_id}/disposition",
        "POST",
        expect(404, anonymous=401, nobody=403, prosecutor=200),
        args=_abeyance,
        body=lambda w: {"disposition": "referred_for_prosecution"},
    ),
]


# --- writes follow the case's agency: a case of a second behavioral health agency of the program,
# and one of the other county's program.
def _case_of_another_agency(w, *, other_program: bool = False) -> dict:
    manager = staff_at_another_agency(
        w, "case_manager", "behavioral_health", other_program=other_program
    )
    person = PersonFactory(program=w.other_program if other_program else w.program)
    return {"case_id": case_open(actor=manager, person_id=person.pk).pk}


_GOAL = {"action": "goal", "description": "Stable housing"}
WEB_ROWS += [
    Row(
        "cases:update",
        "POST",
        expect(404, anonymous=302, case_manager=403, outreach=403, coordinator=403),
        args=_case_of_another_agency,
        body=lambda w: _GOAL,
        variant="other agency, same program",
    ),
    Row(
        "cases:update",
        "POST",
        expect(404, anonymous=302, other_coordinator=403),
        args=lambda w: _case_of_another_agency(w, other_program=True),
        body=lambda w: _GOAL,
        variant="other program",
    ),
]
_NOTE = {"kind": "general", "text": "Called back"}
API_ROWS += [
    Row(
        "/api/v1/cases/{case_id}/notes",
        "POST",
        expect(404, anonymous=401, nobody=403, case_manager=403, outreach=403, coordinator=403),
        args=_case_of_another_agency,
        body=lambda w: _NOTE,
        variant="other agency, same program",
    ),
    Row(
        "/api/v1/cases/{case_id}/notes",
        "POST",
        expect(404, anonymous=401, nobody=403, other_coordinator=403),
        args=lambda w: _case_of_another_agency(w, other_program=True),
        body=lambda w: _NOTE,
        variant="other program",
    ),
]
