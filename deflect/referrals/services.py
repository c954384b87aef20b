"""Writes for referrals. ``referral_transition`` is the only writer of ``Referral.status`` after
creation; sending (draft → requested) discloses the minimum necessary to the provider, only
under a consent in force that names the provider's agency and the purpose, and writes the
disclosure ledger in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.disclosure import ledger_record
from deflect.access.policy import (
    acting_agency,
    atomic_service,
    can,
    deny,
    get_for,
    require,
    require_owner,
    visible_to,
)
from deflect.accounts.models import Agency, User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, DomainError, InvalidTransition, ValidationFailed
from deflect.core.models import LevelOfCare
from deflect.encounters.models import Encounter
from deflect.followups.services import followups_after_placement
from deflect.people.errors import ConsentErrorCode
from deflect.people.models import ConsentPurpose, InformationCategory, Person
from deflect.people.selectors import consent_allows
from deflect.programs.models import Program
from deflect.resources.models import Service, ServiceStatus

from . import pipeline
from .models import (
    Disclosure,
    Handoff,
    InboundReferral,
    Referral,
    ReferralEvent,
    ReferralSettings,
    ReferralStatus,
    Transport,
)
from .notice import REDISCLOSURE_NOTICE

# A referral discloses under a consent for one of these purposes, tried in this order.
REFERRAL_PURPOSES = (ConsentPurpose.CARE_COORDINATION, ConsentPurpose.TREATMENT)
MAX_RESPONSE_MINUTES = 14 * 24 * 60


class ConsentRequired(DomainError):
    """No consent in force allows this disclosure; nothing was sent."""

    code = ConsentErrorCode.CONSENT_REQUIRED
    status = 409


@dataclass(frozen=True)
class ReferralResult:
    referral: Referral
    created: bool


def _clean_times(
    departed_at: dt.datetime | None, arrived_at: dt.datetime | None, now: dt.datetime
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, value in (("departed_at", departed_at), ("arrived_at", arrived_at)):
        if value is None:
            continue
        if timezone.is_naive(value):
            problems.setdefault(name, []).append("Give the time with its time zone.")
        elif value > now + dt.timedelta(minutes=5):
            problems.setdefault(name, []).append("The time is in the future.")
    if departed_at and arrived_at and not problems and arrived_at < departed_at:
        problems.setdefault("arrived_at", []).append("Arrival cannot be before departure.")
    return problems


def referral_create(
    *,
    actor: User,
    person_id: int,
    service_id: Any,
    need: str,
    level_of_care: str = "",
    encounter_id: int | None = None,
    case_id: int | None = None,
    handoff: str = Handoff.NONE,
    transport: str = Transport.NONE,
    departed_at: dt.datetime | None = None,
    arrived_at: dt.datetime | None = None,
    response_due_minutes: int | None = None,
    client_uuid: uuid.UUID | None = None,
    send: bool = True,
) -> ReferralResult:
    """Create a referral (a draft) and, unless ``send`` is false, send it. Idempotent per
    ``client_uuid``: the same key by the same requester answers the referral already made."""
    require(actor, caps.REFERRAL_CREATE)
    client_uuid = client_uuid or uuid.uuid4()
    submitted = {
        "person_id": person_id,
        "service_id": service_id,
        "need": need,
        "level_of_care": level_of_care,
        "encounter_id": encounter_id,
        "case_id": case_id,
        "handoff": handoff,
        "transport": transport,
        "departed_at": departed_at,
        "arrived_at": arrived_at,
        "response_due_minutes": response_due_minutes,
    }
    existing = Referral.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if not _is_replay_of(existing, actor=actor, submitted=submitted):
            raise Conflict(
                "This submission id was already used for a different referral.",
                fields={"client_uuid": ["Already used with different content."]},
            )
        if send and existing.status == ReferralStatus.DRAFT:
            # A retry after the consent gate refused: try sending the same draft again.
            existing = referral_transition(
                actor=actor, referral=existing, to=ReferralStatus.REQUESTED
            )
        return ReferralResult(existing, created=False)
    person = get_for(actor, Person, person_id, caps.REFERRAL_CREATE)
    problems: dict[str, list[str]] = {}
    need = (need or "").strip()
    if not need:
        problems["need"] = ["Say what the person needs."]
    elif len(need) > 500:
        problems["need"] = ["Keep it under 500 characters."]
    if level_of_care and level_of_care not in LevelOfCare.values:
        problems["level_of_care"] = ["Not a level of care."]
    if handoff not in Handoff.values:
        problems["handoff"] = ["Choose how the person was handed over."]
    if transport not in Transport.values:
        problems["transport"] = ["Choose who transported the person."]
    minutes = (
        response_minutes_for(person.program)
        if response_due_minutes is None
        else response_due_minutes
    )
    if not 5 <= minutes <= MAX_RESPONSE_MINUTES:
        problems["response_due_minutes"] = ["Between 5 minutes and 14 days."]
    now = timezone.now()
    problems |= _clean_times(departed_at, arrived_at, now)
    service_uuid = _uuid_or_none(service_id)
    service = (
        None
        if service_uuid is None
        else Service.objects.select_related("organization").filter(pk=service_uuid).first()
    )
    if service is None:
        problems["service_id"] = ["Choose a service from the directory."]
    elif service.status != ServiceStatus.ACTIVE:
        problems["service_id"] = ["That service is not active."]
    elif service.organization.agency_id is None:
        problems["service_id"] = [
            "That organization does not take referrals through deflect yet; call them."
        ]
    encounter = None
    if encounter_id is not None:
        encounter = get_for(actor, Encounter, encounter_id)
        if encounter.person_id != person.pk:
            problems["encounter_id"] = ["That encounter is about someone else."]
    case = None
    if case_id is not None:
        from deflect.cases.models import Case  # noqa: PLC0415  # cycle: cases imports referrals

        case = get_for(actor, Case, case_id)
        if case.person_id != person.pk:
            problems["case_id"] = ["That case is about someone else."]
    agency = acting_agency(actor, person.program, caps.REFERRAL_CREATE)
    if agency is None:
        problems["person_id"] = ["You cannot refer people of this program."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    assert service is not None and agency is not None  # else ``problems`` named them
    try:
        referral = _referral_insert(
            actor=actor,
            client_uuid=client_uuid,
            person=person,
            service=service,
            agency=agency,
            encounter=encounter,
            case=case,
            need=need,
            level_of_care=level_of_care,
            handoff=handoff,
            transport=transport,
            departed_at=departed_at,
            arrived_at=arrived_at,
            minutes=minutes,
            now=now,
        )
    except IntegrityError:
        # A copy of the same submission won the race: a replay if the content is the same.
        existing = Referral.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        if not _is_replay_of(existing, actor=actor, submitted=submitted):
            raise Conflict(
                "This submission id was already used for a different referral.",
                fields={"client_uuid": ["Already used with different content."]},
            ) from None
        return ReferralResult(existing, created=False)
    if send:
        referral = referral_transition(actor=actor, referral=referral, to=ReferralStatus.REQUESTED)
    return ReferralResult(referral, created=True)


def _is_replay_of(existing: Referral, *, actor: User, submitted: dict[str, Any]) -> bool:
    """Whether a submission under ``existing``'s client key is the same referral sent again
    (same requester, same content), rather than a different one reusing the key. Fields the
    client left to the server (the response time) match whatever the server chose."""
    minutes = submitted["response_due_minutes"]
    return (
        existing.requested_by_id == actor.pk
        and str(existing.person_id) == str(submitted["person_id"])
        and str(existing.service_id) == str(submitted["service_id"])
        and existing.need == (submitted["need"] or "").strip()
        and existing.level_of_care == (submitted["level_of_care"] or "")
        and _same_id(existing.encounter_id, submitted["encounter_id"])
        and _same_id(existing.case_id, submitted["case_id"])
        and existing.handoff == submitted["handoff"]
        and existing.transport == submitted["transport"]
        and existing.departed_at == submitted["departed_at"]
        and existing.arrived_at == submitted["arrived_at"]
        and (minutes is None or existing.response_due_minutes == minutes)
    )


def _same_id(stored: int | None, submitted: Any) -> bool:
    return (stored is None and submitted in (None, "")) or str(stored) == str(submitted)


def response_minutes_for(program: Program) -> int:
    """The program's default time for a provider to answer (120 minutes unless set)."""
    setting = ReferralSettings.objects.filter(program=program).first()
    return setting.response_minutes if setting else 120


