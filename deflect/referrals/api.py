"""Referrals API: the requester's side and the provider's (``/inbound``), so a provider's own
system can receive and answer referrals."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Header, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from deflect.accounts.http import ApiRequest
from deflect.accounts.models import User
from deflect.core.errors import ValidationFailed
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT, WITH_NOT_FOUND, Id

from . import selectors, services
from .models import Handoff, Referral, Transport

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    client_uuid: UUID | None = None
    person_id: Id
    service_id: UUID
    need: str
    level_of_care: str = ""
    encounter_id: Id | None = None
    case_id: Id | None = None
    handoff: str = Handoff.NONE
    transport: str = Transport.NONE
    departed_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    response_due_minutes: int | None = None
    send: StrictBool = True


class TransitionIn(Schema):
    status: str
    reason: str = ""
    note: str = ""
    intake_at: dt.datetime | None = None


class ReferralEventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    party: str


class ReferralOut(Schema):
    id: int
    client_uuid: UUID
    person_id: int
    person_name: str
    service_id: UUID
    service_name: str
    organization_name: str
    status: str
    status_reason: str
    need: str
    level_of_care: str
    handoff: str
    transport: str
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None
    sent_at: dt.datetime | None
    response_due_at: dt.datetime | None
    no_response: bool
    intake_at: dt.datetime | None
    hours_to_intake: float | None
    intake_note: str
    provider_note: str
    clinical_withheld: bool
    notice: str = Field(
        "", description="The 42 CFR §2.32 notice, when the clinical fields were disclosed."
    )
    events: list[ReferralEventOut]


class InboundOut(Schema):
    id: int
    status: str
    status_reason: str
    sent_at: dt.datetime | None
    response_due_at: dt.datetime | None
    intake_at: dt.datetime | None
    service_id: UUID
    disclosed: dict[str, Any]


class InboundListOut(Schema):
    counts: dict[str, int]
    referrals: list[InboundOut]


class DisclosureOut(Schema):
    id: int
    disclosed_at: dt.datetime
    recipient_name: str
    recipient_agency_id: int
    purpose: str
    categories: list[str]
    consent_id: int
    disclosed_by: str
    referral_id: int | None


def _out(r: Referral, actor: User, *, with_notes: bool = True, cache: dict | None = None) -> dict:
    view = selectors.referral_view(r, actor, with_notes=with_notes, cache=cache)
    return {
        "id": r.pk,
        "client_uuid": r.client_uuid,
        "person_id": r.person_id,
        "person_name": str(r.person),
        "service_id": r.service_id,
        "service_name": r.service.name,
        "organization_name": r.service.organization.name,
        "status": view["status"],
        "status_reason": view["status_reason"],
        "need": view["need"],
        "level_of_care": r.level_of_care,
        "handoff": r.handoff,
        "transport": r.transport,
        "departed_at": r.departed_at,
        "arrived_at": r.arrived_at,
        "sent_at": r.sent_at,
        "response_due_at": r.response_due_at,
        "no_response": view["no_response"],
        "intake_at": view["intake_at"],
        "hours_to_intake": view["hours_to_intake"],
        "intake_note": view["intake_note"],
        "provider_note": view["provider_note"],
        "clinical_withheld": view["clinical_withheld"],
        "notice": view["notice"],
        "events": [
            {"at": e.at, "from_status": e.from_status, "to_status": e.to_status, "party": e.party}
            for e in view["events"]
        ],
    }


def _inbound(r: Referral) -> dict:
    return {
        "id": r.pk,
        "status": r.status,
        "status_reason": r.status_reason,
        "sent_at": r.sent_at,
        "response_due_at": r.response_due_at,
        "intake_at": r.intake_at,
        "service_id": r.service_id,
        "disclosed": r.disclosed,
    }


@router.get("", response={200: list[ReferralOut], **COMMON_ERRORS}, summary="Referrals I may see")
def referral_list(
    request: ApiRequest, status: str = "", flagged: bool = False, limit: int = 100
) -> list[dict[str, Any]]:
    cache: dict = {}
    referrals = selectors.referral_list_for(
        actor=request.auth, status=status, flagged=flagged, limit=limit, with_events=True
    )
    return [_out(r, request.auth, with_notes=False, cache=cache) for r in referrals]


@router.post(
    "",
    response={200: ReferralOut, 201: ReferralOut, **WITH_CONFLICT},
    summary="Refer a person to a service and send it (consent required; idempotent)",
)
def referral_create(
    request: ApiRequest,
    response: HttpResponse,
    payload: ReferralIn,
    idempotency_key: UUID | None = Header(default=None, alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    key = payload.client_uuid or idempotency_key
    if payload.client_uuid and idempotency_key and payload.client_uuid != idempotency_key:
        raise ValidationFailed(
            "client_uuid and the Idempotency-Key header differ.",
            fields={"client_uuid": ["Must match the Idempotency-Key header."]},
        )
    data = payload.model_dump(exclude={"client_uuid"})
    result = services.referral_create(actor=request.auth, client_uuid=key, **data)
    referral = selectors.referral_get_for(actor=request.auth, referral_id=result.referral.pk)
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return Status(201 if result.created else 200, _out(referral, request.auth))


@router.get(
    "/inbound",
    response={200: InboundListOut, **COMMON_ERRORS},
    summary="Provider: referrals sent to my organization, with counts not yet answered",
)
def inbound_list(request: ApiRequest, status: str = "open", limit: int = 100) -> dict[str, Any]:
    return {
        "counts": selectors.inbound_counts(actor=request.auth),
        "referrals": [
            _inbound(r)
            for r in selectors.inbound_list_for(actor=request.auth, status=status, limit=limit)
        ],
    }


@router.get(
    "/inbound/{referral_id}",
    response={200: InboundOut, **WITH_NOT_FOUND},
    summary="Provider: one referral as it was disclosed to us",
)
def inbound_get(request: ApiRequest, referral_id: Id) -> dict[str, Any]:
    return _inbound(selectors.inbound_get_for(actor=request.auth, referral_id=referral_id))


@router.post(
    "/inbound/{referral_id}/status",
    response={200: InboundOut, **WITH_CONFLICT},
    summary="Provider: accept, reject, record intake, put on hold, complete or fail",
)
def inbound_transition(
    request: ApiRequest, referral_id: Id, payload: TransitionIn
) -> dict[str, Any]:
    inbound = selectors.inbound_get_for(actor=request.auth, referral_id=referral_id)
    referral = services.referral_transition(
        actor=request.auth,
        referral=inbound,
        to=payload.status,
        reason=payload.reason,
        note=payload.note,
        intake_at=payload.intake_at,
    )
    return _inbound(selectors.inbound_reread_for(actor=request.auth, referral_id=referral.pk))


@router.get("/{referral_id}", response={200: ReferralOut, **WITH_NOT_FOUND}, summary="One referral")
def referral_get(request: ApiRequest, referral_id: Id) -> dict[str, Any]:
    return _out(
        selectors.referral_get_for(actor=request.auth, referral_id=referral_id), request.auth
    )


@router.post(
    "/{referral_id}/status",
    response={200: ReferralOut, **WITH_CONFLICT},
    summary="Requester: send a draft or cancel",
)
def referral_transition(
    request: ApiRequest, referral_id: Id, payload: TransitionIn
) -> dict[str, Any]:
    referral = selectors.referral_get_for(actor=request.auth, referral_id=referral_id)
    services.referral_transition(
        actor=request.auth, referral=referral, to=payload.status, reason=payload.reason
    )
    return _out(
        selectors.referral_get_for(actor=request.auth, referral_id=referral_id), request.auth
    )


@router.get(
    "/people/{person_id}/disclosures",
    response={200: list[DisclosureOut], **WITH_NOT_FOUND},
    summary="A person's accounting of disclosures",
)
def disclosures(request: ApiRequest, person_id: Id) -> list[dict[str, Any]]:
    _, rows = selectors.disclosure_accounting(actor=request.auth, person_id=person_id)
    return [
        {
            "id": d.pk,
            "disclosed_at": d.disclosed_at,
            "recipient_name": d.recipient_name,
            "recipient_agency_id": d.recipient_agency_id,
            "purpose": d.purpose,
            "categories": list(d.categories),
            "consent_id": d.consent_id,
            "disclosed_by": d.disclosed_by.get_username(),
            "referral_id": d.referral_id,
        }
        for d in rows
    ]
