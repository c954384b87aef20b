"""Authorization-matrix rows for community education: everyone in the program reads its
events; coordinators and outreach workers (COMMUNITY_MANAGE) record them."""

from deflect.access.tests.matrix import Row, expect, other_program, own_program


def _event(w) -> dict:
    return {
        "kind": "public_information",
        "title": "Library session",
        "starts_at": "2026-11-20T18:00",
        "place": "Marlow Public Library",
        "attendance": "30",
        "people_trained": "12",
        "kits": "0",
    }


WEB_ROWS = [
    Row("community:home", "GET", expect(302, nobody=403)),
    Row(
        "community:events",
        "GET",
        expect(200, anonymous=302, nobody=404, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        "community:events",
        "GET",
        expect(404, anonymous=302, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "community:events",
        "POST",
        expect(
            403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302, outreach=302
        ),
        args=own_program,
        body=_event,
    ),
]
