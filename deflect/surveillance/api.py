"""Overdose surveillance API: overdose events, identifying a survivor, spike alerts and their
response checklist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from deflect.access import capabilities as caps
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND, Id
from deflect.people.selectors import person_get_for

from . import selectors, services
from .models import OverdoseEvent, SpikeAlert

router = Router(tags=["surveillance"])


class EventOut(Schema):
    id: int
    source: str
    occurred_at: datetime
    fatal: bool
    naloxone_doses: int
    naloxone_response: str
    naloxone_given_by: list[str]
    refused_transport: bool
    scene_zip: str
    h3_cell: str
    latitude: float | None
    longitude: float | None
    person_id: int | None
    followup_started_at: datetime | None


def _event_out(event: OverdoseEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        source=event.source,
        occurred_at=event.occurred_at,
        fatal=event.fatal,
        naloxone_doses=event.naloxone_doses,
        naloxone_response=event.naloxone_response,
        naloxone_given_by=list(event.naloxone_given_by),
        refused_transport=event.refused_transport,
        scene_zip=event.scene_zip,
        h3_cell=event.h3_cell,
        latitude=float(event.latitude) if event.latitude is not None else None,
        longitude=float(event.longitude) if event.longitude is not None else None,
        person_id=event.person_id,
        followup_started_at=event.followup_started_at,
    )


@router.get(
    "/programs/{program_id}/events",
    response={200: list[EventOut], **WITH_NOT_FOUND},
    summary="The program's overdose events, newest first (at most 200)",
)
def event_list(request: ApiRequest, program_id: Id, unidentified: bool = False) -> list[EventOut]:
    program = selectors.program_for(
        actor=request.auth, program_id=program_id, capability=caps.OVERDOSE_EVENT_VIEW
    )
    rows = selectors.overdose_event_list(
        actor=request.auth, program=program, unidentified_only=unidentified
    )
    return [_event_out(e) for e in rows]


class IdentifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person_id: Id


@router.post(
    "/events/{event_id}/identify",
    response={200: EventOut, **WITH_CONFLICT},
    summary="Name the person an overdose happened to; the follow-up starts if it was not fatal",
)
def event_identify(request: ApiRequest, event_id: Id, payload: IdentifyIn) -> EventOut:
    event = selectors.overdose_event_get(actor=request.auth, event_id=event_id)
    person = person_get_for(actor=request.auth, person_id=payload.person_id)
    return _event_out(services.overdose_identify(actor=request.auth, event=event, person=person))


class StepOut(Schema):
    step: str
    done_at: datetime
    done_by: str
    note: str


class AlertOut(Schema):
    id: int
    method: str
    area_kind: str
    area: str
    first_day: date
    last_day: date
    window_start: datetime
    window_end: datetime
    count: int
    expected: float
    statistic: float | None
    checklist: list[StepOut]


def _alert_out(alert: SpikeAlert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        method=alert.method,
        area_kind=alert.area_kind,
        area=alert.area,
        first_day=alert.first_day,
        last_day=alert.last_day,
        window_start=alert.window_start,
        window_end=alert.window_end,
        count=alert.count,
        expected=alert.expected,
        statistic=alert.statistic,
        checklist=[
            StepOut(step=i.step, done_at=i.done_at, done_by=str(i.done_by), note=i.note)
            for i in alert.checklist.all()
        ],
    )


@router.get(
    "/programs/{program_id}/alerts",
    response={200: list[AlertOut], **WITH_NOT_FOUND},
    summary="The program's spike alerts with their response checklist",
)
def alert_list(request: ApiRequest, program_id: Id) -> list[AlertOut]:
    program = selectors.program_for(
        actor=request.auth, program_id=program_id, capability=caps.SURVEILLANCE_VIEW
    )
    return [_alert_out(a) for a in selectors.alert_list(actor=request.auth, program=program)]


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")
    step: Literal["notify_partners", "naloxone_saturation", "outreach_sweep", "public_warning"]
    note: str = Field("", max_length=300)


@router.post(
    "/alerts/{alert_id}/checklist",
    response={200: AlertOut, **WITH_CONFLICT},
    summary="Mark a step of the spike response checklist done (once)",
)
def alert_step(request: ApiRequest, alert_id: Id, payload: StepIn) -> AlertOut:
    alert = selectors.alert_get(actor=request.auth, alert_id=alert_id)
    services.response_step_mark(
        actor=request.auth, alert=alert, step=payload.step, note=payload.note
    )
    return _alert_out(selectors.alert_get(actor=request.auth, alert_id=alert_id))
