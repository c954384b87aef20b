"""Writes for overdose surveillance: EMS (NEMSIS) imports, identifying a survivor, starting the
post-overdose follow-up, the program's settings.

``overdose_followup_start`` is the only place an overdose event starts follow-ups; it locks the
event and sets ``followup_started_at`` in the same transaction that schedules them, so across
re-imports, identifications and concurrent runs the policy starts once per event.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import h3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import Role, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.followups.models import FollowUp, FollowUpStatus, Trigger
from deflect.followups.services import followups_schedule
from deflect.people.models import Person
from deflect.people.search import LIKELY_SCORE, person_search
from deflect.people.services import person_create
from deflect.programs.models import Program

from . import cad, nemsis
from .errors import SurveillanceErrorCode
from .models import (
    AreaKind,
    Method,
    OverdoseEvent,
    ResponseItem,
    ResponseStep,
    Source,
    SpikeAlert,
    SurveillanceSettings,
)

# The pathway an EMS-reported overdose follows up on, as a field-recorded overdose would.
FOLLOWUP_PATHWAY = "naloxone_plus"
DEFAULT_METHODS = [Method.C2, Method.THRESHOLD]


def settings_for(program: Program) -> SurveillanceSettings:
    """The program's surveillance settings (the defaults, unsaved, when it has none)."""
    found = SurveillanceSettings.objects.filter(program=program).first()
    if found is not None:
        return found
    return SurveillanceSettings(program=program, methods=list(DEFAULT_METHODS))


def h3_cell_of(latitude: Decimal | None, longitude: Decimal | None, resolution: int) -> str:
    if latitude is None or longitude is None:
        return ""
    return h3.latlng_to_cell(float(latitude), float(longitude), resolution)


def area_of(event: OverdoseEvent, kind: str) -> str:
    """The area an event counts in, for the program's kind of area."""
    if kind == AreaKind.ZIP:
        return event.scene_zip
    if kind == AreaKind.BEAT:
        return event.beat
    return event.h3_cell


# --- the follow-up ---------------------------------------------------------------------------


def overdose_followup_start(*, actor: User, event: OverdoseEvent) -> bool:
    """Start the program's post-overdose follow-up for a non-fatal event with a person, once
    (inside the caller's transaction). True when it started now."""
    locked = OverdoseEvent.objects.select_for_update().get(pk=event.pk)
    if locked.fatal or locked.person is None or locked.followup_started_at is not None:
        return False
    followups_schedule(
        program=locked.program,
        person=locked.person,
        trigger=Trigger.NONFATAL_OVERDOSE,
        anchor=locked.occurred_at,
        pathway=FOLLOWUP_PATHWAY,
    )
    locked.followup_started_at = timezone.now()
    locked.save(update_fields=["followup_started_at", "updated_at"])
    event.followup_started_at = locked.followup_started_at
    return True


# --- the person ------------------------------------------------------------------------------


def person_find_or_create(
    *, actor: User, program: Program, fields: dict[str, Any]
) -> tuple[Person | None, bool]:
    """The program's person the report names (the person lookup, a likely match with no
    conflicting birth date), or a new person; None when the report names nobody."""
    first, last = fields.get("first_name", ""), fields.get("last_name", "")
    if not (first or last):
        return None, False
    born = fields.get("date_of_birth")
    for match in person_search(
        actor=actor, first_name=first, last_name=last, date_of_birth=born, limit=10
    ):
        person = match.person
        if person.program_id != program.pk or match.score < LIKELY_SCORE:
            continue
        if born and person.date_of_birth and person.date_of_birth != born:
            continue
        return person, False
    person = person_create(
        actor=actor,
        program=program,
        **{k: v for k, v in fields.items() if v not in ("", None)},
    )
    return person, True


