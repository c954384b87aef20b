"""Authorization-matrix rows for encounters (collected by deflect/access/tests/matrix.py)."""

from deflect.access.tests.matrix import Row, expect
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission


def _own_encounter(w) -> dict:
    result = encounter_create(actor=w.officer, data=submission("first_responder_referral"))
    return {"encounter_id": result.encounter.pk}


def _other_encounter(w) -> dict:
    result = encounter_create(actor=w.other_officer, data=submission("first_responder_referral"))
    return {"encounter_id": result.encounter.pk}


def _new_submission(w):
    return submission("first_responder_referral")


_VIEWERS = dict(officer=200, outreach=200, case_manager=200, coordinator=200)
_AMEND_PAGE = expect(
    404, anonymous=302, officer=200, outreach=403, case_manager=403, coordinator=403
)

WEB_ROWS = [
    Row("encounters:list", "GET", expect(403, anonymous=302, **_VIEWERS, other_coordinator=200)),
    Row("encounters:new", "GET", expect(403, anonymous=302, officer=200, outreach=200)),
    Row(
        "encounters:new",
        "POST",
        expect(403, anonymous=302, officer=422, outreach=422),
        body=lambda w: {"pathway": "self_referral"},
    ),
    Row(
        "encounters:detail",
        "GET",
        expect(404, anonymous=302, **_VIEWERS),
        args=_own_encounter,
        variant="own program",
    ),
    Row(
        "encounters:detail",
        "GET",
        expect(404, anonymous=302, other_coordinator=200),
        args=_other_encounter,
        variant="other program",
    ),
    # Corrections: staff of the recording agency who record encounters (the officer).
    Row("encounters:amend", "GET", _AMEND_PAGE, args=_own_encounter),
    Row(
        "encounters:amend",
        "POST",
        {**_AMEND_PAGE, "officer": 302},
        args=_own_encounter,
        body=lambda w: {"location_text": "410 Main St", "reason": "Address misread"},
    ),
]

API_ROWS = [
    Row("/api/v1/encounters", "GET", expect(403, anonymous=401, **_VIEWERS, other_coordinator=200)),
    Row(
        "/api/v1/encounters",
        "POST",
        expect(403, anonymous=401, officer=201, outreach=201),
        body=_new_submission,
    ),
    Row(
        "/api/v1/encounters/{encounter_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, **_VIEWERS),
        args=_own_encounter,
        variant="own program",
    ),
    Row(
        "/api/v1/encounters/{encounter_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, other_coordinator=200),
        args=_other_encounter,
        variant="other program",
    ),
    Row(
        "/api/v1/encounters/{encounter_id}/amendments",
        "POST",
        expect(
            404,
            anonymous=401,
            nobody=403,
            officer=200,
            outreach=403,
            case_manager=403,
            coordinator=403,
        ),
        args=_own_encounter,
        body=lambda w: {"reason": "Address misread", "location_text": "410 Main St"},
    ),
]
