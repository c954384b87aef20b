"""Authorization-matrix rows for naloxone pages and API.

Seeing stock is NALOXONE_VIEW (responders, outreach, coordinators of the program); handing out,
administering and drawing kits is NALOXONE_USE (the same roles); acquiring, issuing, disposing
and setting up locations is NALOXONE_MANAGE (coordinators). The admin reaches the program but
holds none of these. Another county's coordinator gets 404 for this program.
"""

from deflect.access.tests.matrix import Row, expect, other_program, own_program
from deflect.naloxone.tests.factories import stocked

_USERS = dict(officer=200, outreach=200, coordinator=200)
_VIEW = expect(403, anonymous=302, nobody=404, other_coordinator=404, **_USERS)
_VIEW_OTHER = expect(404, anonymous=302, admin=403, other_coordinator=200)
_USE_POST = expect(
    403,
    anonymous=302,
    nobody=404,
    other_coordinator=404,
    officer=302,
    outreach=302,
    coordinator=302,
)
_MANAGE_GET = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200)
_MANAGE_POST = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302)


def _stocked(w) -> dict:
    place, batch = stocked(w.program, kits=5)
    w.naloxone = {"location": place.pk, "lot": batch.pk}
    return {"program_id": w.program.pk}


def _kind(kind):
    def args(w) -> dict:
        return {**_stocked(w), "kind": kind}

    return args


def _distribute(w) -> dict:
    return {**w.naloxone, "quantity": "1", "channel": "leave_behind"}


def _draw(w) -> dict:
    return {**w.naloxone, "quantity": "1"}


WEB_ROWS = [
    Row(
        "naloxone:home",
        "GET",
        expect(
            403, anonymous=302, officer=302, outreach=302, coordinator=302, other_coordinator=302
        ),
    ),
    Row("naloxone:stock", "GET", _VIEW, args=own_program, variant="own program"),
    Row("naloxone:stock", "GET", _VIEW_OTHER, args=other_program, variant="other program"),
    Row("naloxone:ledger", "GET", _VIEW, args=own_program),
    Row("naloxone:movement", "GET", _MANAGE_GET, args=_kind("acquired"), variant="acquired"),
    Row("naloxone:movement", "GET", _VIEW, args=_kind("distributed"), variant="distributed"),
    Row(
        "naloxone:movement",
        "POST",
        _USE_POST,
        args=_kind("distributed"),
        body=_distribute,
        variant="distributed",
    ),
    Row("naloxone:draw", "POST", _USE_POST, args=_stocked, body=_draw),
    Row("naloxone:locations", "GET", _MANAGE_GET, args=own_program),
    Row(
        "naloxone:locations",
        "POST",
        _MANAGE_POST,
        args=own_program,
        body=lambda w: {"name": "Station 2", "kind": "station", "reorder_threshold": "5"},
    ),
]


def _api_distribute(w) -> dict:
    return {
        "kind": "distributed",
        "location_id": w.naloxone["location"],
        "lot_id": w.naloxone["lot"],
        "quantity": 1,
        "channel": "leave_behind",
    }


_API_USERS = dict(officer=200, outreach=200, coordinator=200)
API_ROWS = [
    Row(
        "/api/v1/naloxone/programs/{program_id}/stock",
        "GET",
        expect(403, anonymous=401, other_coordinator=404, **_API_USERS),
        args=own_program,
    ),
    Row(
        "/api/v1/naloxone/programs/{program_id}/movements",
        "POST",
        expect(
            403, anonymous=401, other_coordinator=404, officer=201, outreach=201, coordinator=201
        ),
        args=_stocked,
        body=_api_distribute,
    ),
]
