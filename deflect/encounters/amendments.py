"""Amending an encounter: its person (e.g. an unidentified survivor identified later) and its
location, by staff of the agency that recorded it, with a reason. ``encounter_amend`` is the
only writer of an encounter after it is recorded; each change keeps the values before and after
in an ``EncounterAmendment`` row and an audit event. A non-fatal overdose that gets its person
now starts its post-overdose follow-up then (once per encounter: the follow-up table's unique
constraint on encounter and step)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, can, deny, granting_agency_ids, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.followups.models import FollowUp, Trigger
from deflect.followups.services import followups_move_to_person, followups_schedule
from deflect.people.models import Person

from .models import Encounter, EncounterAmendment

UNCHANGED: Any = object()


def _coordinate(value: Any, bound: int, name: str, problems: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        problems[name] = ["Not a number."]
        return None
    if not number.is_finite() or not -bound <= number <= bound:
        problems[name] = [f"Between -{bound} and {bound}."]
    return number


def may_amend(actor: User, encounter: Encounter) -> bool:
    """Staff of the recording agency who record encounters may correct one."""
    return can(actor, caps.ENCOUNTER_CREATE, encounter) and encounter.agency_id in (
        granting_agency_ids(actor, caps.ENCOUNTER_CREATE)
    )


def require_amend(actor: User, encounter: Encounter) -> None:
    require(actor, caps.ENCOUNTER_CREATE, encounter)
    if not may_amend(actor, encounter):
        raise deny(actor, caps.ENCOUNTER_CREATE, encounter, "another agency's encounter")


@atomic_service
def encounter_amend(
    *,
    actor: User,
    encounter: Encounter,
    reason: str,
    person: Person | None = UNCHANGED,
    location_text: str = UNCHANGED,
    latitude: Any = UNCHANGED,
    longitude: Any = UNCHANGED,
) -> EncounterAmendment | None:
    """Change the person and/or the location of ``encounter``; None when nothing changed."""
    require_amend(actor, encounter)
    problems: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = ["Say why the encounter is corrected."]
    elif len(reason) > 300:
        problems["reason"] = ["Under 300 characters."]
    if person is not UNCHANGED and person is not None:
        require(actor, caps.PERSON_VIEW, person)
        if person.program_id != encounter.program_id:
            problems["person_id"] = ["Not a person of this encounter's program."]
    if location_text is not UNCHANGED and len(location_text or "") > 300:
        problems["location_text"] = ["Under 300 characters."]
    lat = (
        encounter.latitude
        if latitude is UNCHANGED
        else _coordinate(latitude, 90, "latitude", problems)
    )
    lon = (
        encounter.longitude
        if longitude is UNCHANGED
        else _coordinate(longitude, 180, "longitude", problems)
    )
    if (lat is None) != (lon is None):
        problems["latitude"] = ["Give both the latitude and the longitude, or neither."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    current = Encounter.objects.select_for_update().get(pk=encounter.pk)
    new_person_id = current.person_id if person is UNCHANGED else getattr(person, "pk", None)
    new_location = current.location_text if location_text is UNCHANGED else location_text.strip()
    changed = [
        name
        for name, before, after in (
            ("person", current.person_id, new_person_id),
            ("location_text", current.location_text, new_location),
            ("latitude", current.latitude, lat),
            ("longitude", current.longitude, lon),
        )
        if before != after
    ]
    if not changed:
        return None
    amendment = EncounterAmendment.objects.create(
        encounter=current,
        amended_by=actor,
        amended_at=timezone.now(),
        reason=reason,
        fields=changed,
        person_before_id=current.person_id,
        person_after_id=new_person_id,
        location_before=current.location_text,
        location_after=new_location,
        latitude_before=current.latitude,
        longitude_before=current.longitude,
        latitude_after=lat,
        longitude_after=lon,
    )
    current.person_id = new_person_id
    current.location_text = new_location
    current.latitude, current.longitude = lat, lon
    current.save(update_fields=["person", "location_text", "latitude", "longitude", "updated_at"])
    audit_record(
        action=Action.ENCOUNTER_AMEND,
        actor=actor,
        target=current,
        extra={"fields": changed, "person_id": new_person_id, "amendment_id": amendment.pk},
    )
    _followup_if_identified(current)
    return amendment


def _followup_if_identified(encounter: Encounter) -> None:
    if not encounter.needs_post_overdose_followup or encounter.person is None:
        return
    if FollowUp.objects.filter(encounter=encounter, trigger=Trigger.NONFATAL_OVERDOSE).exists():
        # Scheduled when recorded (for the unidentified person): they follow the new person.
        followups_move_to_person(encounter=encounter, person=encounter.person)
        return
    overdose = getattr(encounter, "overdose", None)
    followups_schedule(
        program=encounter.program,
        person=encounter.person,
        trigger=Trigger.NONFATAL_OVERDOSE,
        anchor=overdose.overdose_at if overdose is not None else encounter.occurred_at,
        pathway=encounter.pathway,
        encounter=encounter,
    )
