"""Writes for encounters. ``encounter_create`` is the only writer of Encounter rows.

Idempotency: every submission carries a client-generated UUID. The same UUID with the same
content returns the encounter already saved (also when two copies race); the same UUID with
different content is a ``Conflict``. The encounter, its pathway details, a new person and the
screenings commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from deflect.access import capabilities as caps
from deflect.access.policy import (
    atomic_service,
    get_for,
    granting_agency_ids,
    program_staff,
    require,
)
from deflect.accounts.models import Agency, AgencyKind, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.core.models import Pathway
from deflect.core.pathways import pathway_get
from deflect.followups.services import after_encounter_recorded
from deflect.people.models import Person
from deflect.people.services import person_create
from deflect.programs.models import Program
from deflect.programs.selectors import prosecutor_offices
from deflect.screening.models import EligibilityScreening, NeedsScreening
from deflect.screening.services import eligibility_facts_from, needs_answers_from, screening_record

from .inputs import DETAIL_FIELDS, EncounterIn
from .models import Encounter
from .sections import SECTIONS

CLOCK_SKEW = dt.timedelta(minutes=5)
OLDEST_LATE_ENTRY = dt.timedelta(days=365)


@dataclass(frozen=True)
class EncounterResult:
    """What ``encounter_create`` did. For a new encounter it also carries the rows written with
    it, so that the answer to the submission needs no second read of them."""

    encounter: Encounter
    created: bool
    detail: Any = None
    eligibility: Any = None
    needs: Any = None


def fields_from_pydantic(error: PydanticValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "__all__"
        message = str(item["msg"]).removeprefix("Value error, ")
        fields.setdefault(key, []).append(message)
    return fields


def encounter_input_from(data: dict) -> EncounterIn:
    """Validate a raw submission into ``EncounterIn`` or raise ``ValidationFailed``."""
    try:
        return EncounterIn.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationFailed(
            "Some fields are missing or invalid.", fields=fields_from_pydantic(error)
        ) from None


def fingerprint_of(data: EncounterIn) -> str:
    content = data.model_dump(mode="json", exclude={"client_uuid"})
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _problems(data: EncounterIn, *, now: dt.datetime) -> dict[str, list[str]]:
    """Cross-field rules: each problem is named by the field it belongs to."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if data.occurred_at.tzinfo is None:
        add("occurred_at", "Give the time with its time zone.")
    elif data.occurred_at > now + CLOCK_SKEW:
        add("occurred_at", "The encounter time is in the future.")
    elif data.occurred_at < now - OLDEST_LATE_ENTRY:
        add("occurred_at", "The encounter is more than a year old; ask the coordinator.")
    if (data.latitude is None) != (data.longitude is None):
        add("longitude", "Give both latitude and longitude, or neither.")
    chosen = [
        data.person_id is not None,
        data.new_person is not None,
        bool(data.unidentified_description),
    ]
    if sum(chosen) != 1:
        add(
            "person",
            "Choose one: an existing person, a new person, or an unidentified "
            "person with a description.",
        )
    required = DETAIL_FIELDS[data.pathway]
    if getattr(data, required) is None:
        add(required, f"This section is required for the {Pathway(data.pathway).label} pathway.")
    for other in DETAIL_FIELDS.values():
        if other != required and getattr(data, other) is not None:
            add(
                other, f"This section does not belong to the {Pathway(data.pathway).label} pathway."
            )
    overdose = data.overdose
    if overdose is not None and data.occurred_at.tzinfo is not None:
        if overdose.overdose_at.tzinfo is None:
            add("overdose.overdose_at", "Give the time with its time zone.")
        elif overdose.overdose_at > data.occurred_at:
            add("overdose.overdose_at", "The overdose cannot be after the encounter.")
        elif overdose.overdose_at < data.occurred_at - dt.timedelta(days=30):
            add("overdose.overdose_at", "The overdose was more than 30 days before the encounter.")
    intervention = data.officer_intervention
    deadline = intervention.abeyance_deadline if intervention is not None else None
    if (
        deadline is not None
        and data.occurred_at.tzinfo is not None
        and deadline <= data.occurred_at.date()
    ):
        add(
            "officer_intervention.abeyance_deadline",
            "The deadline must be after the encounter date.",
        )
    if data.new_person is not None and data.new_person.date_of_birth is not None:
        born = data.new_person.date_of_birth
        if born > now.date():
            add("new_person.date_of_birth", "The date of birth is in the future.")
        elif born.year < 1900:
            add("new_person.date_of_birth", "The date of birth is before 1900.")
    return problems


def _program_and_agency(actor: User, data: EncounterIn) -> tuple[Program, Agency]:
    """The recording agency (one where the actor holds a role that may record) and its
    program."""
    agency_ids = granting_agency_ids(actor, caps.ENCOUNTER_CREATE)
    if data.agency_id is not None:
        agency_ids = frozenset(pk for pk in agency_ids if pk == data.agency_id)
    agency = Agency.objects.filter(pk__in=agency_ids, is_active=True).order_by("pk").first()
    if agency is None:
        raise ValidationFailed(
            "You cannot record encounters for that agency.",
            fields={"agency_id": ["Not one of your agencies."]},
        )
    programs = Program.objects.filter(is_active=True, memberships__agency=agency)
    if data.program_id is not None:
        programs = programs.filter(pk=data.program_id)
    program = programs.order_by("pk").first()
    if program is None:
        raise ValidationFailed(
            "Your agency is not part of that program.",
            fields={"program_id": ["Not a program of your agency."]},
        )
    return program, agency


