"""Writes for naloxone: locations, lots, and every movement of kits.

``movement_record`` is the only writer of LedgerEntry and Balance. It locks the balance row of
each location-and-lot it takes kits from (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
IMMEDIATE transactions hold the database write lock) and refuses a movement that would leave
fewer than zero kits, so two officers drawing the last kit at once cannot both get it. The
database's CHECK (quantity >= 0) on the balance row is the last line of defence.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, can, require
from deflect.accounts.models import Agency, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.encounters.models import Encounter
from deflect.programs.models import Program

from .errors import NaloxoneErrorCode
from .models import (
    Balance,
    Channel,
    DisposalReason,
    LedgerEntry,
    LocationKind,
    Lot,
    Movement,
    Product,
    Source,
    StockLocation,
)

MAX_QUANTITY = 100_000

# Which capability each kind of movement needs. Responders and outreach hand out and
# administer kits and draw their own; coordinators acquire, issue and dispose.
MOVEMENT_CAPABILITY: dict[str, str] = {
    Movement.ACQUIRED: caps.NALOXONE_MANAGE,
    Movement.ISSUED: caps.NALOXONE_MANAGE,
    Movement.DISPOSED: caps.NALOXONE_MANAGE,
    Movement.DISTRIBUTED: caps.NALOXONE_USE,
    Movement.ADMINISTERED: caps.NALOXONE_USE,
}


class InsufficientStock(Conflict):
    """Taking the kits would leave fewer than zero at the location."""

    code = NaloxoneErrorCode.INSUFFICIENT_STOCK


@dataclass(frozen=True)
class MovementResult:
    entries: list[LedgerEntry]


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


@atomic_service
def location_save(
    *,
    actor: User,
    program: Program,
    name: str,
    kind: str,
    reorder_threshold: int = 0,
    agency: Agency | None = None,
    holder: User | None = None,
    location: StockLocation | None = None,
) -> StockLocation:
    """Create a stock location, or change one's name, threshold, agency or holder."""
    require(actor, caps.NALOXONE_MANAGE, program)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Required."]
    if kind not in LocationKind.values:
        errors["kind"] = ["Choose a kind of location."]
    if reorder_threshold is None or not 0 <= int(reorder_threshold) <= MAX_QUANTITY:
        errors["reorder_threshold"] = [f"A whole number from 0 to {MAX_QUANTITY}."]
    if agency is not None and not program.agencies.filter(pk=agency.pk).exists():
        errors["agency"] = ["Choose one of the program's agencies."]
    if kind == LocationKind.OFFICER and holder is None:
        errors["holder"] = ["An officer's kit needs the officer who carries it."]
    taken = StockLocation.objects.filter(program=program, name__iexact=name)
    if location is not None:
        taken = taken.exclude(pk=location.pk)
    if name and taken.exists():
        errors["name"] = ["Another location has this name."]
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    if location is None:
        location = StockLocation(program=program)
    location.name = name[:200]
    location.kind = kind
    location.reorder_threshold = int(reorder_threshold)
    location.agency = agency
    location.holder = holder if kind == LocationKind.OFFICER else None
    try:
        location.save()
    except IntegrityError:
        raise Conflict(
            "That officer already has a kit location.", fields={"holder": ["Has a kit."]}
        ) from None
    audit_record(
        action=Action.NALOXONE_LOCATION_SAVE,
        actor=actor,
        target=location,
        extra={"program": program.pk, "kind": kind, "threshold": location.reorder_threshold},
    )
    return location


def officer_kit_for(*, program: Program, user: User) -> StockLocation:
    """The officer's own kit location in the program, created on first use."""
    location = StockLocation.objects.filter(
        program=program, kind=LocationKind.OFFICER, holder=user
    ).first()
    if location is not None:
        return location
    base = f"{user} (kit)"
    name, n = base, 1
    while StockLocation.objects.filter(program=program, name__iexact=name).exists():
        n += 1
        name = f"{base} {n}"
    try:
        with transaction.atomic():
            return StockLocation.objects.create(
                program=program, name=name[:200], kind=LocationKind.OFFICER, holder=user
            )
    except IntegrityError:  # the officer's first two draws raced: use the kit that won
        return StockLocation.objects.get(program=program, kind=LocationKind.OFFICER, holder=user)


