"""The authorization matrix: every web route and API operation × every persona.

Each row names a route (URL name, or ``METHOD /api/v1/path`` for an API operation), the method,
how to fill its path parameters from the test world, the request body, and the expected status
for every persona. ``test_authorization_matrix`` fails when a route has no row, so adding a
route forces a decision about who may use it.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.programs.models import ProgramAgency

PERSONAS = [
    "anonymous",
    "nobody",
    "officer",
    "dispatcher",
    "outreach",
    "case_manager",
    "provider",
    "prosecutor",
    "coordinator",
    "analyst",
    "admin",
    "other_coordinator",
]
IN_PROGRAM = [
    "officer",
    "dispatcher",
    "outreach",
    "case_manager",
    "provider",
    "prosecutor",
    "coordinator",
    "analyst",
]


def expect(default: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(PERSONAS, default)
    for persona, status in overrides.items():
        assert persona in table, persona
        table[persona] = status
    return table


def own_program(w) -> dict:
    return {"program_id": w.program.pk}


def other_program(w) -> dict:
    return {"program_id": w.other_program.pk}


def officer_membership(w) -> dict:
    return {"membership_id": w.officer.memberships.get().pk}


def police(w) -> dict:
    return {"agency_id": w.agencies["police"].pk}


def other_police(w) -> dict:
    return {"agency_id": w.agencies["other_police"].pk}


def no_args(w) -> dict:
    return {}


def staff_at_another_agency(w, role: str, kind: str, *, other_program: bool = False):
    """A staff member with ``role`` at a new agency of ``kind`` in the program (or the other
    county's program): whatever they record belongs to *another agency* for every persona, for
    the relationship rows of writes (own agency, other agency in the program, other program)."""

    program = w.other_program if other_program else w.program
    agency = AgencyFactory(name=f"{program.name} {kind} {role}", kind=kind)
    ProgramAgency.objects.create(program=program, agency=agency)
    user = UserFactory(username=f"{role}.{agency.pk}")
    MembershipFactory(user=user, agency=agency, role=role)
    return user


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    expected: dict[str, int]
    args: Callable[[Any], dict] = no_args
    body: Callable[[Any], Any] | None = None
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}{' [' + self.variant + ']' if self.variant else ''}"


# Staff and coordinator-only expectations reused below.
_signed_in = dict.fromkeys(IN_PROGRAM, 200) | {"admin": 200, "other_coordinator": 200}
STAFF_ONLY = expect(403, anonymous=302, coordinator=200, admin=200, other_coordinator=200)

WEB_ROWS: list[Row] = [
    Row("login", "GET", expect(302, anonymous=200)),
    Row("logout", "POST", expect(302)),
    Row("home", "GET", expect(200, anonymous=302)),
    Row("staff-list", "GET", STAFF_ONLY),
    Row(
        "staff-list",
        "POST",
        expect(403, anonymous=302, coordinator=422, admin=422, other_coordinator=422),
        body=lambda w: {},
    ),
    Row(
        "staff-revoke",
        "POST",
        expect(404, anonymous=302, coordinator=302, admin=302),
        args=officer_membership,
    ),
    Row("programs:list", "GET", expect(200, anonymous=302, nobody=403)),
    Row(
        "programs:detail",
        "GET",
        expect(200, anonymous=302, nobody=404, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        "programs:detail",
        "GET",
        expect(404, anonymous=302, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "programs:detail",
        "POST",
        expect(403, anonymous=302, nobody=404, coordinator=302, admin=302, other_coordinator=404),
        args=own_program,
        body=lambda w: {"pathways": ["self_referral", "naloxone_plus"]},
    ),
    Row("audit:list", "GET", expect(403, anonymous=302, admin=200)),
    Row("api-not-found", "GET", expect(404)),
    # The Django admin site admits only superusers (is_staff); everyone else is sent to its login.
    Row("admin:index", "GET", expect(302, admin=200)),
    Row("admin:audit_auditevent_changelist", "GET", expect(302, admin=200)),
    Row("api:openapi-json", "GET", expect(200)),
    Row("api:openapi-view", "GET", expect(200)),
]

# Every URL name in these namespaces is the Django admin site, guarded as one unit (is_staff)
# and represented by the admin rows above.
DELEGATED_NAMESPACES = ("admin:",)

_api_signed_in = expect(200, anonymous=401, nobody=403)
API_ROWS: list[Row] = [
    Row("/api/v1/me", "GET", _api_signed_in),
    Row("/api/v1/agencies", "GET", _api_signed_in),
    Row(
        "/api/v1/agencies/{agency_id}",
        "GET",
        expect(200, anonymous=401, nobody=403, other_coordinator=404),
        args=police,
        variant="own program",
    ),
    Row(
        "/api/v1/agencies/{agency_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, admin=200, other_coordinator=200),
        args=other_police,
        variant="other program",
    ),
    Row(
        "/api/v1/staff/memberships",
        "GET",
        expect(403, anonymous=401, coordinator=200, admin=200, other_coordinator=200),
    ),
    Row(
        "/api/v1/staff/memberships",
        "POST",
        expect(403, anonymous=401, coordinator=201, admin=201, other_coordinator=404),
        body=lambda w: {
            "user_id": w.analyst.pk,
            "agency_id": w.agencies["police"].pk,
            "role": "analyst",
        },
    ),
    Row(
        "/api/v1/staff/memberships/{membership_id}",
        "DELETE",
        expect(404, anonymous=401, nobody=403, coordinator=200, admin=200),
        args=officer_membership,
    ),
    Row("/api/v1/programs", "GET", _api_signed_in),
    Row(
        "/api/v1/programs/{program_id}",
        "GET",
        expect(200, anonymous=401, nobody=403, other_coordinator=404),
        args=own_program,
        variant="own program",
    ),
    Row(
        "/api/v1/programs/{program_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, admin=200, other_coordinator=200),
        args=other_program,
        variant="other program",
    ),
    Row(
        "/api/v1/programs/{program_id}",
        "PATCH",
        expect(403, anonymous=401, nobody=403, coordinator=200, admin=200, other_coordinator=404),
        args=own_program,
        body=lambda w: {"pathways": ["self_referral"]},
    ),
    Row("/api/v1/audit/events", "GET", expect(403, anonymous=401, nobody=403, admin=200)),
    Row("/api/v1/audit/verify", "POST", expect(403, anonymous=401, nobody=403, admin=200)),
]


def _app_rows() -> None:
    """Each domain app keeps its own rows in ``deflect/<app>/tests/matrix_rows.py``
    (``WEB_ROWS`` and ``API_ROWS`` lists of ``Row``); every app that has one is found."""

    apps = Path(__file__).resolve().parents[2]
    for rows_file in sorted(apps.glob("*/tests/matrix_rows.py")):
        module = importlib.import_module(
            f"deflect.{rows_file.parent.parent.name}.tests.matrix_rows"
        )
        WEB_ROWS.extend(getattr(module, "WEB_ROWS", []))
        API_ROWS.extend(getattr(module, "API_ROWS", []))


_app_rows()