def _check_program_rules(data: EncounterIn, program: Program, agency: Agency) -> None:
    problems: dict[str, list[str]] = {}
    if not program.pathways.filter(pathway=data.pathway).exists():
        problems["pathway"] = ["This program does not run that pathway."]
    row = pathway_get(data.pathway)
    if row.law_enforcement_only and agency.kind != AgencyKind.LAW_ENFORCEMENT:
        problems.setdefault("pathway", []).append(
            f"{row.label.capitalize()} is for law-enforcement agencies only."
        )
    intervention = data.officer_intervention
    if intervention is not None and intervention.charges_held_in_abeyance:
        problem = _prosecutor_problem(program, intervention.prosecutor_agency_id)
        if problem:
            problems["officer_intervention.prosecutor_agency_id"] = [problem]
    if data.responder_ids:
        known = set(
            program_staff(program).filter(pk__in=data.responder_ids).values_list("pk", flat=True)
        )
        unknown = sorted(set(data.responder_ids) - known)
        if unknown:
            problems["responder_ids"] = [f"Not staff of this program: {unknown}"]
    if problems:
        raise ValidationFailed("Some fields do not fit this program.", fields=problems)


def _prosecutor_problem(program: Program, agency_id: int | None) -> str:
    """Why ``agency_id`` cannot hold this program's charges in abeyance ("" when it can, or
    when it is left out and the program has at most one prosecutor's office)."""
    offices = set(prosecutor_offices([program]).values_list("pk", flat=True))
    if agency_id is None:
        return "Choose the prosecutor's office that holds the charges." if len(offices) > 1 else ""
    return "" if agency_id in offices else "Not a prosecutor's office of this program."


def _replay(existing: Encounter, actor: User, fingerprint: str) -> EncounterResult:
    if existing.recorded_by_id != actor.pk or existing.fingerprint != fingerprint:
        raise Conflict(
            "This submission id was already used for a different encounter. Start a new form.",
            fields={"client_uuid": ["Already used with different content."]},
        )
    return EncounterResult(existing, created=False)


def encounter_create(*, actor: User, data: EncounterIn | dict) -> EncounterResult:
    """Record an encounter exactly once per ``client_uuid``."""
    require(actor, caps.ENCOUNTER_CREATE)
    if isinstance(data, dict):
        data = encounter_input_from(data)
    now = timezone.now()
    problems = _problems(data, now=now)
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    fingerprint = fingerprint_of(data)
    existing = Encounter.objects.filter(client_uuid=data.client_uuid).first()
    if existing is not None:
        return _replay(existing, actor, fingerprint)
    program, agency = _program_and_agency(actor, data)
    _check_program_rules(data, program, agency)
    try:
        return _encounter_insert(
            actor=actor, data=data, program=program, agency=agency, fingerprint=fingerprint
        )
    except IntegrityError:
        # A copy of the same submission won the race; answer as a replay.
        existing = Encounter.objects.filter(client_uuid=data.client_uuid).first()
        if existing is None:
            raise
        return _replay(existing, actor, fingerprint)


@atomic_service
def _encounter_insert(
    *, actor: User, data: EncounterIn, program: Program, agency: Agency, fingerprint: str
) -> EncounterResult:
    person = _person_for(actor=actor, data=data, program=program, agency=agency)
    overdose = data.overdose
    encounter = Encounter.objects.create(
        client_uuid=data.client_uuid,
        fingerprint=fingerprint,
        program=program,
        agency=agency,
        pathway=data.pathway,
        occurred_at=data.occurred_at,
        location_text=data.location_text,
        latitude=data.latitude,
        longitude=data.longitude,
        person=person,
        circumstance=data.circumstance,
        outcome=data.outcome,
        recorded_by=actor,
        needs_post_overdose_followup=bool(overdose and not overdose.fatal),
    )
    responders = {actor.pk, *data.responder_ids}
    encounter.responders.add(*responders)
    detail = _details_create(encounter, data)
    eligibility = eligibility_facts_from(data.eligibility) if data.eligibility else None
    needs = needs_answers_from(data.needs) if data.needs else None
    override = data.eligibility_override
    screenings: tuple[EligibilityScreening | None, NeedsScreening | None] = (None, None)
    if eligibility is not None or needs is not None:
        screenings = screening_record(
            actor=actor,
            encounter=encounter,
            eligibility=eligibility,
            override_reason=override.reason if override else "",
            override_eligible=override.eligible if override else None,
            needs=needs,
        )
    audit_record(
        action=Action.ENCOUNTER_CREATE,
        actor=actor,
        target=encounter,
        agency=agency,
        extra={
            "pathway": data.pathway,
            "outcome": data.outcome,
            "person_id": person.pk if person else None,
        },
    )

    after_encounter_recorded(actor=actor, encounter=encounter)
    return EncounterResult(
        encounter, created=True, detail=detail, eligibility=screenings[0], needs=screenings[1]
    )


def _person_for(
    *, actor: User, data: EncounterIn, program: Program, agency: Agency
) -> Person | None:
    if data.person_id is not None:
        person = get_for(actor, Person, data.person_id)
        if person.program_id != program.pk:
            raise ValidationFailed(
                "That person belongs to another program.",
                fields={"person_id": ["Not a person of this program."]},
            )
        return person
    if data.new_person is not None:
        return person_create(
            actor=actor, program=program, agency=agency, **data.new_person.model_dump()
        )
    return person_create(
        actor=actor,
        program=program,
        agency=agency,
        is_unidentified=True,
        description=data.unidentified_description,
    )


def _details_create(encounter: Encounter, data: EncounterIn) -> Any:
    """Write the pathway's section and return it."""
    section = SECTIONS[data.pathway]
    payload = getattr(data, section.name)
    return section.create(encounter, payload) if payload is not None else None
