"""Authorization-matrix rows for the outcomes pages and API.

Outside records and the outcome measures are for analysts and coordinators only
(OUTSIDE_RECORD_VIEW, OUTSIDE_RECORD_IMPORT, OUTCOMES_VIEW): every other role, the admin and an
account with no role get 403; another county's coordinator holds the capability but gets 404
for this program's pages and imports.
"""

from deflect.access.tests.matrix import Row, expect, own_program
from deflect.accounts.system import dangerously_as_system
from deflect.outcomes.services import import_begin

_GET = expect(403, anonymous=302, other_coordinator=404, analyst=200, coordinator=200)
_POST_INVALID = expect(403, anonymous=302, other_coordinator=404, analyst=422, coordinator=422)
_API_GET = expect(403, anonymous=401, other_coordinator=404, analyst=200, coordinator=200)

CSV = "source_record_id,first_name,last_name,event_at\nJ1,Ana,Ruiz,2026-03-01T10:00\n"


def _batch(w) -> dict:

    batch = import_begin(
        actor=dangerously_as_system("tests"),
        program=w.program,
        source="county_jail",
        kind="jail_booking",
        content=CSV.encode(),
        file_name="bookings.csv",
    )
    return {"batch_id": batch.pk}


WEB_ROWS = [
    Row(
        "outcomes:home",
        "GET",
        expect(403, anonymous=302, analyst=302, coordinator=302, other_coordinator=302),
    ),
    Row("outcomes:report", "GET", _GET, args=own_program),
    Row("outcomes:report-csv", "GET", _GET, args=own_program),
    Row("outcomes:records", "GET", _GET, args=own_program),
    Row("outcomes:imports", "GET", _GET, args=own_program),
    Row("outcomes:imports", "POST", _POST_INVALID, args=own_program, body=lambda w: {}),
    Row("outcomes:batch", "GET", _GET, args=_batch),
    Row("outcomes:batch-step", "POST", _GET, args=_batch),
    Row(
        "outcomes:batch-commit",
        "POST",
        expect(403, anonymous=302, other_coordinator=404, analyst=302, coordinator=302),
        args=_batch,
    ),
]

API_ROWS = [
    Row("/api/v1/outcomes/programs/{program_id}/measures", "GET", _API_GET, args=own_program),
    Row(
        "/api/v1/outcomes/programs/{program_id}/imports",
        "POST",
        expect(403, anonymous=401, other_coordinator=404, analyst=201, coordinator=201),
        args=own_program,
        body=lambda w: {"source": "county_jail", "kind": "jail_booking", "csv": CSV},
    ),
    Row("/api/v1/outcomes/imports/{batch_id}", "GET", _API_GET, args=_batch),
]
