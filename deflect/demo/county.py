"""The demo county itself: its agencies, program and demo logins. No real people's data.

``deflect.demo.loader.demo_load`` calls ``county_load`` first; both are idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from deflect.accounts.models import Agency, AgencyKind, Role, User
from deflect.accounts.services import agency_create, membership_create, user_create
from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.models import Pathway
from deflect.programs.models import Program
from deflect.programs.services import program_create

DEMO_PASSWORD = "Deflect-Demo-2026!"
PROGRAM_NAME = "Marlow County Deflection Program"

AGENCIES = [
    ("Marlow City Police Department", "MCPD", AgencyKind.LAW_ENFORCEMENT),
    ("Marlow County Sheriff's Office", "MCSO", AgencyKind.LAW_ENFORCEMENT),
    ("Marlow Fire & EMS", "MFEMS", AgencyKind.FIRE),
    ("Harbor Light Behavioral Health", "Harbor Light", AgencyKind.BEHAVIORAL_HEALTH),
    ("Northside Recovery Center", "Northside", AgencyKind.TREATMENT_PROVIDER),
    ("Bridgeway Treatment Services", "Bridgeway", AgencyKind.TREATMENT_PROVIDER),
    ("Marlow Peer Recovery Network", "Peer Network", AgencyKind.COMMUNITY_ORGANIZATION),
    ("Marlow County Prosecutor's Office", "Prosecutor", AgencyKind.PROSECUTOR),
    ("Marlow County Information Services", "County IT", AgencyKind.OTHER),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str
    role: Role
    superuser: bool = False


USERS = [
    DemoUser("officer", "Dana", "Reyes", "Marlow City Police Department", Role.RESPONDER),
    DemoUser("medic", "Lee", "Santos", "Marlow Fire & EMS", Role.RESPONDER),
    DemoUser("dispatcher", "Sam", "Okafor", "Marlow County Sheriff's Office", Role.DISPATCHER),
    DemoUser("outreach", "Jordan", "Lee", "Marlow Peer Recovery Network", Role.OUTREACH),
    DemoUser(
        "casemanager", "Priya", "Natarajan", "Harbor Light Behavioral Health", Role.CASE_MANAGER
    ),
    DemoUser("provider", "Alex", "Morgan", "Northside Recovery Center", Role.PROVIDER),
    DemoUser("provider2", "Chris", "Bauer", "Bridgeway Treatment Services", Role.PROVIDER),
    DemoUser(
        "prosecutor", "Taylor", "Brooks", "Marlow County Prosecutor's Office", Role.PROSECUTOR
    ),
    DemoUser("coordinator", "Morgan", "Ellis", "Marlow City Police Department", Role.COORDINATOR),
    DemoUser("analyst", "Riley", "Chen", "Harbor Light Behavioral Health", Role.ANALYST),
    DemoUser(
        "admin", "Casey", "Admin", "Marlow County Information Services", Role.ADMIN, superuser=True
    ),
]


def county_load() -> bool:
    """Create the demo county's agencies, program and users unless they are there; return
    whether they were created now."""
    if Program.objects.filter(name=PROGRAM_NAME).exists():
        return False
    agencies: dict[str, Agency] = {}
    for name, short, kind in AGENCIES:
        agencies[name] = agency_create(
            actor=dangerously_as_system("demo"), name=name, short_name=short, kind=kind
        )
    program_create(
        actor=dangerously_as_system("demo"),
        name=PROGRAM_NAME,
        jurisdiction="Marlow County (synthetic)",
        description="A county-wide program: police, sheriff, fire/EMS and a community team "
        "meet people on all six pathways and connect them to treatment instead of jail.",
        agencies=[agencies[name] for name, _, _ in AGENCIES if name != AGENCIES[-1][0]],
        pathways=Pathway.values,
    )
    for demo in USERS:
        user = user_create(
            actor=dangerously_as_system("demo"),
            username=demo.username,
            password=DEMO_PASSWORD,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@marlow.example",
            is_superuser=demo.superuser,
        )
        membership_create(
            actor=dangerously_as_system("demo"),
            user=user,
            agency=agencies[demo.agency],
            role=demo.role,
        )
    audit_record(action=Action.DEMO_LOAD, extra={"program": PROGRAM_NAME})
    return True


def demo_logins_text() -> str:
    width = max(len(u.username) for u in USERS)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    for demo in USERS:
        lines.append(f"  {demo.username:<{width}}  {demo.role.label} — {demo.agency}")
    return "\n".join(lines)


def demo_user(username: str) -> User:
    return User.objects.get(username=username)