@atomic_service
def referral_settings_update(
    *, actor: User, program: Program, response_minutes: Any
) -> ReferralSettings:
    require(actor, caps.FOLLOWUP_CONFIGURE, program)
    try:
        minutes = int(response_minutes)
    except (TypeError, ValueError):
        minutes = -1
    if not 5 <= minutes <= MAX_RESPONSE_MINUTES:
        raise ValidationFailed(
            "Some fields are missing or invalid.",
            fields={"response_minutes": ["Between 5 minutes and 14 days (20160 minutes)."]},
        )
    setting, _ = ReferralSettings.objects.update_or_create(
        program=program, defaults={"response_minutes": minutes}
    )
    audit_record(
        action=Action.PROGRAM_UPDATE,
        actor=actor,
        target=program,
        extra={"referral_response_minutes": minutes},
    )
    return setting


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


@atomic_service
def _referral_insert(
    *,
    actor: User,
    client_uuid: uuid.UUID,
    person: Person,
    service: Service,
    agency: Agency,
    encounter: Encounter | None,
    case: Any,  # a cases.Case or None (cases reads referrals; the import would close a cycle)
    need: str,
    level_of_care: str,
    handoff: str,
    transport: str,
    departed_at: dt.datetime | None,
    arrived_at: dt.datetime | None,
    minutes: int,
    now: dt.datetime,
) -> Referral:
    recipient_agency_id = service.organization.agency_id
    assert recipient_agency_id is not None  # referral_create refuses a service without one
    referral = Referral.objects.create(
        client_uuid=client_uuid,
        program=person.program,
        person=person,
        encounter=encounter,
        case=case,
        service=service,
        recipient_agency_id=recipient_agency_id,
        requesting_agency=agency,
        requested_by=actor,
        status=ReferralStatus.DRAFT,
        status_changed_at=now,
        need=need,
        level_of_care=level_of_care,
        response_due_minutes=minutes,
        handoff=handoff,
        transport=transport,
        departed_at=departed_at,
        arrived_at=arrived_at,
    )
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=ReferralStatus.DRAFT,
        party=pipeline.REQUESTER,
        actor=actor,
        at=now,
    )
    audit_record(
        action=Action.REFERRAL_CREATE,
        actor=actor,
        target=referral,
        agency=agency,
        extra={"person_id": person.pk, "service_id": str(service.pk)},
    )
    return referral