# --- EMS import ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    path: str
    reports: int = 0
    overdoses: int = 0
    created: int = 0
    already_imported: int = 0
    not_overdose: int = 0
    people_matched: int = 0
    people_created: int = 0
    unidentified: int = 0
    fatal: int = 0
    followups_started: int = 0
    dry_run: bool = False
    event_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in {"event_ids", "path"}}


def _invalid(error: nemsis.NemsisError, path: Path) -> ValidationFailed:
    return ValidationFailed(
        f"{path.name}: {error} (nothing from this file was imported)",
        fields={error.element or "file": [str(error)]},
        code=SurveillanceErrorCode.IMPORT_INVALID,
    )


def nemsis_xsd_path() -> Path | None:
    """The official NEMSIS 3.5 XSD (``DEFLECT_NEMSIS_XSD``), when the operator has it."""
    value = getattr(settings, "DEFLECT_NEMSIS_XSD", "")
    return Path(value) if value else None


def _event_from_report(
    *, actor: User, program: Program, report: nemsis.Report, config: SurveillanceSettings
) -> OverdoseEvent:
    return OverdoseEvent(
        program=program,
        source=Source.EMS,
        pcr_uuid=report.uuid,
        external_id=report.pcr_number[:80],
        occurred_at=report.occurred_at,
        fatal=report.fatal,
        naloxone_doses=len(report.naloxone),
        naloxone_response=report.naloxone_response,
        naloxone_given_by=[d.given_by for d in report.naloxone],
        doses=[d.as_json() for d in report.naloxone],
        situation_codes=list(report.situation_codes),
        disposition_codes=list(report.disposition_codes),
        refused_transport=report.refused_transport,
        latitude=report.latitude,
        longitude=report.longitude,
        scene_address=report.scene_address,
        scene_zip=report.scene_zip,
        h3_cell=h3_cell_of(report.latitude, report.longitude, config.h3_resolution),
        patient_address=report.patient_address,
        imported_by=actor,
    )


def ems_import_file(
    *, actor: User, program: Program, path: Path, dry_run: bool = False
) -> ImportReport:
    """Import one NEMSIS 3.5 EMSDataSet file into ``program``: all of it or, when any element
    fails its check (or the XSD, if configured), nothing (``ValidationFailed`` naming the
    element). Reports already imported (same PCR UUID) and reports that do not meet the
    opioid overdose case definition add nothing."""
    require(actor, caps.SURVEILLANCE_MANAGE, program)
    result = ImportReport(path=str(path), dry_run=dry_run)
    xsd = nemsis_xsd_path()
    try:
        if xsd is not None:
            nemsis.validate_schema(path, xsd)
        with transaction.atomic():
            _import_reports(actor=actor, program=program, path=path, result=result)
            audit_record(
                action=Action.OVERDOSE_IMPORT,
                actor=actor,
                target=program,
                extra={"format": "nemsis", "file": path.name, **result.counts()},
            )
            if dry_run:
                transaction.set_rollback(True)
    except nemsis.NemsisError as error:
        raise _invalid(error, path) from None
    if dry_run:
        result.event_ids = []
    return result


def _import_reports(*, actor: User, program: Program, path: Path, result: ImportReport) -> None:
    config = settings_for(program)
    for report in nemsis.read_file(path):
        result.reports += 1
        if not report.is_opioid_overdose:
            result.not_overdose += 1
            continue
        result.overdoses += 1
        if OverdoseEvent.objects.filter(pcr_uuid=report.uuid).exists():
            result.already_imported += 1
            continue
        event = _event_from_report(actor=actor, program=program, report=report, config=config)
        person, created = person_find_or_create(
            actor=actor,
            program=program,
            fields={
                "first_name": report.first_name,
                "middle_name": report.middle_name,
                "last_name": report.last_name,
                "date_of_birth": report.date_of_birth,
                "gender": report.gender,
                "race": report.race,
                "ethnicity": report.ethnicity,
            },
        )
        if person is None:
            result.unidentified += 1
        else:
            event.person = person
            event.identified_at = timezone.now()
            event.identified_by = actor
            result.people_created += created
            result.people_matched += not created
        event.save()
        result.created += 1
        result.fatal += event.fatal
        result.event_ids.append(event.pk)
        result.followups_started += overdose_followup_start(actor=actor, event=event)