def lot_get_or_create(
    *, program: Program, product: str, lot_number: str, expires_on: date | None
) -> Lot:
    """The program's lot of this product and number; a new lot needs its expiry date."""
    errors: dict[str, list[str]] = {}
    lot_number = (lot_number or "").strip()
    if product not in Product.values:
        errors["product"] = ["Choose a product."]
    if not lot_number:
        errors["lot_number"] = ["Required."]
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    lot = Lot.objects.filter(program=program, product=product, lot_number=lot_number).first()
    if lot is not None:
        if expires_on is not None and expires_on != lot.expires_on:
            raise _fail(
                "expires_on",
                f"Lot {lot_number} is on record with expiry {lot.expires_on:%Y-%m-%d}.",
            )
        return lot
    if expires_on is None:
        raise _fail("expires_on", "A new lot needs its expiry date.")
    return Lot.objects.create(
        program=program, product=product, lot_number=lot_number[:60], expires_on=expires_on
    )


def _apply(*, location: StockLocation, lot: Lot, delta: int) -> int:
    """Lock the balance row, check that it stays at or above zero, apply ``delta``; return
    the new quantity. Must run inside the movement's transaction."""
    balance = Balance.objects.select_for_update().filter(location=location, lot=lot).first()
    if balance is None:
        if delta < 0:
            raise _insufficient(location, lot, 0, -delta)
        try:
            balance, _ = Balance.objects.select_for_update().get_or_create(
                location=location, lot=lot
            )
        except IntegrityError:  # created concurrently: lock the one that won
            balance = Balance.objects.select_for_update().get(location=location, lot=lot)
    if balance.quantity + delta < 0:
        raise _insufficient(location, lot, balance.quantity, -delta)
    Balance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + delta)
    return balance.quantity + delta


def _insufficient(location: StockLocation, lot: Lot, have: int, want: int) -> InsufficientStock:
    kits = "kit" if have == 1 else "kits"
    return InsufficientStock(
        f"Not enough naloxone: {location} has {have} {kits} of lot {lot.lot_number} left, "
        f"so {want} cannot be taken. Someone may have just taken the last one.",
        fields={"quantity": [f"Only {have} on hand."]},
    )


