"""Demo data for referrals and follow-up: the county's quick response team, and a directory entry
for each demo treatment provider that has none yet (so referrals can be sent in the demo)."""

from deflect.accounts.models import AgencyKind, Membership, Role
from deflect.programs.models import Program
from deflect.resources.models import Organization, Service

from .services import team_ensure


def followups_demo_load(*, program_name: str) -> None:
    program = Program.objects.get(name=program_name)
    outreach = [
        m.user
        for m in Membership.objects.filter(
            role=Role.OUTREACH, agency__programs=program
        ).select_related("user")
    ]
    team_ensure(program=program, name="Quick Response Team", members=outreach)
    for agency in program.agencies.filter(kind=AgencyKind.TREATMENT_PROVIDER):
        if Organization.objects.filter(agency=agency).exists():
            continue
        organization = Organization.objects.create(
            name=agency.name, description="Outpatient and MOUD treatment (demo)", agency=agency
        )
        Service.objects.create(
            organization=organization,
            name="Same-day MOUD intake",
            description="Buprenorphine induction and outpatient counseling.",
        )