# --- dispatch (CAD/RMS) import -----------------------------------------------------------------


@dataclass
class CadReport:
    path: str
    rows: int = 0
    overdose_calls: int = 0
    behavioral_calls: int = 0
    other_calls: int = 0
    created: int = 0
    already_imported: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "path"}


def cad_import_file(
    *, actor: User, program: Program, path: Path, mapping: cad.Mapping, dry_run: bool = False
) -> CadReport:
    """Import a dispatch/RMS CSV export into ``program`` through its column mapping: calls of
    the program's overdose call types become overdose events (unidentified, keyed by incident
    number, so a re-import adds nothing); behavioural-health calls are counted. All of the
    file, or nothing when a cell fails its check."""
    require(actor, caps.SURVEILLANCE_MANAGE, program)
    config = settings_for(program)
    overdose_types = {t.strip().upper() for t in config.overdose_call_types}
    behavioral_types = {t.strip().upper() for t in config.behavioral_call_types}
    if not overdose_types:
        raise ValidationFailed(
            "Set the program's overdose call types first (surveillance settings).",
            fields={"overdose_call_types": ["None set."]},
            code=SurveillanceErrorCode.IMPORT_INVALID,
        )
    result = CadReport(path=str(path), dry_run=dry_run)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    try:
        with transaction.atomic():
            for call in cad.read_calls(path, mapping, tz):
                result.rows += 1
                kind = call.call_type.upper()
                if kind in behavioral_types:
                    result.behavioral_calls += 1
                if kind not in overdose_types:
                    result.other_calls += kind not in behavioral_types
                    continue
                result.overdose_calls += 1
                _, created = OverdoseEvent.objects.get_or_create(
                    program=program,
                    source=Source.CAD,
                    external_id=call.incident_id,
                    defaults={
                        "occurred_at": call.occurred_at,
                        "fatal": call.fatal,
                        "call_type": call.call_type,
                        "unit": call.unit,
                        "disposition_codes": [call.disposition] if call.disposition else [],
                        "latitude": call.latitude,
                        "longitude": call.longitude,
                        "scene_address": call.address,
                        "scene_zip": call.zip,
                        "beat": call.beat,
                        "h3_cell": h3_cell_of(call.latitude, call.longitude, config.h3_resolution),
                        "imported_by": actor,
                    },
                )
                result.created += created
                result.already_imported += not created
            audit_record(
                action=Action.OVERDOSE_IMPORT,
                actor=actor,
                target=program,
                extra={"format": "cad", "file": path.name, **result.counts()},
            )
            if dry_run:
                transaction.set_rollback(True)
    except cad.CadError as error:
        raise ValidationFailed(
            f"{path.name}: {error} (nothing from this file was imported)",
            fields={error.column: [str(error)]},
            code=SurveillanceErrorCode.IMPORT_INVALID,
        ) from None
    return result


# --- identifying a survivor later ------------------------------------------------------------


@atomic_service
def overdose_identify(*, actor: User, event: OverdoseEvent, person: Person) -> OverdoseEvent:
    """Link an unidentified survivor to a person of the event's program (audited) and start
    the follow-up now if the overdose was not fatal."""
    require(actor, caps.SURVEILLANCE_MANAGE, event)
    require(actor, caps.PERSON_VIEW, person)
    locked = OverdoseEvent.objects.select_for_update().get(pk=event.pk)
    if locked.person_id is not None:
        raise Conflict(
            "This overdose already names a person.",
            code=SurveillanceErrorCode.ALREADY_IDENTIFIED,
        )
    if person.program_id != locked.program_id:
        raise ValidationFailed(
            "The person belongs to another program.",
            fields={"person_id": ["Not a person of this program."]},
            code=SurveillanceErrorCode.PERSON_OTHER_PROGRAM,
        )
    locked.person = person
    locked.identified_at = timezone.now()
    locked.identified_by = actor
    locked.save(update_fields=["person", "identified_at", "identified_by", "updated_at"])
    started = overdose_followup_start(actor=actor, event=locked)
    audit_record(
        action=Action.OVERDOSE_IDENTIFY,
        actor=actor,
        target=locked,
        extra={"person_id": person.pk, "followup_started": started},
    )
    return locked