@atomic_service
def movement_record(
    *,
    actor: User,
    program: Program,
    kind: str,
    location: StockLocation,
    lot: Lot,
    quantity: int,
    to_location: StockLocation | None = None,
    source: str = "",
    channel: str = "",
    disposal_reason: str = "",
    encounter: Encounter | None = None,
    event: Any = None,  # a community.Event or None (community imports naloxone, not back)
    occurred_at: datetime | None = None,
    note: str = "",
) -> MovementResult:
    """Record one movement of ``quantity`` kits (a positive number) of ``lot``.

    acquired: into ``location`` (``source`` required); issued: from ``location`` to
    ``to_location``; distributed (``channel``), administered (``encounter``) and disposed
    (``disposal_reason``): out of ``location``. The demo and commands pass the system actor.
    """
    if kind not in MOVEMENT_CAPABILITY:
        raise _fail("kind", "Choose a kind of movement.")
    capability = MOVEMENT_CAPABILITY[kind]
    if kind == Movement.ISSUED and to_location is not None and to_location.holder_id == actor.pk:
        capability = caps.NALOXONE_USE  # drawing kits into one's own kit
    require(actor, capability, program)
    errors: dict[str, list[str]] = {}
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors["quantity"] = ["A whole number of kits."]
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = [f"From 1 to {MAX_QUANTITY} kits."]
    if location.program_id != program.pk or not location.is_active:
        errors["location"] = ["Choose one of the program's active locations."]
    if lot.program_id != program.pk:
        errors["lot"] = ["Choose one of the program's lots."]
    if kind == Movement.ACQUIRED and source not in Source.values:
        errors["source"] = ["Say where the kits came from."]
    if kind == Movement.DISTRIBUTED and channel not in Channel.values:
        errors["channel"] = ["Say how the kits were given out."]
    if kind == Movement.DISPOSED and disposal_reason not in DisposalReason.values:
        errors["disposal_reason"] = ["Say why the kits were disposed of."]
    if kind == Movement.ADMINISTERED:
        if encounter is None:
            errors["encounter"] = ["Link the encounter that recorded the dose."]
        elif encounter.program_id != program.pk:
            errors["encounter"] = ["That encounter is not in this program."]
    if kind == Movement.ISSUED:
        if to_location is None:
            errors["to_location"] = ["Choose where the kits go."]
        elif to_location.program_id != program.pk or not to_location.is_active:
            errors["to_location"] = ["Choose one of the program's active locations."]
        elif to_location.pk == location.pk:
            errors["to_location"] = ["Kits must go to another location."]
        elif not can(actor, caps.NALOXONE_MANAGE, program) and to_location.holder_id != actor.pk:
            errors["to_location"] = ["You may draw kits only into your own kit."]
    today = timezone.localdate()
    if kind in (Movement.ISSUED, Movement.DISTRIBUTED) and lot.expires_on < today:
        errors["lot"] = [f"Lot {lot.lot_number} expired on {lot.expires_on:%Y-%m-%d}."]
    if errors:
        raise ValidationFailed("The movement was not recorded.", fields=errors)
    when = occurred_at or timezone.now()
    common = {
        "program": program,
        "lot": lot,
        "occurred_at": when,
        "recorded_by": actor,
        "note": (note or "")[:500],
    }
    entries = []
    if kind == Movement.ACQUIRED:
        _apply(location=location, lot=lot, delta=quantity)
        entries.append(
            LedgerEntry(location=location, kind=kind, quantity=quantity, source=source, **common)
        )
    elif kind == Movement.ISSUED:
        assert to_location is not None  # checked above: an issue names where the kits go
        transfer = uuid.uuid4()
        # Lock in a fixed order (by id) so two opposite transfers cannot deadlock.
        for loc, delta in sorted(
            ((location, -quantity), (to_location, quantity)), key=lambda pair: pair[0].pk
        ):
            _apply(location=loc, lot=lot, delta=delta)
        entries += [
            LedgerEntry(
                location=location,
                counterpart=to_location,
                kind=kind,
                quantity=-quantity,
                transfer_id=transfer,
                **common,
            ),
            LedgerEntry(
                location=to_location,
                counterpart=location,
                kind=kind,
                quantity=quantity,
                transfer_id=transfer,
                **common,
            ),
        ]
    else:
        _apply(location=location, lot=lot, delta=-quantity)
        entries.append(
            LedgerEntry(
                location=location,
                kind=kind,
                quantity=-quantity,
                channel=channel if kind == Movement.DISTRIBUTED else "",
                disposal_reason=disposal_reason if kind == Movement.DISPOSED else "",
                encounter=encounter if kind == Movement.ADMINISTERED else None,
                event=event,
                **common,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    audit_record(
        action=Action.NALOXONE_MOVEMENT,
        actor=actor,
        target=location,
        extra={
            "program": program.pk,
            "kind": kind,
            "lot": lot.pk,
            "quantity": quantity,
            "to": to_location.pk if to_location else None,
            "encounter": encounter.pk if encounter else None,
            "event": event.pk if event is not None else None,
        },
    )
    return MovementResult(entries=entries)


def kit_draw(
    *, actor: User, program: Program, location: StockLocation, lot: Lot, quantity: int = 1
) -> MovementResult:
    """A responder takes kits from a station or vehicle into their own kit."""
    require(actor, caps.NALOXONE_USE, program)
    own = officer_kit_for(program=program, user=actor)
    return movement_record(
        actor=actor,
        program=program,
        kind=Movement.ISSUED,
        location=location,
        lot=lot,
        quantity=quantity,
        to_location=own,
        note="Drawn by the officer",
    )
