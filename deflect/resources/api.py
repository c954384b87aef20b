"""The resource directory's API: matching, live capacity, and directory reads."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field, StrictBool, StrictFloat, StrictInt

from deflect.accounts.http import ApiRequest
from deflect.core.errors import ValidationFailed
from deflect.core.schemas import COMMON_ERRORS, WITH_NOT_FOUND, Count

from . import matching, selectors, services

router = Router(tags=["resources"])


class NeedsIn(Schema):
    level_of_care: str = ""
    categories: list[str] = []
    moud: str = ""
    insurance: str = ""
    language: str = ""
    age: StrictInt | None = Field(default=None, ge=0, le=120)
    gender: str = ""
    latitude: StrictFloat | StrictInt | None = Field(default=None, ge=-90, le=90)
    longitude: StrictFloat | StrictInt | None = Field(default=None, ge=-180, le=180)
    max_distance_km: StrictFloat | StrictInt = Field(
        default=matching.DEFAULT_MAX_DISTANCE_KM, gt=0, le=500
    )
    needed_now: StrictBool = False
    needs_bed: StrictBool = False
    limit: StrictInt = Field(default=10, ge=1, le=selectors.MAX_LIMIT)


class ServiceMatchOut(Schema):
    service_at_location_id: str
    service_id: str
    organization_id: str
    service_name: str
    organization_name: str
    location_name: str
    address: str
    phone: str
    hours: str
    score: float
    distance_km: float | None
    reasons: list[str]
    stale_capacity: bool
    open_now: bool | None
    mou_partner: bool


class CapacityIn(Schema):
    unit: str = "bed"
    available: Count
    maximum: Count | None = None
    description: str = ""


class CapacityOut(Schema):
    service_id: UUID
    unit: str
    available: int
    maximum: int | None
    updated: dt.datetime
    updated_by: str
    stale: bool


class DirectoryEntryOut(Schema):
    service_at_location_id: str
    service_name: str
    organization_name: str
    description: str
    address: str
    phone: str
    hours: str
    categories: list[str]
    features: list[str]


@router.post(
    "/match",
    response={200: list[ServiceMatchOut], **COMMON_ERRORS},
    summary="Ranked services for a person's needs, each with the reasons for its rank",
)
def match(request: ApiRequest, payload: NeedsIn) -> list[dict[str, Any]]:
    if (payload.latitude is None) != (payload.longitude is None):
        raise ValidationFailed(
            "Give both latitude and longitude, or neither.",
            fields={"longitude": ["Required with latitude."]},
        )
    data = payload.model_dump()
    limit = data.pop("limit")
    data["categories"] = frozenset(data["categories"])
    results = selectors.service_match(actor=request.auth, needs=matching.Needs(**data), limit=limit)
    return [r.__dict__ | {"reasons": list(r.reasons)} for r in results]


@router.put(
    "/services/{service_id}/capacity",
    response={200: CapacityOut, **WITH_NOT_FOUND},
    summary="Set a service's open beds or slots (provider staff of its organization)",
)
def capacity_put(request: ApiRequest, service_id: str, payload: CapacityIn) -> dict[str, Any]:
    capacity = services.capacity_update(
        actor=request.auth,
        service_id=service_id,
        unit=payload.unit,
        available=payload.available,
        maximum=payload.maximum,
        description=payload.description,
    )
    return {
        "service_id": capacity.service_id,
        "unit": capacity.unit,
        "available": capacity.available,
        "maximum": capacity.maximum,
        "updated": capacity.updated,
        "updated_by": capacity.updated_by.get_username() if capacity.updated_by else "",
        "stale": False,
    }


@router.get(
    "/services",
    response={200: list[DirectoryEntryOut], **COMMON_ERRORS},
    summary="Search the directory (the same data as the public directory page)",
)
def directory(
    request: ApiRequest, q: str = "", category: str = "", feature: str = "", limit: int = 50
) -> list[dict[str, Any]]:
    entries = selectors.directory_search(
        text=q[:100], category=category, feature=feature, limit=max(1, min(limit, 200))
    )
    return [
        e.__dict__ | {"categories": list(e.categories), "features": list(e.features)}
        for e in entries
    ]