# --- the spike response checklist ------------------------------------------------------------


@atomic_service
def response_step_mark(
    *, actor: User, alert: SpikeAlert, step: str, note: str = ""
) -> tuple[ResponseItem, bool]:
    """Mark one step of a spike's response checklist done (once; audited). Returns the item
    and whether it was marked now."""
    require(actor, caps.SURVEILLANCE_MANAGE, alert)
    if step not in ResponseStep.values:
        raise ValidationFailed("Choose a step of the checklist.", fields={"step": ["Unknown."]})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed("Keep the note short.", fields={"note": ["Under 300 characters."]})
    SpikeAlert.objects.select_for_update().get(pk=alert.pk)
    existing = ResponseItem.objects.filter(alert=alert, step=step).first()
    if existing is not None:
        return existing, False
    item = ResponseItem.objects.create(
        alert=alert, step=step, done_at=timezone.now(), done_by=actor, note=note
    )
    audit_record(
        action=Action.SPIKE_CHECKLIST_UPDATE,
        actor=actor,
        target=alert,
        extra={"step": step, "program_id": alert.program_id},
    )
    return item, True


# --- outreach sweeps from the map ------------------------------------------------------------

SWEEP_PATHWAY = "active_outreach"
AREA_FIELD = {AreaKind.ZIP: "scene_zip", AreaKind.BEAT: "beat", AreaKind.H3: "h3_cell"}


@dataclass
class SweepResult:
    people: int = 0
    scheduled: int = 0
    already_open: int = 0
    followup_ids: list[int] = field(default_factory=list)


@atomic_service
def outreach_sweep_create(
    *,
    actor: User,
    program: Program,
    area_kind: str,
    area: str,
    days: int = 14,
    alert: SpikeAlert | None = None,
) -> SweepResult:
    """Outreach tasks (follow-ups on the active-outreach pathway) for every identified person
    with an overdose in ``area`` in the last ``days`` days; people who already have an open
    follow-up are left as they are. From an alert, its checklist's outreach sweep is done."""
    require(actor, caps.SURVEILLANCE_MANAGE, program)
    problems: dict[str, list[str]] = {}
    if area_kind not in AreaKind.values:
        problems["area_kind"] = ["ZIP, beat or hex cell."]
    if not (area or "").strip() or len(area) > 40:
        problems["area"] = ["Name the area."]
    if not 1 <= days <= 90:
        problems["days"] = ["Between 1 and 90 days."]
    if alert is not None and alert.program_id != program.pk:
        problems["alert_id"] = ["Not an alert of this program."]
    if problems:
        raise ValidationFailed("Some fields are missing or invalid.", fields=problems)
    now = timezone.now()
    person_ids = set(
        OverdoseEvent.objects.filter(
            program=program,
            person__isnull=False,
            occurred_at__gte=now - dt.timedelta(days=days),
            **{AREA_FIELD[AreaKind(area_kind)]: area.strip()},
        ).values_list("person_id", flat=True)
    )
    busy = set(
        FollowUp.objects.filter(person_id__in=person_ids, status=FollowUpStatus.OPEN).values_list(
            "person_id", flat=True
        )
    )
    result = SweepResult(people=len(person_ids), already_open=len(busy))
    for person in Person.objects.filter(pk__in=person_ids - busy).order_by("pk"):
        rows = followups_schedule(
            program=program,
            person=person,
            trigger=Trigger.NONFATAL_OVERDOSE,
            anchor=now,
            pathway=SWEEP_PATHWAY,
        )
        result.scheduled += 1
        result.followup_ids += [f.pk for f in rows]
    if alert is not None:
        response_step_mark(
            actor=actor,
            alert=alert,
            step=ResponseStep.OUTREACH_SWEEP,
            note=f"{result.scheduled} people queued for outreach",
        )
    audit_record(
        action=Action.OUTREACH_SWEEP,
        actor=actor,
        target=program,
        extra={
            "area_kind": area_kind,
            "area": area,
            "days": days,
            "alert_id": alert.pk if alert else None,
            "person_ids": sorted(person_ids - busy),
            "already_open": len(busy),
        },
    )
    return result


