"""Writes for community education: recording an event, with the naloxone it handed out."""

from __future__ import annotations

from datetime import datetime

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import DomainError, ValidationFailed
from deflect.naloxone.models import Channel, Lot, Movement, StockLocation
from deflect.naloxone.services import movement_record
from deflect.programs.models import Program

from .models import Event, EventKind

MAX_PEOPLE = 100_000


def channel_for(kind: str) -> str:
    """How kits from this kind of event count in the naloxone reports."""
    return Channel.DROP_IN if kind == EventKind.DROP_IN_CENTER else Channel.COMMUNITY_TRAINING


@atomic_service
def event_record(
    *,
    actor: User,
    program: Program,
    kind: str,
    title: str,
    starts_at: datetime | None,
    place: str,
    partners: str = "",
    attendance: int = 0,
    people_trained: int = 0,
    notes: str = "",
    kits: int = 0,
    kit_location: StockLocation | None = None,
    kit_lot: Lot | None = None,
) -> Event:
    """Record an event; when it handed out ``kits``, take them from ``kit_location`` and
    ``kit_lot`` as distributed, in the same transaction (refused whole if stock runs short)."""
    require(actor, caps.COMMUNITY_MANAGE, program)
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors["kind"] = ["Choose a kind of event."]
    if not (title or "").strip():
        errors["title"] = ["Required."]
    if not (place or "").strip():
        errors["place"] = ["Required."]
    if starts_at is None:
        errors["starts_at"] = ["Required."]
    for name, value in (("attendance", attendance), ("people_trained", people_trained)):
        if value is None or not 0 <= value <= MAX_PEOPLE:
            errors[name] = [f"A whole number from 0 to {MAX_PEOPLE}."]
    if (
        not errors.get("people_trained")
        and not errors.get("attendance")
        and (people_trained > attendance)
    ):
        errors["people_trained"] = ["Cannot be more than the attendance."]
    if kits is None or kits < 0:
        errors["kits"] = ["A whole number of kits, or 0."]
    elif kits > 0:
        if kit_location is None:
            errors["kit_location"] = ["Choose where the kits came from."]
        if kit_lot is None:
            errors["kit_lot"] = ["Choose the lot."]
    if errors:
        raise ValidationFailed("The event was not recorded.", fields=errors)
    assert starts_at is not None  # else ``errors`` named it
    event = Event.objects.create(
        program=program,
        kind=kind,
        title=title.strip()[:200],
        starts_at=starts_at,
        place=place.strip()[:300],
        partners=partners or "",
        attendance=attendance,
        people_trained=people_trained,
        notes=notes or "",
        recorded_by=actor,
    )
    if kits:
        assert kit_location is not None and kit_lot is not None  # else ``errors`` named them
        try:
            movement_record(
                actor=actor,
                program=program,
                kind=Movement.DISTRIBUTED,
                location=kit_location,
                lot=kit_lot,
                quantity=kits,
                channel=channel_for(kind),
                event=event,
                occurred_at=starts_at,
                note=f"{event.get_kind_display()}: {event.title}"[:500],
            )
        except DomainError as error:
            fields = {
                {"location": "kit_location", "lot": "kit_lot", "quantity": "kits"}.get(k, k): v
                for k, v in error.fields.items()
            }
            raise type(error)(error.message, fields=fields) from None
    audit_record(
        action=Action.COMMUNITY_EVENT_RECORD,
        actor=actor,
        target=event,
        extra={"program": program.pk, "kind": kind, "kits": kits},
    )
    return event
