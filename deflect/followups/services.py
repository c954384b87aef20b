"""Writes for follow-up: scheduling from policies, attempts, policy changes.
``_followup_transition`` is the only writer of ``FollowUp.status``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, program_staff, require, require_owner
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.core.models import Pathway
from deflect.people.models import Person
from deflect.programs.models import Program

from . import pipeline, rules
from .models import (
    AttemptMethod,
    AttemptResult,
    FollowUp,
    FollowUpAttempt,
    FollowUpPolicy,
    FollowUpStatus,
    NoticePreference,
    OutreachTeam,
    TeamRole,
    Trigger,
)

PIPELINE = pipeline.PIPELINE
# What an attempt's result does to the follow-up it was made for.
RESULT_STATUS: dict[str, str] = {
    AttemptResult.CONTACTED: FollowUpStatus.CONTACTED,
    AttemptResult.DECLINED: FollowUpStatus.CONTACTED,
    AttemptResult.MOVED: FollowUpStatus.CLOSED,
    AttemptResult.DECEASED: FollowUpStatus.CLOSED,
}


def policy_for(
    program: Program, trigger: str, pathway: str = ""
) -> tuple[FollowUpPolicy | None, tuple[rules.Step, ...], str]:
    """The policy that applies (pathway-specific first), its steps and time zone; the
    defaults when the coordinator has set none."""
    candidates = FollowUpPolicy.objects.filter(
        program=program, trigger=trigger, pathway__in=[pathway, ""], is_active=True
    )
    policy = sorted(candidates, key=lambda p: p.pathway != pathway)[0] if candidates else None
    if policy is None:
        return None, rules.DEFAULT_STEPS[trigger], settings.TIME_ZONE
    return policy, rules.steps_from(policy.steps), policy.time_zone


def followups_schedule(
    *,
    program: Program,
    person: Person,
    trigger: str,
    anchor: dt.datetime,
    pathway: str = "",
    encounter: Any = None,
    referral: Any = None,
) -> list[FollowUp]:
    """Create the follow-ups a trigger calls for (inside the caller's transaction)."""
    policy, steps, tz_name = policy_for(program, trigger, pathway)
    windows = rules.due_windows(anchor, steps, tz_name)
    team = policy.team if policy else OutreachTeam.objects.filter(program=program).first()
    rows = [
        FollowUp(
            program=program,
            person=person,
            encounter=encounter,
            referral=referral,
            team=team,
            trigger=trigger,
            step=w.step,
            label=w.label,
            anchor_at=anchor,
            opens_at=w.opens_at,
            due_at=w.due_at,
            contact_required=w.contact_required,
        )
        for w in windows
    ]
    created = FollowUp.objects.bulk_create(rows)
    audit_record(
        action=Action.FOLLOWUP_CREATE,
        target=person,
        extra={"trigger": trigger, "count": len(created), "person_id": person.pk},
    )
    return created


def after_encounter_recorded(*, actor: User, encounter: Any) -> None:
    """Called by ``encounter_create`` inside its transaction: a non-fatal overdose gets its
    follow-up queue entries; charges held in abeyance open an abeyance case."""
    if encounter.needs_post_overdose_followup and encounter.person_id:
        overdose = getattr(encounter, "overdose", None)
        anchor = overdose.overdose_at if overdose is not None else encounter.occurred_at
        followups_schedule(
            program=encounter.program,
            person=encounter.person,
            trigger=Trigger.NONFATAL_OVERDOSE,
            anchor=anchor,
            pathway=encounter.pathway,
            encounter=encounter,
        )
    if encounter.pathway != Pathway.OFFICER_INTERVENTION:
        return
    detail = getattr(encounter, "officer_intervention", None)
    if detail is not None and detail.charges_held_in_abeyance and encounter.person_id:
        from deflect.cases.services import abeyance_open_from_encounter  # noqa: PLC0415  # cycle: cases imports followups

        abeyance_open_from_encounter(actor=actor, encounter=encounter, detail=detail)


def followups_move_to_person(*, encounter: Any, person: Any) -> int:
    """An encounter's person was corrected (e.g. an unidentified survivor identified later):
    its open follow-ups are now the identified person's (inside the caller's transaction)."""
    moved = (
        FollowUp.objects.filter(encounter=encounter, status=FollowUpStatus.OPEN)
        .exclude(person=person)
        .update(person=person)
    )
    if moved:
        audit_record(
            action=Action.FOLLOWUP_CREATE,
            target=person,
            extra={"moved_from_encounter": encounter.pk, "count": moved, "person_id": person.pk},
        )
    return moved


def followups_after_placement(*, referral: Any, actor: User) -> list[FollowUp]:
    """Intake done (referral in progress): the placement check-ins."""
    return followups_schedule(
        program=referral.program,
        person=referral.person,
        trigger=Trigger.PLACEMENT,
        anchor=referral.intake_at or timezone.now(),
        referral=referral,
    )


def _followup_transition(
    *, followup: FollowUp, to: str, actor: User, reason: str = "", at: dt.datetime
) -> FollowUp:
    followup.closed_at = at
    return transition(
        followup,
        to,
        actor=actor,
        party=pipeline.OUTREACH,
        reason=reason,
        at=at,
        also=["closed_at"],
        extra={"person_id": followup.person_id},
    )


def attempt_record(
    *,
    actor: User,
    followup: FollowUp,
    method: str,
    result: str,
    attempted_at: dt.datetime | None = None,
    team_composition: list[str] | tuple[str, ...] = (),
    note: str = "",
    client_uuid: uuid.UUID | None = None,
) -> tuple[FollowUpAttempt, bool]:
    """Log one contact attempt (idempotent per ``client_uuid``) and close the follow-up when
    the result ends it. A death closes every open follow-up of the person."""
    require_owner(actor, caps.FOLLOWUP_WORK, followup)
    client_uuid = client_uuid or uuid.uuid4()
    submitted = {
        "method": method,
        "result": result,
        "attempted_at": attempted_at,
        "team_composition": list(dict.fromkeys(team_composition or ())),
        "note": (note or "").strip(),
    }
    existing = FollowUpAttempt.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return _replay(existing, actor=actor, followup=followup, submitted=submitted), False
    now = timezone.now()
    attempted_at = attempted_at or now
    problems: dict[str, list[str]] = {}
    if method not in AttemptMethod.values:
        problems["method"] = ["Choose how you tried to reach the person."]
    if result not in AttemptResult.values:
        problems["result"] = ["Choose the result."]
    if timezone.is_naive(attempted_at):
        problems["attempted_at"] = ["Give the time with its time zone."]
    elif attempted_at > now + dt.timedelta(minutes=5):
        problems["attempted_at"] = ["The attempt is in the future."]
    elif attempted_at < followup.anchor_at - dt.timedelta(hours=1):
        problems["attempted_at"] = ["The attempt is before the event it follows up."]
    roles = list(dict.fromkeys(team_composition or ()))
    if any(r not in TeamRole.values for r in roles):
        problems["team_composition"] = ["Officer, clinician or peer."]
    if len(note or "") > 500:
        problems["note"] = ["Keep it under 500 characters."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    try:
        return _attempt_insert(
            actor=actor,
            followup=followup,
            client_uuid=client_uuid,
            attempted_at=attempted_at,
            method=method,
            result=result,
            roles=roles,
            note=(note or "").strip(),
        ), True
    except IntegrityError:
        # A copy of the same submission won the race: a replay if the content is the same.
        existing = FollowUpAttempt.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return _replay(existing, actor=actor, followup=followup, submitted=submitted), False


def _replay(
    existing: FollowUpAttempt, *, actor: User, followup: FollowUp, submitted: dict[str, Any]
) -> FollowUpAttempt:
    """``existing`` when the submission is the same attempt sent again (same worker, same
    follow-up, same content); a ``Conflict`` when the key is reused for something else. An
    attempt time the client left to the server matches whatever the server chose."""
    same = (
        existing.followup_id == followup.pk
        and existing.recorded_by_id == actor.pk
        and existing.method == submitted["method"]
        and existing.result == submitted["result"]
        and list(existing.team_composition) == submitted["team_composition"]
        and existing.note == submitted["note"]
        and submitted["attempted_at"] in (None, existing.attempted_at)
    )
    if not same:
        raise Conflict(
            "This submission id was already used for a different attempt.",
            fields={"client_uuid": ["Already used with different content."]},
        )
    return existing


@atomic_service
def _attempt_insert(
    *,
    actor: User,
    followup: FollowUp,
    client_uuid: uuid.UUID,
    attempted_at: dt.datetime,
    method: str,
    result: str,
    roles: list[str],
    note: str,
) -> FollowUpAttempt:
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    attempt = FollowUpAttempt.objects.create(
        client_uuid=client_uuid,
        followup=followup,
        attempted_at=attempted_at,
        method=method,
        result=result,
        team_composition=roles,
        note=note,
        recorded_by=actor,
    )
    target = RESULT_STATUS.get(result)
    if target and followup.status == FollowUpStatus.OPEN:
        _followup_transition(
            followup=followup, to=target, actor=actor, reason=f"attempt: {result}", at=attempted_at
        )
    if result == AttemptResult.DECEASED:
        for other in FollowUp.objects.select_for_update().filter(
            person_id=followup.person_id, status=FollowUpStatus.OPEN
        ):
            _followup_transition(
                followup=other,
                to=FollowUpStatus.CANCELLED,
                actor=actor,
                reason="person deceased",
                at=attempted_at,
            )
    audit_record(
        action=Action.FOLLOWUP_ATTEMPT,
        actor=actor,
        target=followup,
        extra={"person_id": followup.person_id, "method": method, "result": result},
    )
    return attempt


@atomic_service
def policy_update(
    *,
    actor: User,
    program: Program,
    trigger: str,
    steps: list[dict],
    pathway: str = "",
    time_zone: str = "",
    team_id: int | None = None,
) -> FollowUpPolicy:
    """The coordinator sets the follow-up schedule for a trigger (and pathway)."""
    require(actor, caps.FOLLOWUP_CONFIGURE, program)
    problems = rules.steps_problems(steps)
    if trigger not in Trigger.values:
        problems["trigger"] = ["Not a follow-up trigger."]
    if pathway and pathway not in Pathway.values:
        problems["pathway"] = ["Not a pathway."]
    time_zone = time_zone or settings.TIME_ZONE
    try:
        rules.zone(time_zone)
    except ValueError:
        problems["time_zone"] = ["Unknown time zone, e.g. America/Chicago."]
    team = None
    if team_id is not None:
        team = OutreachTeam.objects.filter(pk=team_id, program=program).first()
        if team is None:
            problems["team_id"] = ["Not a team of this program."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    policy, _ = FollowUpPolicy.objects.update_or_create(
        program=program,
        trigger=trigger,
        pathway=pathway,
        defaults={
            "steps": rules.steps_as_dicts(rules.steps_from(steps)),
            "time_zone": time_zone,
            "team": team,
            "is_active": True,
        },
    )
    audit_record(
        action=Action.FOLLOWUP_POLICY_UPDATE,
        actor=actor,
        target=policy,
        extra={"trigger": trigger, "pathway": pathway, "steps": len(steps)},
    )
    return policy


@atomic_service
def team_save(
    *, actor: User, program: Program, name: str, member_ids: list[int], team_id: int | None = None
) -> OutreachTeam:
    """The coordinator creates or changes an outreach team: its name and its members (staff of
    the program's agencies)."""
    require(actor, caps.FOLLOWUP_CONFIGURE, program)

    name = (name or "").strip()
    problems: dict[str, list[str]] = {}
    if not name or len(name) > 120:
        problems["name"] = ["Name the team (up to 120 characters)."]
    staff = program_staff(program).filter(pk__in=member_ids)
    unknown = sorted(set(member_ids) - set(staff.values_list("pk", flat=True)))
    if unknown:
        problems["member_ids"] = [f"Not staff of this program: {unknown}"]
    team = None
    if team_id is not None:
        team = OutreachTeam.objects.filter(pk=team_id, program=program).first()
        if team is None:
            problems["team_id"] = ["Not a team of this program."]
    clash = OutreachTeam.objects.filter(program=program, name=name).exclude(pk=team_id or 0)
    if name and clash.exists():
        problems["name"] = ["Another team has that name."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    if team is None:
        team = OutreachTeam.objects.create(program=program, name=name)
    else:
        team.name = name
        team.save(update_fields=["name", "updated_at"])
    team.members.set(staff)
    audit_record(
        action=Action.FOLLOWUP_TEAM_UPDATE,
        actor=actor,
        target=team,
        extra={"members": sorted(member_ids)},
    )
    return team


def team_ensure(*, program: Program, name: str, members: Sequence[Any] = ()) -> OutreachTeam:
    team, _ = OutreachTeam.objects.get_or_create(program=program, name=name)
    if members:
        team.members.add(*members)
    return team


def _sms_number(raw: str) -> tuple[str, str]:
    """(number, problem): a phone number for text messages, kept as typed but checked for
    10 to 15 digits with an optional leading +."""
    number = " ".join((raw or "").split())
    if not number:
        return "", ""
    if len(number) > 40 or any(ch not in "+0123456789 ()-." for ch in number):
        return number, "Use digits, spaces, dashes or brackets, with an optional leading +."
    digits = sum(ch.isdigit() for ch in number)
    if number.count("+") > 1 or ("+" in number and not number.startswith("+")):
        return number, "A + can only come first."
    if not 10 <= digits <= 15:
        return number, "A mobile number has 10 to 15 digits."
    return number, ""


@atomic_service
def notice_preference_set(*, actor: User, email: bool, sms_number: str) -> NoticePreference:
    """A staff member chooses how reminders reach them: by email (to their account's address)
    and/or by text message to ``sms_number``. Their own setting; audited."""
    require(actor, caps.HOME_VIEW)
    number, problem = _sms_number(sms_number)
    if problem:
        raise ValidationFailed("Check the mobile number.", fields={"sms_number": [problem]})
    preference, _ = NoticePreference.objects.select_for_update().get_or_create(user=actor)
    before = {"email": preference.email, "sms": bool(preference.sms_number)}
    preference.email = bool(email)
    preference.sms_number = number
    preference.save(update_fields=["email", "sms_number", "updated_at"])
    audit_record(
        action=Action.NOTICE_PREFERENCE_UPDATE,
        actor=actor,
        target=preference,
        # Which channels, never the number itself.
        extra={"before": before, "after": {"email": preference.email, "sms": bool(number)}},
    )
    return preference
