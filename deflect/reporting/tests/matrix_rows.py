"""Authorization-matrix rows for the program dashboard: coordinators, and analysts (with small
cells suppressed)."""

from deflect.access.tests.matrix import Row, expect

_COORDINATORS = expect(403, anonymous=302, coordinator=200, other_coordinator=200, analyst=200)
WEB_ROWS = [
    Row("reporting:dashboard", "GET", _COORDINATORS),
    Row("reporting:dashboard-csv", "GET", _COORDINATORS),
]
API_ROWS = [
    Row(
        "/api/v1/dashboard/measures",
        "GET",
        expect(403, anonymous=401, coordinator=200, other_coordinator=200, analyst=200),
    ),
]