# --- settings --------------------------------------------------------------------------------

SETTING_FIELDS = (
    "area_kind",
    "h3_resolution",
    "methods",
    "c1_threshold",
    "c2_threshold",
    "c3_threshold",
    "count_threshold",
    "notify_roles",
    "overdose_call_types",
    "behavioral_call_types",
)


@atomic_service
def surveillance_settings_update(
    *, actor: User, program: Program, **values: Any
) -> SurveillanceSettings:
    """Change a program's surveillance settings (validated; audited). A new H3 resolution
    re-files the program's events in cells of that size (one UPDATE per distinct spot)."""
    require(actor, caps.SURVEILLANCE_MANAGE, program)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    problems: dict[str, list[str]] = {}
    if "area_kind" in values and values["area_kind"] not in AreaKind.values:
        problems["area_kind"] = ["ZIP, beat or hex cell."]
    if "methods" in values and set(values["methods"]) - set(Method.values):
        problems["methods"] = [f"Any of {', '.join(Method.values)}."]
    if "h3_resolution" in values and not 5 <= int(values["h3_resolution"]) <= 10:
        problems["h3_resolution"] = ["Between 5 (large cells) and 10 (a block)."]
    for name in ("c1_threshold", "c2_threshold", "c3_threshold"):
        if name in values and not 0.5 <= float(values[name]) <= 20:
            problems[name] = ["Between 0.5 and 20."]
    if "count_threshold" in values and not 1 <= int(values["count_threshold"]) <= 1000:
        problems["count_threshold"] = ["At least 1."]
    if "notify_roles" in values and set(values["notify_roles"]) - set(Role.values):
        problems["notify_roles"] = ["Unknown role."]
    for name in ("overdose_call_types", "behavioral_call_types"):
        if name in values:
            cleaned = [str(v).strip()[:80] for v in values[name] if str(v).strip()]
            values[name] = list(dict.fromkeys(cleaned))
    if problems:
        raise ValidationFailed("Some settings are invalid.", fields=problems)
    config = settings_for(program)
    if config.pk is None:
        config.save()
    config = SurveillanceSettings.objects.select_for_update().get(pk=config.pk)
    old_resolution = config.h3_resolution
    changed = sorted(name for name, value in values.items() if getattr(config, name) != value)
    for name in changed:
        setattr(config, name, values[name])
    config.save()
    if config.h3_resolution != old_resolution:
        _refile_cells(program, config.h3_resolution)
    audit_record(
        action=Action.SURVEILLANCE_SETTINGS_UPDATE,
        actor=actor,
        target=program,
        extra={"fields": changed},
    )
    return config


def _refile_cells(program: Program, resolution: int) -> None:
    spots = (
        OverdoseEvent.objects.filter(program=program, latitude__isnull=False)
        .values_list("latitude", "longitude")
        .distinct()
    )
    for lat, lon in spots:
        OverdoseEvent.objects.filter(program=program, latitude=lat, longitude=lon).update(
            h3_cell=h3_cell_of(lat, lon, resolution)
        )