def party_of(actor: User, referral: Referral, target: str) -> str:
    """Which side ``actor`` acts for in moving ``referral`` to ``target``: the party the
    pipeline names for that move, if the actor holds that side's capability on the referral."""
    needed = pipeline.PIPELINE.get(referral.status, {}).get(target)
    if needed == pipeline.PROVIDER and _is_provider_for(actor, referral):
        return pipeline.PROVIDER
    if needed == pipeline.REQUESTER and can(actor, caps.REFERRAL_CREATE, referral):
        return pipeline.REQUESTER
    if _is_provider_for(actor, referral):
        return pipeline.PROVIDER
    return pipeline.REQUESTER


def _is_provider_for(actor: User, referral: Referral) -> bool:
    return visible_to(actor, InboundReferral).filter(pk=referral.pk).exists()


@atomic_service
def referral_transition(
    *,
    actor: User,
    referral: Referral,
    to: str,
    reason: str = "",
    intake_at: dt.datetime | None = None,
    note: str = "",
) -> Referral:
    """The only writer of ``Referral.status``: checks the move against ``pipeline.PIPELINE``
    for the actor's side, writes a history row and the audit event. Sending (→ requested)
    goes through the consent gate and the disclosure ledger."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    party = party_of(actor, referral, to)
    if party == pipeline.PROVIDER:
        if not _is_provider_for(actor, referral):
            raise deny(actor, caps.REFERRAL_RECEIVE, referral, "not the referral's recipient")
    else:
        require_owner(actor, caps.REFERRAL_CREATE, referral)
    reason = (reason or "").strip()[:500]
    problem = pipeline.transition_problem(referral.status, to, party, reason)
    if problem:
        raise InvalidTransition(problem, fields={"status": [problem]}, code=pipeline.REFERRAL.code)
    now = timezone.now()
    if to == ReferralStatus.IN_PROGRESS:
        intake_at = intake_at or now
        if timezone.is_naive(intake_at) or intake_at > now + dt.timedelta(minutes=5):
            raise ValidationFailed(
                "Give the intake time with its time zone, not in the future.",
                fields={"intake_at": ["Invalid intake time."]},
            )
        if referral.sent_at and intake_at < referral.sent_at - dt.timedelta(days=1):
            raise ValidationFailed(
                "The intake cannot be long before the referral was sent.",
                fields={"intake_at": ["Before the referral."]},
            )
        referral.intake_at = intake_at
        if note:
            referral.intake_note = note.strip()[:5000]
    elif note and party == pipeline.PROVIDER:
        referral.provider_note = "\n".join(p for p in (referral.provider_note, note.strip()) if p)
    if to == ReferralStatus.REQUESTED:
        _disclose(actor=actor, referral=referral, now=now)
        referral.sent_at = now
        referral.response_due_at = now + dt.timedelta(minutes=referral.response_due_minutes)
    if party == pipeline.PROVIDER and referral.responded_at is None:
        referral.responded_at = now
    referral.status_reason = reason
    referral.status_changed_at = now
    referral.save()
    transition(
        referral,
        to,
        actor=actor,
        party=party,
        reason=reason,
        at=now,
        extra={"person_id": referral.person_id},
    )
    if to == ReferralStatus.IN_PROGRESS:
        followups_after_placement(referral=referral, actor=actor)
    return referral


def _disclose(*, actor: User, referral: Referral, now: dt.datetime) -> Disclosure:
    """Check consent at this moment and write what the provider receives, and the ledger row."""
    person = referral.person
    recipient = referral.recipient_agency
    decision = None
    purpose = ""
    for purpose in REFERRAL_PURPOSES:
        decision = consent_allows(person, recipient, purpose, now)
        if decision.allowed:
            break
    if decision is None or not decision.allowed:
        reason = decision.reason if decision else "no consent"
        raise ConsentRequired(
            f"Not sent: {reason}. Record the person's consent to {recipient.name} first.",
            fields={"consent": [reason]},
        )
    consent = decision.consent
    assert consent is not None  # an allowing decision names the consent that allows it
    covered = set(consent.information_categories or ())
    if InformationCategory.REFERRAL not in covered:
        raise ConsentRequired(
            "Not sent: the consent does not cover referral and intake status.",
            fields={"consent": ["Does not cover referrals."]},
        )
    categories = [InformationCategory.REFERRAL]
    person_part: dict[str, Any] = {
        "name": " ".join(p for p in (person.first_name, person.last_name) if p) or str(person),
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "preferred_language": person.preferred_language,
        "needs_interpreter": person.needs_interpreter,
    }
    if InformationCategory.CONTACT in covered:
        categories.append(InformationCategory.CONTACT)
        person_part |= {
            "phone": person.phone,
            "may_text": person.may_text,
            "email": person.email,
            "preferred_contact": person.preferred_contact,
        }
    packet: dict[str, Any] = {
        "person": person_part,
        "need": referral.need,
        "service": referral.service.name,
        "handoff": referral.handoff,
        "transport": referral.transport,
        "departed_at": referral.departed_at.isoformat() if referral.departed_at else None,
        "arrived_at": referral.arrived_at.isoformat() if referral.arrived_at else None,
        "referred_by": referral.requesting_agency.name,
    }
    if InformationCategory.SCREENING in covered and referral.level_of_care:
        categories.append(InformationCategory.SCREENING)
        packet["level_of_care"] = referral.level_of_care
    packet["consent"] = {
        "id": consent.pk,
        "signed_on": timezone.localdate(consent.signed_at).isoformat(),
        "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
        "expiry_event": consent.expiry_event,
        "recipient": consent.recipient_name,
        "purposes": list(consent.purposes),
        "information": consent.information,
        "revocation": consent.revocation_statement,
    }
    packet["categories"] = [str(c) for c in categories]
    packet["notice"] = REDISCLOSURE_NOTICE
    referral.consent = consent
    referral.disclosed = packet
    disclosure = ledger_record(
        actor=actor,
        person=person,
        consent=consent,
        purpose=purpose,
        categories=[str(c) for c in categories],
        referral=referral,
        program=referral.program,
        at=now,
        recipient=recipient,
    )
    assert isinstance(disclosure, Disclosure)  # the ledger's model, named by label in access
    return disclosure


@atomic_service
def referral_update_handoff(
    *,
    actor: User,
    referral: Referral,
    handoff: str,
    transport: str,
    departed_at: dt.datetime | None,
    arrived_at: dt.datetime | None,
) -> Referral:
    """The requester records the warm handoff and transport times."""
    require_owner(actor, caps.REFERRAL_CREATE, referral)
    problems = _clean_times(departed_at, arrived_at, timezone.now())
    if handoff not in Handoff.values:
        problems["handoff"] = ["Choose how the person was handed over."]
    if transport not in Transport.values:
        problems["transport"] = ["Choose who transported the person."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    referral.handoff, referral.transport = handoff, transport
    referral.departed_at, referral.arrived_at = departed_at, arrived_at
    referral.save(update_fields=["handoff", "transport", "departed_at", "arrived_at", "updated_at"])
    audit_record(action=Action.REFERRAL_UPDATE, actor=actor, target=referral)
    return referral


def referrals_flag_no_response(*, now: dt.datetime, chunk: int = 20_000) -> int:
    """Flag every sent referral whose provider has not answered in time, once
    (``no_response_flagged_at = now``); returns how many this call flagged."""
    due = Referral.objects.filter(
        status__in=pipeline.AWAITING_RESPONSE,
        response_due_at__lt=now,
        no_response_flagged_at__isnull=True,
    )
    flagged = 0
    while True:
        ids = list(due.values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        flagged += Referral.objects.filter(pk__in=ids, no_response_flagged_at__isnull=True).update(
            no_response_flagged_at=now
        )
    if flagged:
        audit_record(action=Action.REFERRAL_NO_RESPONSE, extra={"count": flagged})
    return flagged
