"""Authorization-matrix rows for the program dashboard: coordinators only (analysts would need
small-cell suppression, which this first dashboard does not offer them)."""

from deflect.access.tests.matrix import Row, expect

_COORDINATORS = expect(403, anonymous=302, coordinator=200, other_coordinator=200)
WEB_ROWS = [
    Row("reporting:dashboard", "GET", _COORDINATORS),
    Row("reporting:dashboard-csv", "GET", _COORDINATORS),
]
