"""Authorization-matrix rows for the program pages kept in ``programs``."""

from deflect.access.tests.matrix import Row, expect, own_program

WEB_ROWS: list[Row] = []

# Sign-in security (which roles and agencies must use MFA): the program's coordinators and
# the admin edit it; other members get 403, outsiders 404.
WEB_ROWS += [
    Row(
        "programs:mfa",
        "GET",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200, admin=200),
        args=own_program,
    ),
    Row(
        "programs:mfa",
        "POST",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302, admin=302),
        args=own_program,
        body=lambda w: {"roles": ["responder"]},
    ),
]
