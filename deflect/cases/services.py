"""Writes for cases and charges in abeyance. ``case_transition`` is the only writer of
``Case.status``; abeyance conditions and the disposition move only through the functions here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import (
    acting_agency,
    atomic_service,
    can,
    deny,
    get_for,
    program_staff,
    require,
    require_owner,
    visible_to,
)
from deflect.accounts.models import AgencyKind, User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, InvalidTransition, ValidationFailed
from deflect.encounters.models import Encounter
from deflect.followups.models import Trigger
from deflect.followups.services import followups_schedule
from deflect.people.models import Person
from deflect.programs.models import Program, ProgramAgency
from deflect.referrals.models import Referral

from . import pipeline, rules
from .errors import CaseErrorCode
from .models import (
    NEED_STATUSES,
    AbeyanceCase,
    AbeyanceProgress,
    Case,
    CaseNeed,
    CaseNote,
    CaseStatus,
    CaseStatusChange,
    Disposition,
    GoalStatus,
    NeedKind,
    NoteKind,
    PlanGoal,
    PlanTask,
    ProgressKind,
    ProsecutorAbeyance,
)

CASE_PIPELINE = pipeline.PIPELINE
REASON_REQUIRED = pipeline.REASON_REQUIRED


def _staff_of_program(
    user_id: int | None, program: Program, field: str, problems: dict
) -> User | None:
    if user_id is None:
        return None
    user = program_staff(program).filter(pk=user_id).first()
    if user is None:
        problems[field] = ["Not staff of this program."]
    return user


@atomic_service
def case_open(
    *,
    actor: User,
    person_id: int,
    care_coordinator_id: int | None = None,
    peer_specialist_id: int | None = None,
    encounter_id: int | None = None,
    referral_id: int | None = None,
) -> Case:
    """Enroll a person in the program (one active case per person)."""
    require(actor, caps.CASE_MANAGE)
    person = get_for(actor, Person, person_id, caps.CASE_MANAGE)
    agency = acting_agency(actor, person.program, caps.CASE_MANAGE)
    problems: dict[str, list[str]] = {}
    if agency is None:
        problems["person_id"] = ["You cannot open cases in this program."]
    coordinator = _staff_of_program(
        care_coordinator_id, person.program, "care_coordinator_id", problems
    )
    peer = _staff_of_program(peer_specialist_id, person.program, "peer_specialist_id", problems)
    encounter = referral = None
    if encounter_id is not None:
        encounter = get_for(actor, Encounter, encounter_id)
        if encounter.person_id != person.pk:
            problems["encounter_id"] = ["That encounter is about someone else."]
    if referral_id is not None:
        referral = get_for(actor, Referral, referral_id)
        if referral.person_id != person.pk:
            problems["referral_id"] = ["That referral is about someone else."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    assert agency is not None  # else ``problems`` named it
    if Case.objects.filter(person=person, status=CaseStatus.ACTIVE).exists():
        raise Conflict(
            "This person already has an active case.",
            fields={"person_id": ["Already enrolled."]},
            code=CaseErrorCode.ALREADY_ACTIVE,
        )
    now = timezone.now()
    case = Case.objects.create(
        program=person.program,
        person=person,
        agency=agency,
        encounter=encounter,
        referral=referral,
        care_coordinator=coordinator or actor,
        peer_specialist=peer,
        opened_at=now,
        opened_by=actor,
    )
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.ACTIVE, actor=actor, at=now
    )
    AbeyanceCase.objects.filter(person=person, case__isnull=True, disposition="").update(case=case)
    audit_record(
        action=Action.CASE_OPEN,
        actor=actor,
        target=case,
        agency=agency,
        extra={"person_id": person.pk},
    )
    return case


@atomic_service
def case_transition(*, actor: User, case: Case, to: str, reason: str = "") -> Case:
    require_owner(actor, caps.CASE_MANAGE, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = (reason or "").strip()[:500]
    if to not in CASE_PIPELINE.get(case.status, {}):
        raise InvalidTransition(
            f"A {case.status} case cannot become {to}.",
            fields={"status": ["Not allowed."]},
            code=pipeline.CASE.code,
        )
    if to in REASON_REQUIRED and not reason:
        raise ValidationFailed("Give a reason.", fields={"reason": ["Required for this status."]})
    now = timezone.now()
    case.status_reason = reason
    case.closed_at = None if to == CaseStatus.ACTIVE else now
    transition(
        case,
        to,
        actor=actor,
        party=pipeline.CASE_MANAGER,
        reason=reason,
        at=now,
        also=["status_reason", "closed_at"],
        extra={"person_id": case.person_id},
    )
    if to == CaseStatus.COMPLETED:
        followups_schedule(
            program=case.program, person=case.person, trigger=Trigger.COMPLETION, anchor=now
        )
    return case


@atomic_service
def case_note_add(*, actor: User, case: Case, kind: str, text: str) -> CaseNote:
    """A note; clinical notes need CLINICAL_VIEW to write (and to read)."""
    require_owner(actor, caps.CASE_MANAGE, case)
    if kind not in NoteKind.values:
        raise ValidationFailed("Choose the kind of note.", fields={"kind": ["Invalid."]})
    if kind == NoteKind.CLINICAL and not can(actor, caps.CLINICAL_VIEW, case.person):
        raise deny(actor, caps.CLINICAL_VIEW, case, "clinical note")
    text = (text or "").strip()
    if not text or len(text) > 10000:
        raise ValidationFailed(
            "Write the note (up to 10,000 characters).", fields={"text": ["Required."]}
        )
    agency = acting_agency(actor, case.program, caps.CASE_MANAGE)
    assert agency is not None  # whoever may manage the case acts for an agency of its program
    note = CaseNote.objects.create(
        case=case, kind=kind, text=text, author=actor, author_agency=agency
    )
    audit_record(
        action=Action.CASE_NOTE_ADD,
        actor=actor,
        target=case,
        extra={"kind": kind, "person_id": case.person_id},
    )
    return note


@atomic_service
def plan_goal_add(*, actor: User, case: Case, description: str) -> PlanGoal:
    require_owner(actor, caps.CASE_MANAGE, case)
    description = (description or "").strip()
    if not description or len(description) > 300:
        raise ValidationFailed("Describe the goal.", fields={"description": ["Required."]})
    goal = PlanGoal.objects.create(case=case, description=description)
    audit_record(action=Action.CASE_UPDATE, actor=actor, target=case, extra={"goal": goal.pk})
    return goal


@atomic_service
def plan_task_add(
    *, actor: User, goal: PlanGoal, description: str, due_on: dt.date | None = None
) -> PlanTask:
    require_owner(actor, caps.CASE_MANAGE, goal.case)
    description = (description or "").strip()
    if not description or len(description) > 300:
        raise ValidationFailed("Describe the task.", fields={"description": ["Required."]})
    task = PlanTask.objects.create(goal=goal, description=description, due_on=due_on)
    audit_record(action=Action.CASE_UPDATE, actor=actor, target=goal.case, extra={"task": task.pk})
    return task


@atomic_service
def plan_task_complete(*, actor: User, task: PlanTask) -> PlanTask:
    require_owner(actor, caps.CASE_MANAGE, task.goal.case)
    if task.completed_at is None:
        task.completed_at = timezone.now()
        task.save(update_fields=["completed_at", "updated_at"])
        goal = task.goal
        if not goal.tasks.filter(completed_at__isnull=True).exists():
            goal.status = GoalStatus.MET
            goal.save(update_fields=["status", "updated_at"])
        audit_record(
            action=Action.CASE_UPDATE, actor=actor, target=goal.case, extra={"task_done": task.pk}
        )
    return task


@atomic_service
def case_need_set(
    *,
    actor: User,
    case: Case,
    kind: str,
    status: str,
    detail: str = "",
    referral_id: int | None = None,
) -> CaseNeed:
    """Record a need (insurance, legal, transportation, housing, family) and where it stands."""
    require_owner(actor, caps.CASE_MANAGE, case)
    if kind not in NeedKind.values:
        raise ValidationFailed("Choose the need.", fields={"kind": ["Invalid."]})
    allowed = [value for value, _ in NEED_STATUSES[kind]]
    if status not in allowed:
        raise ValidationFailed("Choose where it stands.", fields={"status": [f"One of {allowed}."]})
    referral = None
    if referral_id is not None:
        referral = get_for(actor, Referral, referral_id)
        if referral.person_id != case.person_id:
            raise ValidationFailed(
                "That referral is about someone else.", fields={"referral_id": ["Wrong person."]}
            )
    need, _ = CaseNeed.objects.update_or_create(
        case=case,
        kind=kind,
        defaults={"status": status, "detail": (detail or "").strip()[:500], "referral": referral},
    )
    audit_record(
        action=Action.CASE_UPDATE, actor=actor, target=case, extra={"need": kind, "status": status}
    )
    return need


# --- charges in abeyance -------------------------------------------------------------------


def abeyance_open_from_encounter(*, actor: User, encounter: Any, detail: Any) -> AbeyanceCase:
    """Called inside ``encounter_create``'s transaction: the held charges, citation, conditions
    and deadline come from the officer-intervention detail."""
    charges = [
        {"statute": o.statute, "description": o.description, "level": o.level}
        for o in detail.offenses.all()
    ]
    # The office the officer named (checked when the encounter was recorded), else the
    # program's (only) prosecutor's office.
    prosecutor_agency = detail.prosecutor_agency
    if prosecutor_agency is None:
        link = (
            ProgramAgency.objects.filter(
                program=encounter.program, agency__kind=AgencyKind.PROSECUTOR
            )
            .select_related("agency")
            .order_by("agency__name")
            .first()
        )
        prosecutor_agency = link.agency if link else None
    deadline = detail.abeyance_deadline or (encounter.occurred_at.date() + dt.timedelta(days=90))
    abeyance = AbeyanceCase.objects.create(
        program=encounter.program,
        person=encounter.person,
        encounter=encounter,
        case=Case.objects.filter(person=encounter.person, status=CaseStatus.ACTIVE).first(),
        prosecutor_agency=prosecutor_agency,
        charges=charges,
        citation_number=detail.citation_number,
        conditions_text=detail.abeyance_conditions,
        requires_treatment=True,
        deadline=deadline,
    )
    audit_record(
        action=Action.ABEYANCE_OPEN,
        actor=actor,
        target=abeyance,
        extra={"person_id": encounter.person_id, "encounter_id": encounter.pk},
    )
    return abeyance


def hours_done(abeyance: AbeyanceCase) -> Decimal:
    total = abeyance.progress.filter(kind=ProgressKind.SERVICE_HOURS).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0")


def conditions_of(abeyance: AbeyanceCase, hours: Decimal | None = None) -> rules.Conditions:
    return rules.Conditions(
        requires_treatment=abeyance.requires_treatment,
        treatment_met=abeyance.treatment_condition_met_at is not None,
        requires_plan=abeyance.requires_service_plan,
        plan_met=abeyance.plan_condition_met_at is not None,
        hours_required=abeyance.community_service_hours_required,
        hours_done=hours_done(abeyance) if hours is None else hours,
        marked_not_met=abeyance.conditions_not_met_at is not None,
        deadline=abeyance.deadline,
        disposed=bool(abeyance.disposition),
    )


@atomic_service
def abeyance_set_conditions(
    *,
    actor: User,
    abeyance: AbeyanceCase,
    requires_treatment: bool,
    requires_service_plan: bool,
    community_service_hours_required: Decimal | int | str,  # a number, or as typed in the form
    deadline: dt.date,
    conditions_text: str = "",
) -> AbeyanceCase:
    require(actor, caps.ABEYANCE_MANAGE, abeyance)
    _not_disposed(abeyance)
    try:
        hours = Decimal(str(community_service_hours_required))
    except (InvalidOperation, ValueError):
        hours = Decimal("-1")
    if not hours.is_finite():
        hours = Decimal("-1")
    problems = {}
    if hours < 0 or hours > 2000:
        problems["community_service_hours_required"] = ["Between 0 and 2000 hours."]
    if deadline is None:
        problems["deadline"] = ["Give the deadline."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    abeyance.requires_treatment = requires_treatment
    abeyance.requires_service_plan = requires_service_plan
    abeyance.community_service_hours_required = hours
    abeyance.deadline = deadline
    abeyance.conditions_text = (conditions_text or "").strip()[:2000]
    abeyance.save()
    audit_record(
        action=Action.ABEYANCE_PROGRESS, actor=actor, target=abeyance, extra={"conditions": True}
    )
    return abeyance


def _not_disposed(abeyance: AbeyanceCase) -> None:
    if abeyance.disposition:
        raise InvalidTransition(
            "The disposition is recorded; the case is closed.",
            fields={"disposition": ["Closed."]},
            code=CaseErrorCode.ABEYANCE_DISPOSED,
        )


@atomic_service
def abeyance_progress_record(
    *,
    actor: User,
    abeyance: AbeyanceCase,
    kind: str,
    hours: Decimal | int | str = 0,  # a number, or as typed in the form
    on: dt.date | None = None,
    note: str = "",
) -> AbeyanceProgress:
    """The case manager logs service hours, a condition met or not met, or a progress note."""
    require(actor, caps.ABEYANCE_MANAGE, abeyance)
    abeyance = AbeyanceCase.objects.select_for_update().get(pk=abeyance.pk)
    _not_disposed(abeyance)
    today = timezone.localdate()
    on = on or today
    problems: dict[str, list[str]] = {}
    if kind not in ProgressKind.values:
        problems["kind"] = ["Choose what to record."]
    try:
        hours = Decimal(str(hours or 0))
    except (InvalidOperation, ValueError):
        hours = Decimal("-1")
    if not hours.is_finite():
        hours = Decimal("-1")
    if kind == ProgressKind.SERVICE_HOURS and not (Decimal("0") < hours <= Decimal("24")):
        problems["hours"] = ["Between 0 and 24 hours a day."]
    elif kind != ProgressKind.SERVICE_HOURS:
        hours = Decimal("0")
    if on > today:
        problems["on"] = ["The date is in the future."]
    if len(note or "") > 500:
        problems["note"] = ["Keep it under 500 characters."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    now = timezone.now()
    if kind == ProgressKind.TREATMENT_MET:
        abeyance.treatment_condition_met_at = now
    elif kind == ProgressKind.PLAN_MET:
        abeyance.plan_condition_met_at = now
    elif kind == ProgressKind.NOT_MET:
        abeyance.conditions_not_met_at = now
    abeyance.save()
    progress = AbeyanceProgress.objects.create(
        abeyance=abeyance,
        kind=kind,
        hours=hours,
        on=on,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        action=Action.ABEYANCE_PROGRESS,
        actor=actor,
        target=abeyance,
        extra={"kind": kind, "person_id": abeyance.person_id},
    )
    return progress


@atomic_service
def abeyance_dispose(
    *,
    actor: User,
    abeyance: AbeyanceCase,
    disposition: str,
    note: str = "",
    correction_reason: str = "",
) -> AbeyanceCase:
    """The prosecutor records the disposition: charges dropped or referred for prosecution.

    A recorded disposition is never edited in place: a later entry with ``correction_reason``
    replaces it, and the audit log keeps the disposition it corrected and why.
    """
    visible = visible_to(actor, ProsecutorAbeyance, caps.ABEYANCE_DISPOSE).filter(pk=abeyance.pk)
    if not visible.exists():
        raise deny(actor, caps.ABEYANCE_DISPOSE, abeyance, "not this office's case")
    abeyance = AbeyanceCase.objects.select_for_update().get(pk=abeyance.pk)
    reason = (correction_reason or "").strip()[:500]
    previous = abeyance.disposition
    if previous and not reason:
        _not_disposed(abeyance)
    if disposition not in Disposition.values:
        raise ValidationFailed("Choose the disposition.", fields={"disposition": ["Choose one."]})
    if previous and disposition == previous:
        raise ValidationFailed(
            "That is already the recorded disposition.",
            fields={"disposition": ["Choose a different disposition to correct it."]},
        )
    status = rules.compliance_status(conditions_of(abeyance), today=timezone.localdate())
    abeyance.disposition = disposition
    abeyance.disposition_note = (reason if previous else (note or "").strip())[:500]
    abeyance.disposed_at = timezone.now()
    abeyance.disposed_by = actor
    abeyance.save()
    extra = {"disposition": disposition, "status_at_disposition": status}
    if previous:
        extra["corrected_from"] = previous
    audit_record(action=Action.ABEYANCE_DISPOSE, actor=actor, target=abeyance, extra=extra)
    return abeyance
