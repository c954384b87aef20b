"""Demo data for referrals and follow-up: the county's quick response team, and a directory entry
for each demo treatment provider that has none yet (so referrals can be sent in the demo)."""

import datetime as dt
import uuid

from django.db.models import Q
from django.utils import timezone

from deflect.accounts.models import AgencyKind, Membership, Role, User
from deflect.cases.models import AbeyanceCase
from deflect.encounters.models import Encounter
from deflect.followups.models import FollowUp, Trigger
from deflect.followups.services import after_encounter_recorded, attempt_record, team_ensure
from deflect.programs.models import Program
from deflect.resources.models import Organization, Service


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


def followups_demo_schedule(*, program_name: str, limit: int = 12) -> int:
    """Give the demo's most recent non-fatal overdoses (and charges held in abeyance) what a
    recorded encounter gets, so the queue, the cases and the dashboard have something to show.
    Encounters that already have follow-ups or an abeyance case are left alone (the command
    runs again and again). Returns how many were scheduled."""

    program = Program.objects.get(name=program_name)
    done = FollowUp.objects.filter(encounter__isnull=False).values("encounter_id")
    opened = AbeyanceCase.objects.values("encounter_id")
    recent = (
        Encounter.objects.filter(program=program, person__isnull=False)
        .filter(Q(needs_post_overdose_followup=True) | Q(officer_intervention__isnull=False))
        .order_by("-occurred_at")
        .values_list("pk", flat=True)[:limit]
    )
    pending = (
        Encounter.objects.filter(pk__in=list(recent))
        .exclude(pk__in=done)
        .exclude(pk__in=opened)
        .select_related("program", "person", "recorded_by", "overdose", "officer_intervention")
        .order_by("-occurred_at")
    )
    scheduled = 0
    for encounter in pending:
        actor = encounter.recorded_by or User.objects.get(username="officer")
        after_encounter_recorded(actor=actor, encounter=encounter)
        scheduled += 1
    return scheduled


# What the quick response team did for the demo's overdoses, in turn: (hours after the overdose,
# method, result) for each attempt; an empty plan leaves the follow-up open.
_ATTEMPT_PLANS = (
    ((5, "phone", "not_found"), (30, "home_visit", "contacted")),
    ((50, "phone", "contacted"),),
    (),
    ((20, "home_visit", "declined"),),
    ((8, "text", "not_found"), (96, "home_visit", "contacted")),
)
_DEMO_NAMESPACE = uuid.UUID("0d7b6c1e-4f7a-4a39-8c1b-2e9f5a7d3b60")


def followups_demo_work(*, program_name: str, limit: int = 12) -> int:
    """The team's attempts on the first follow-up of the demo's ``limit`` most recent non-fatal
    overdoses, dated after each overdose (some within the 72-hour window, some late, some not
    yet), so the queue and the dashboard's 72-hour measure have something to show. Idempotent
    per attempt (``client_uuid``); returns how many attempts were recorded."""

    outreach = User.objects.filter(username="outreach").first()
    if outreach is None:
        return 0
    program = Program.objects.get(name=program_name)
    followups = (
        FollowUp.objects.filter(
            program=program,
            trigger=Trigger.NONFATAL_OVERDOSE,
            contact_required=True,
            encounter__isnull=False,
        )
        .order_by("-anchor_at", "pk")
        .select_related("person")[:limit]
    )
    now = timezone.now()
    recorded = 0
    for number, followup in enumerate(followups):
        for step, (hours, method, result) in enumerate(
            _ATTEMPT_PLANS[number % len(_ATTEMPT_PLANS)]
        ):
            attempted_at = followup.anchor_at + dt.timedelta(hours=hours)
            if attempted_at > now:
                break
            _, created = attempt_record(
                actor=outreach,
                followup=followup,
                method=method,
                result=result,
                attempted_at=attempted_at,
                team_composition=["peer"],
                client_uuid=uuid.uuid5(_DEMO_NAMESPACE, f"followup-{followup.pk}-{step}"),
            )
            recorded += created
    return recorded
