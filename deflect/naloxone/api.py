"""Naloxone API: stock on hand by location, and recording a movement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, TypeVar, overload

from django.db.models import Model, QuerySet
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.http import ApiRequest
from deflect.core.errors import ValidationFailed
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND, Id
from deflect.encounters.models import Encounter
from deflect.programs.models import Program

from . import selectors, services
from .models import Lot, Movement, StockLocation

router = Router(tags=["naloxone"])


class LotStockOut(Schema):
    lot_id: int
    product: str
    lot_number: str
    expires_on: date
    on_hand: int
    expired: bool
    expiring: bool = Field(description="Expires within 60 days.")


class LocationStockOut(Schema):
    location_id: int
    name: str
    kind: str
    on_hand: int
    reorder_threshold: int
    below_threshold: bool
    lots: list[LotStockOut]


class MovementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["acquired", "issued", "distributed", "administered", "disposed"]
    location_id: Id
    lot_id: Id | None = Field(None, description="An existing lot; or give product, number, expiry.")
    product: Literal["nasal_4mg", "nasal_8mg", "intramuscular", "auto_injector"] | None = None
    lot_number: str | None = Field(None, max_length=60)
    expires_on: date | None = None
    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)
    to_location_id: Id | None = None
    source: Literal["purchase", "grant", "free_program"] | None = None
    channel: Literal["leave_behind", "drop_in", "community_training"] | None = None
    disposal_reason: Literal["expired", "damaged"] | None = None
    encounter_id: Id | None = None
    occurred_at: datetime | None = None
    note: str = Field("", max_length=500)


class MovementOut(Schema):
    entry_ids: list[int]
    location_id: int
    lot_id: int
    on_hand: int = Field(description="Kits of this lot left at the location afterwards.")


def _program(request: ApiRequest, program_id: Id, capability: str) -> Program:
    program = get_for(request.auth, Program, program_id)
    require(request.auth, capability, program)
    return program


M = TypeVar("M", bound=Model)


@router.get(
    "/programs/{program_id}/stock",
    response={200: list[LocationStockOut], **WITH_NOT_FOUND},
    summary="Stock on hand by location and lot, with expiry and reorder warnings",
)
def stock(request: ApiRequest, program_id: Id) -> list[LocationStockOut]:
    program = _program(request, program_id, caps.NALOXONE_VIEW)
    return [
        LocationStockOut(
            location_id=row.location.pk,
            name=row.location.name,
            kind=row.location.kind,
            on_hand=row.on_hand,
            reorder_threshold=row.location.reorder_threshold,
            below_threshold=row.below_threshold,
            lots=[
                LotStockOut(
                    lot_id=s.lot.pk,
                    product=s.lot.product,
                    lot_number=s.lot.lot_number,
                    expires_on=s.lot.expires_on,
                    on_hand=s.on_hand,
                    expired=s.expired,
                    expiring=s.expiring,
                )
                for s in row.lots
            ],
        )
        for row in selectors.stock_report(program)
    ]


@overload
def _one(queryset: QuerySet[M], pk: int, field: str) -> M: ...
@overload
def _one(queryset: QuerySet[M], pk: int | None, field: str) -> M | None: ...
def _one(queryset: QuerySet[M], pk: int | None, field: str) -> M | None:
    """The row ``pk`` of ``queryset`` (None when no ``pk`` was given); a 422 naming ``field``
    when the row is not there."""
    if pk is None:
        return None
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise ValidationFailed("Not found in this program.", fields={field: ["Not found."]})
    return item


@router.post(
    "/programs/{program_id}/movements",
    response={201: MovementOut, **WITH_CONFLICT},
    summary="Record a movement of kits (409 when the stock would go below zero)",
)
def movement_create(
    request: ApiRequest, program_id: Id, payload: MovementIn
) -> Status[MovementOut]:
    kind = Movement(payload.kind)
    program = _program(request, program_id, caps.NALOXONE_VIEW)
    locations = StockLocation.objects.filter(program=program)
    location = _one(locations, payload.location_id, "location_id")
    to_location = _one(locations, payload.to_location_id, "to_location_id")
    encounter = _one(
        visible_to(request.auth, Encounter).filter(program=program),
        payload.encounter_id,
        "encounter_id",
    )
    lot = _one(Lot.objects.filter(program=program), payload.lot_id, "lot_id")
    if lot is None:
        if kind != Movement.ACQUIRED:
            raise ValidationFailed("Choose the lot.", fields={"lot_id": ["Required."]})
        require(request.auth, caps.NALOXONE_MANAGE, program)
        lot = services.lot_get_or_create(
            program=program,
            product=payload.product or "",
            lot_number=payload.lot_number or "",
            expires_on=payload.expires_on,
        )
    result = services.movement_record(
        actor=request.auth,
        program=program,
        kind=kind,
        location=location,
        lot=lot,
        quantity=payload.quantity,
        to_location=to_location,
        source=payload.source or "",
        channel=payload.channel or "",
        disposal_reason=payload.disposal_reason or "",
        encounter=encounter,
        occurred_at=payload.occurred_at,
        note=payload.note,
    )
    return Status(
        201,
        MovementOut(
            entry_ids=[e.pk for e in result.entries],
            location_id=location.pk,
            lot_id=lot.pk,
            on_hand=selectors.on_hand(location=location, lot=lot),
        ),
    )
