import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from ninja import Header, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from deflect.access import capabilities as caps
from deflect.access.policy import can
from deflect.accounts.http import ApiRequest
from deflect.accounts.models import User
from deflect.core.errors import ValidationFailed
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT, WITH_NOT_FOUND, Id
from deflect.people.selectors import person_get_for

from . import amendments, selectors, services
from .inputs import DETAIL_FIELDS, EncounterIn
from .models import Encounter

router = Router(tags=["encounters"])


class EncounterSubmit(EncounterIn):
    """An encounter submission. ``client_uuid`` may instead come in the Idempotency-Key header."""

    client_uuid: UUID | None = None  # type: ignore[assignment]


class PersonRef(Schema):
    id: int
    display_name: str


class EncounterSummary(Schema):
    id: int
    client_uuid: UUID
    pathway: str
    occurred_at: dt.datetime
    location_text: str
    outcome: str
    agency_id: int
    person: PersonRef | None
    recorded_by: str


class EncounterOut(EncounterSummary):
    program_id: int
    latitude: Decimal | None
    longitude: Decimal | None
    circumstance: str
    needs_post_overdose_followup: bool
    details: dict[str, Any]
    eligibility: dict[str, Any] | None
    needs: dict[str, Any] | None
    clinical_withheld: bool


def _summary(e: Encounter) -> dict:
    return {
        "id": e.pk,
        "client_uuid": e.client_uuid,
        "pathway": e.pathway,
        "occurred_at": e.occurred_at,
        "location_text": e.location_text,
        "outcome": e.outcome,
        "agency_id": e.agency_id,
        "recorded_by": e.recorded_by.get_username(),
        "person": {"id": e.person.pk, "display_name": str(e.person)} if e.person else None,
    }


def _full(e: Encounter, actor: User) -> dict:
    return _answer(e, selectors.encounter_details(e), selectors.encounter_screening_view(e, actor))


def _answer(e: Encounter, details: dict, screening: dict) -> dict:
    return {
        **_summary(e),
        "program_id": e.program_id,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "circumstance": e.circumstance,
        "needs_post_overdose_followup": e.needs_post_overdose_followup,
        "details": details,
        **screening,
    }


def _as_recorded(result: services.EncounterResult, actor: User) -> dict:
    """The answer to a new submission, from the rows just written: the creation's audit event
    records what the responder sent, so this is not a second, audited read."""
    e = result.encounter
    return _answer(
        e,
        selectors.detail_values(DETAIL_FIELDS[e.pathway], result.detail),
        selectors.screening_values(
            result.eligibility,
            result.needs,
            show_clinical=can(actor, caps.CLINICAL_VIEW, e),
        ),
    )


@router.post(
    "",
    response={200: EncounterOut, 201: EncounterOut, **WITH_CONFLICT},
    summary="Record an encounter (idempotent per client_uuid / Idempotency-Key)",
)
def encounter_create(
    request: ApiRequest,
    response: HttpResponse,
    payload: EncounterSubmit,
    idempotency_key: UUID | None = Header(default=None, alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    key = payload.client_uuid or idempotency_key
    if key is None:
        raise ValidationFailed(
            "Every submission needs a client_uuid or an Idempotency-Key header.",
            fields={"client_uuid": ["Required."]},
        )
    if payload.client_uuid and idempotency_key and payload.client_uuid != idempotency_key:
        raise ValidationFailed(
            "client_uuid and the Idempotency-Key header differ.",
            fields={"client_uuid": ["Must match the Idempotency-Key header."]},
        )
    # ninja has validated the submission: hand it on without validating it a second time.
    data = payload.model_copy(update={"client_uuid": key})
    result = services.encounter_create(actor=request.auth, data=data)
    if result.created:
        return Status(201, _as_recorded(result, request.auth))
    response["Idempotent-Replayed"] = "true"
    encounter = selectors.encounter_get_for(actor=request.auth, encounter_id=result.encounter.pk)
    return Status(200, _full(encounter, request.auth))


@router.get(
    "",
    response={200: list[EncounterSummary], **COMMON_ERRORS},
    summary="Encounters I may see, newest first",
)
def encounter_list(
    request: ApiRequest, mine: bool = False, pathway: str = "", limit: int = 50
) -> list[dict[str, Any]]:
    return [
        _summary(e)
        for e in selectors.encounter_list_for(
            actor=request.auth, mine=mine, pathway=pathway, limit=limit
        )
    ]


@router.get(
    "/{encounter_id}",
    response={200: EncounterOut, **WITH_NOT_FOUND},
    summary="One encounter; clinical answers only for roles allowed to see them",
)
def encounter_get(request: ApiRequest, encounter_id: Id) -> dict[str, Any]:
    encounter = selectors.encounter_get_for(actor=request.auth, encounter_id=encounter_id)
    return _full(encounter, request.auth)


class AmendIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=300)
    person_id: Id | None = Field(None, description="The person; null: nobody. Omit: unchanged.")
    location_text: str | None = Field(None, max_length=300)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=10, decimal_places=6)


class AmendOut(Schema):
    amendment_id: int | None
    fields: list[str]
    encounter_id: int
    person_id: int | None


@router.post(
    "/{encounter_id}/amendments",
    response={200: AmendOut, **WITH_CONFLICT},
    summary="Correct an encounter's person or location (audited; the original stays in history)",
)
def encounter_amend(request: ApiRequest, encounter_id: Id, payload: AmendIn) -> AmendOut:
    encounter = selectors.encounter_get_for(actor=request.auth, encounter_id=encounter_id)
    amendments.require_amend(request.auth, encounter)
    given = payload.model_fields_set
    kwargs: dict = {}
    if "person_id" in given:
        kwargs["person"] = (
            person_get_for(actor=request.auth, person_id=payload.person_id)
            if payload.person_id
            else None
        )
    if "location_text" in given:
        kwargs["location_text"] = payload.location_text or ""
    if "latitude" in given or "longitude" in given:
        kwargs["latitude"], kwargs["longitude"] = payload.latitude, payload.longitude
    amendment = amendments.encounter_amend(
        actor=request.auth, encounter=encounter, reason=payload.reason, **kwargs
    )
    encounter.refresh_from_db()
    return AmendOut(
        amendment_id=amendment.pk if amendment else None,
        fields=amendment.fields if amendment else [],
        encounter_id=encounter.pk,
        person_id=encounter.person_id,
    )
