"""The demo county's program operations: adopted planning models with some activities done,
an intercept map, training records and shifts, a naloxone ledger, community events and some
anonymous participant feedback. Synthetic; idempotent (each part runs once)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deflect.accounts.models import Agency, User
from deflect.accounts.system import dangerously_as_system
from deflect.community.models import Event
from deflect.community.services import event_record
from deflect.encounters.models import Encounter
from deflect.feedback.models import FeedbackResponse
from deflect.naloxone.models import LedgerEntry, LocationKind, Movement
from deflect.naloxone.services import location_save, lot_get_or_create, movement_record
from deflect.planning import services as planning
from deflect.planning.models import ActivityStatus, ModelAdoption
from deflect.programs.models import Program
from deflect.training import services as training
from deflect.training.models import Course

COURSES = [
    ("Substance use disorders and treatment options", "sud_treatment", 4, 24),
    ("Naloxone administration", "naloxone", 2, 24),
    ("Crisis intervention team (40-hour)", "cit_40", 40, 36),
    ("Motivational interviewing", "motivational_interviewing", 8, None),
    ("Harm reduction", "harm_reduction", 3, None),
    ("Marlow deflection procedures", "program_procedures", 2, 12),
    ("Implicit bias", "implicit_bias", 4, 24),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _planning(program: Program, today) -> None:
    if ModelAdoption.objects.filter(program=program).exists():
        return
    coordinator = _user("coordinator")
    post = planning.model_adopt(
        actor=dangerously_as_system("demo"), program=program, code="post_overdose"
    )
    planning.model_adopt(actor=dangerously_as_system("demo"), program=program, code="self_referral")
    planning.model_adopt(
        actor=dangerously_as_system("demo"), program=program, code="collaboration_equity"
    )
    plan = {
        "hire_coordinator": ("done", -40, "/staff/", "Coordinator: Morgan Ellis"),
        "protocol_naloxone": ("done", -10, f"/naloxone/{program.pk}/", "Naloxone stock"),
        "train_staff": ("in_progress", 21, f"/training/{program.pk}/", "Training coverage"),
        "mous_treatment": ("in_progress", -5, "", ""),
        "resource_document": ("not_started", 30, "", ""),
    }
    for activity in post.activities.all():
        if activity.code not in plan:
            continue
        status, days, url, label = plan[activity.code]
        planning.activity_update(
            actor=coordinator,
            activity=activity,
            owner=coordinator,
            due_date=today + timedelta(days=days),
            notes="",
            evidence_url=url,
            evidence_label=label,
        )
        if status != ActivityStatus.NOT_STARTED:
            planning.activity_transition(
                actor=dangerously_as_system("demo"), activity=activity, status=status
            )
    for intercept, name in (
        (0, "Harbor Light 24/7 walk-in assessment"),
        (0, "Peer Network recovery coaches"),
        (1, "Crisis intervention team officers on every shift"),
    ):
        planning.intercept_resource_add(
            actor=dangerously_as_system("demo"), program=program, intercept=intercept, name=name
        )
    planning.intercept_gap_add(
        actor=dangerously_as_system("demo"),
        program=program,
        intercept=2,
        description="No screening at first appearance.",
    )
    planning.intercept_gap_add(
        actor=dangerously_as_system("demo"),
        program=program,
        intercept=3,
        description="The jail offers no MOUD.",
    )
    planning.intercept_action_add(
        actor=dangerously_as_system("demo"),
        program=program,
        intercept=3,
        title="Meet the jail's medical contractor about buprenorphine",
        owner=coordinator,
        due_date=today + timedelta(days=45),
    )


def _training(program: Program, today) -> None:
    if Course.objects.filter(program=program).exists():
        return
    courses = {
        topic: training.course_save(
            actor=dangerously_as_system("demo"),
            program=program,
            name=name,
            topic=topic,
            hours=Decimal(hours),
            validity_months=months,
        )
        for name, topic, hours, months in COURSES
    }
    for username, topic, days_ago in (
        ("officer", "naloxone", 100),
        ("officer", "cit_40", 300),
        ("officer", "sud_treatment", 700),  # due for a refresher soon
        ("medic", "naloxone", 30),
        ("dispatcher", "sud_treatment", 60),
        ("outreach", "harm_reduction", 200),
        ("outreach", "motivational_interviewing", 150),
    ):
        training.training_record(
            actor=dangerously_as_system("demo"),
            course=courses[topic],
            user=_user(username),
            completed_on=today - timedelta(days=days_ago),
            certificate_number=f"MC-{topic[:3].upper()}-{days_ago}",
        )
    training.training_policy_update(
        actor=dangerously_as_system("demo"),
        program=program,
        min_officer_share=80,
        min_dispatcher_share=60,
        min_cit_per_shift=1,
    )
    police = Agency.objects.get(name="Marlow City Police Department")
    for name, start, end, members in (
        ("Days", 7, 15, ["officer"]),
        ("Evenings", 15, 23, []),
        ("Nights", 23, 7, []),
    ):
        training.shift_save(
            actor=dangerously_as_system("demo"),
            program=program,
            agency=police,
            name=name,
            starts_at=time(start),
            ends_at=time(end),
            members=[_user(u) for u in members],
        )


def _naloxone(program: Program, today) -> None:
    if LedgerEntry.objects.filter(program=program).exists():
        return
    police = Agency.objects.get(name="Marlow City Police Department")
    fire = Agency.objects.get(name="Marlow Fire & EMS")
    central = location_save(
        actor=dangerously_as_system("demo"),
        program=program,
        name="County central stock",
        kind="central",
        reorder_threshold=50,
    )
    station = location_save(
        actor=dangerously_as_system("demo"),
        program=program,
        name="MCPD Station 1",
        kind="station",
        agency=police,
        reorder_threshold=10,
    )
    medic = location_save(
        actor=dangerously_as_system("demo"),
        program=program,
        name="Medic 3",
        kind="vehicle",
        agency=fire,
        reorder_threshold=4,
    )
    kit = location_save(
        actor=dangerously_as_system("demo"),
        program=program,
        name="Officer Reyes (kit)",
        kind=LocationKind.OFFICER,
        agency=police,
        holder=_user("officer"),
        reorder_threshold=2,
    )
    fresh = lot_get_or_create(
        program=program,
        product="nasal_4mg",
        lot_number="NX-2611",
        expires_on=today + timedelta(days=420),
    )
    old = lot_get_or_create(
        program=program,
        product="nasal_4mg",
        lot_number="NX-2501",
        expires_on=today + timedelta(days=40),
    )
    strong = lot_get_or_create(
        program=program,
        product="nasal_8mg",
        lot_number="KL-0907",
        expires_on=today + timedelta(days=600),
    )
    ago = timezone.now() - timedelta(days=60)

    def move(kind, location, lot, quantity, **extra):
        movement_record(
            actor=dangerously_as_system("demo"),
            program=program,
            kind=kind,
            location=location,
            lot=lot,
            quantity=quantity,
            occurred_at=extra.pop("when", ago),
            **extra,
        )

    move(Movement.ACQUIRED, central, fresh, 144, source="grant")
    move(Movement.ACQUIRED, central, old, 24, source="free_program")
    move(Movement.ACQUIRED, central, strong, 24, source="purchase")
    move(Movement.ISSUED, central, fresh, 8, to_location=station)
    move(Movement.ISSUED, central, old, 6, to_location=medic)
    move(Movement.ISSUED, central, fresh, 3, to_location=kit)
    move(Movement.DISTRIBUTED, kit, fresh, 1, channel="leave_behind", when=ago + timedelta(days=9))
    move(Movement.DISPOSED, medic, old, 1, disposal_reason="damaged", when=ago + timedelta(days=20))


def _administered(program: Program) -> None:
    """Kits taken from the officer's kit for overdose encounters, once there are some."""
    if LedgerEntry.objects.filter(program=program, kind=Movement.ADMINISTERED).exists():
        return
    kit = program.naloxone_locations.filter(kind=LocationKind.OFFICER).first()
    if kit is None:
        return
    encounters = Encounter.objects.filter(
        program=program, overdose__naloxone_doses_responder__gt=0
    ).order_by("-occurred_at")[:2]
    lot = program.naloxone_lots.get(lot_number="NX-2611")
    for encounter in encounters:
        movement_record(
            actor=dangerously_as_system("demo"),
            program=program,
            kind=Movement.ADMINISTERED,
            location=kit,
            lot=lot,
            quantity=1,
            encounter=encounter,
            occurred_at=encounter.occurred_at,
        )


