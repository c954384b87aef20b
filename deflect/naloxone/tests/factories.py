"""Naloxone test data: a program's locations and a lot, stocked through the one service."""

from datetime import timedelta

from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.naloxone.models import LocationKind, Movement, Source
from deflect.naloxone.services import location_save, lot_get_or_create, movement_record


def location(program, name="Central stock", kind=LocationKind.CENTRAL, threshold=0, holder=None):
    return location_save(
        actor=dangerously_as_system("tests"),
        program=program,
        name=name,
        kind=kind,
        reorder_threshold=threshold,
        holder=holder,
    )


def lot(program, number="L-100", days=365, product="nasal_4mg"):
    return lot_get_or_create(
        program=program,
        product=product,
        lot_number=number,
        expires_on=timezone.localdate() + timedelta(days=days),
    )


def stocked(program, kits=10, name="Central stock", number="L-100", days=365):
    """A location holding ``kits`` kits of one lot (acquired by purchase)."""
    place, batch = location(program, name=name), lot(program, number=number, days=days)
    if kits:
        movement_record(
            actor=dangerously_as_system("tests"),
            program=program,
            kind=Movement.ACQUIRED,
            location=place,
            lot=batch,
            quantity=kits,
            source=Source.PURCHASE,
        )
    return place, batch
