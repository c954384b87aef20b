"""Shared personas: a small county program, and a neighbouring county's program.

Stories in the tests speak of these people: ``officer`` (a patrol officer at the city police),
``coordinator`` (the program coordinator there), ``provider`` (intake at a treatment provider),
``prosecutor``, ``analyst``, ``admin`` (system administrator at county IT, outside the program),
``other_coordinator`` and ``other_officer`` (the neighbouring county) and ``nobody`` (an
account with no role anywhere).
"""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache

from deflect.accounts.models import Agency, AgencyKind, Role, User
from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.programs.models import Program
from deflect.programs.tests.factories import ProgramFactory

PERSONA_ROLES = {
    "officer": ("police", Role.RESPONDER),
    "dispatcher": ("sheriff", Role.DISPATCHER),
    "outreach": ("peers", Role.OUTREACH),
    "case_manager": ("health", Role.CASE_MANAGER),
    "provider": ("treatment", Role.PROVIDER),
    "prosecutor": ("prosecutor", Role.PROSECUTOR),
    "coordinator": ("police", Role.COORDINATOR),
    "analyst": ("health", Role.ANALYST),
    "admin": ("county_it", Role.ADMIN),
    "other_coordinator": ("other_police", Role.COORDINATOR),
    "other_officer": ("other_police", Role.RESPONDER),
}


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    program: Program | None = None
    other_program: Program | None = None

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is the production hasher (tested on its own); tests hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def files_outside_the_database(settings, tmp_path):
    """Each test has its own audit checkpoint, revocation list and backup folder."""
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoint.log"
    settings.DEFLECT_REVOCATIONS_PATH = tmp_path / "revocations.log"
    settings.DEFLECT_BACKUP_DIR = tmp_path / "backups"


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache; each test starts with none."""

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    w = World()
    kinds = {
        "police": ("Marlow City Police", AgencyKind.LAW_ENFORCEMENT),
        "sheriff": ("Marlow Sheriff", AgencyKind.LAW_ENFORCEMENT),
        "health": ("Harbor Behavioral Health", AgencyKind.BEHAVIORAL_HEALTH),
        "treatment": ("Northside Recovery", AgencyKind.TREATMENT_PROVIDER),
        "peers": ("Peer Network", AgencyKind.COMMUNITY_ORGANIZATION),
        "prosecutor": ("Marlow Prosecutor", AgencyKind.PROSECUTOR),
        "county_it": ("County IT", AgencyKind.OTHER),
        "other_police": ("Eastvale Police", AgencyKind.LAW_ENFORCEMENT),
    }
    for key, (name, kind) in kinds.items():
        w.agencies[key] = AgencyFactory(name=name, kind=kind)
    home = [
        w.agencies[k] for k in ("police", "sheriff", "health", "treatment", "peers", "prosecutor")
    ]
    w.program = ProgramFactory(name="Marlow Deflection", agencies=home)
    w.other_program = ProgramFactory(
        name="Eastvale Deflection", agencies=[w.agencies["other_police"]]
    )
    for username, (agency_key, role) in PERSONA_ROLES.items():
        user = UserFactory(username=username)
        MembershipFactory(user=user, agency=w.agencies[agency_key], role=role)
        w.users[username] = user
    w.users["admin"].is_staff = w.users["admin"].is_superuser = True
    w.users["admin"].save()
    w.users["nobody"] = UserFactory(username="nobody")
    return w


# The browser tests' shared fixtures (Chromium through Playwright), for every app's tests.
from deflect.core.tests.browser import browser, open_page, out_dir, problems  # noqa: E402, F401