def _community(program: Program, today) -> None:
    if Event.objects.filter(program=program).exists():
        return
    central = program.naloxone_locations.get(name="County central stock")
    lot = program.naloxone_lots.get(lot_number="NX-2611")
    now = timezone.now()
    event_record(
        actor=dangerously_as_system("demo"),
        program=program,
        kind="drop_in_center",
        title="Tuesday drop-in center",
        starts_at=now - timedelta(days=14),
        place="First Parish Hall, Main St",
        partners="\n".join(
            [
                "Northside Recovery Center",
                "Harbor Light Behavioral Health",
                "Marlow Peer Recovery Network",
            ]
        ),
        attendance=22,
        people_trained=14,
        kits=12,
        kit_location=central,
        kit_lot=lot,
        notes="Two people asked for same-day assessment.",
    )
    event_record(
        actor=dangerously_as_system("demo"),
        program=program,
        kind="public_information",
        title="What the deflection program is (town hall)",
        starts_at=now - timedelta(days=30),
        place="Marlow Public Library",
        partners="Marlow City Police Department",
        attendance=40,
        people_trained=0,
    )


def _feedback(program: Program, today) -> None:
    if FeedbackResponse.objects.filter(program=program).exists():
        return
    answers = [
        (5, "yes", "en", "Nothing, the officer stayed until the peer came."),
        (4, "yes", "es", "Información en español desde el principio."),
        (2, "partly", "en", "A ride to the clinic the same day."),
        (4, "yes", "en", ""),
        (3, "no", "en", "Someone to call back after the weekend."),
    ]
    FeedbackResponse.objects.bulk_create(
        FeedbackResponse(
            program=program,
            treated=t,
            timely=timely,
            language=lang,
            would_have_helped=text,
            submitted_on=today - timedelta(days=3 * i),
        )
        for i, (t, timely, lang, text) in enumerate(answers)
    )


@transaction.atomic
def demo_operations_load(program_name: str) -> None:
    program = Program.objects.get(name=program_name)
    today = timezone.localdate()
    _planning(program, today)
    _training(program, today)
    _naloxone(program, today)
    _administered(program)
    _community(program, today)
    _feedback(program, today)
