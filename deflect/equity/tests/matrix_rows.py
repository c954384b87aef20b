"""Authorization-matrix rows for the equity page, its CSV and its API: coordinators and analysts
(DASHBOARD_VIEW); responders, prosecutors and every other role get 403."""

from deflect.access.tests.matrix import Row, expect

_VIEWERS = {"coordinator": 200, "other_coordinator": 200, "analyst": 200}
WEB_ROWS = [
    Row("equity:page", "GET", expect(403, anonymous=302, **_VIEWERS)),
    Row("equity:csv", "GET", expect(403, anonymous=302, **_VIEWERS)),
]
API_ROWS = [
    Row("/api/v1/equity", "GET", expect(403, anonymous=401, **_VIEWERS)),
]
