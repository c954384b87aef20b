"""Authorization-matrix rows for funder reports and the de-identified export: coordinators and
analysts; responders, prosecutors and everyone else 403."""

from deflect.access.tests.matrix import Row, expect

_REPORTS = expect(403, anonymous=302, coordinator=200, other_coordinator=200, analyst=200)


def _cossup(w) -> dict:
    return {"slug": "cossup-quarterly"}


def _stepping_up(w) -> dict:
    return {"slug": "stepping-up"}


WEB_ROWS = [
    Row("reports:list", "GET", _REPORTS),
    Row("reports:detail", "GET", _REPORTS, args=_cossup, variant="cossup"),
    Row("reports:detail", "GET", _REPORTS, args=_stepping_up, variant="stepping up"),
    Row("reports:pdf", "GET", _REPORTS, args=_cossup),
    Row("reports:xlsx", "GET", _REPORTS, args=_cossup),
    Row("reports:export", "GET", _REPORTS),
    Row(
        "reports:export",
        "POST",
        expect(403, anonymous=302, coordinator=200, other_coordinator=200, analyst=200),
        body=lambda w: {"date_from": "2026-01-01", "date_to": "2026-03-31", "dates": "shift"},
    ),
]

_API = expect(403, anonymous=401, coordinator=200, other_coordinator=200, analyst=200)
API_ROWS = [
    Row("/api/v1/reports/templates", "GET", _API),
    Row("/api/v1/reports/{slug}", "GET", _API, args=_stepping_up),
]
