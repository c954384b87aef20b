"""Writes of the resource directory: the deflect taxonomy, the match index, live capacity and
MOUs. Every write that a person makes takes ``actor=`` and audits in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, deny, get_for, granting_agency_ids, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import InvalidTransition, ValidationFailed

from . import matching, pipeline
from . import taxonomy as tx
from .models import (
    Address,
    Attribute,
    CapacityUnit,
    Language,
    Location,
    MatchEntry,
    Mou,
    MouStatus,
    Organization,
    Phone,
    Schedule,
    SelfReferralSite,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

BATCH = 2000
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


# ---------------------------------------------------------------------------------------------
# Taxonomy
# ---------------------------------------------------------------------------------------------


def taxonomy_ensure() -> dict[str, TaxonomyTerm]:
    """Create deflect's taxonomy and its terms if missing (idempotent); return terms by code."""
    taxonomy, _ = Taxonomy.objects.get_or_create(
        id=tx.TAXONOMY_ID,
        defaults={
            "name": tx.TAXONOMY_NAME,
            "description": tx.TAXONOMY_DESCRIPTION,
            "version": tx.TAXONOMY_VERSION,
        },
    )
    existing = {t.id: t for t in TaxonomyTerm.objects.filter(taxonomy=taxonomy)}
    missing = [
        TaxonomyTerm(
            id=term.id,
            code=term.code,
            name=str(term.name),
            description=f"{term.group}: {term.name}",
            taxonomy=taxonomy,
            language="en",
        )
        for term in tx.TERMS.values()
        if term.id not in existing
    ]
    TaxonomyTerm.objects.bulk_create(missing)
    for term in tx.TERMS.values():  # parents after every term exists
        if term.parent:
            TaxonomyTerm.objects.filter(id=term.id, parent__isnull=True).update(
                parent_id=tx.TERMS[term.parent].id
            )
    return {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy=taxonomy)}


def attributes_set(*, link_entity: str, link_id: Any, codes: Iterable[str]) -> None:
    """Tag one object with deflect terms (the terms must exist: ``taxonomy_ensure``)."""
    Attribute.objects.bulk_create(
        [
            Attribute(
                link_entity=link_entity,
                link_id=link_id,
                link_type="deflect",
                taxonomy_term_id=tx.TERMS[code].id,
            )
            for code in codes
        ],
        ignore_conflicts=True,
    )


# ---------------------------------------------------------------------------------------------
# The match index
# ---------------------------------------------------------------------------------------------


def _openings(schedules: list[dict], today: dt.date) -> str:
    """Weekly schedules in force today → ``MatchEntry.hours``. A schedule that opens all day
    every day (or 00:00–00:00) is ``24/7``."""
    openings: list[matching.Opening] = []
    for s in schedules:
        if s["freq"] not in ("", "WEEKLY"):
            continue
        if (s["valid_to"] and s["valid_to"] < today) or (s["until"] and s["until"] < today):
            continue
        days = [d.strip().upper()[-2:] for d in (s["byday"] or "").split(",") if d.strip()]
        weekdays = [DAY_CODES.index(d) for d in days if d in DAY_CODES] or (
            list(range(7)) if s["opens_at"] or s["closes_at"] else []
        )
        opens = s["opens_at"] or dt.time(0, 0)
        closes = s["closes_at"] or dt.time(0, 0)
        openings += [matching.Opening(d, opens, closes) for d in weekdays]
    if len(openings) == 7 and all(
        o.opens == dt.time(0, 0) and o.closes in (dt.time(0, 0), dt.time(23, 59)) for o in openings
    ):
        return matching.ALWAYS_OPEN
    return matching.format_hours(openings)


def match_index_refresh(service_ids: Iterable[Any] | None = None) -> int:
    """Rebuild the match index rows of these services (all when ``None``); set-based reads,
    one pass in Python over the loaded rows. Returns the number of rows written."""
    sal = ServiceAtLocation.objects.all()
    ids = None if service_ids is None else list(dict.fromkeys(service_ids))
    if ids is not None:
        sal = sal.filter(service_id__in=ids)
    rows = list(
        sal.values(
            "id",
            "service_id",
            "location_id",
            "service__organization_id",
            "service__status",
            "service__minimum_age",
            "service__maximum_age",
            "service__interpretation_services",
            "location__latitude",
            "location__longitude",
        )
    )
    if not rows:
        if ids is not None:
            MatchEntry.objects.filter(service_id__in=ids).delete()
        return 0
    linked = (
        {r["id"] for r in rows} | {r["service_id"] for r in rows} | {r["location_id"] for r in rows}
    )
    tags: dict[Any, int] = defaultdict(int)
    codes = {t.id: t.mask for t in tx.TERMS.values()}
    by_code = {
        pk: tx.TERMS[code].mask
        for pk, code in TaxonomyTerm.objects.filter(code__in=tx.TERMS).values_list("id", "code")
    }
    codes.update(by_code)
    for link_id, term_id in _in_chunks(
        linked,
        lambda chunk: Attribute.objects.filter(link_id__in=chunk).values_list(
            "link_id", "taxonomy_term_id"
        ),
    ):
        tags[link_id] |= codes.get(term_id, 0)
    languages: dict[Any, set[str]] = defaultdict(set)
    service_ids_ = {r["service_id"] for r in rows}
    location_ids = {r["location_id"] for r in rows}
    for service_id, location_id, code, name in _in_chunks(
        service_ids_ | location_ids,
        lambda chunk: (
            Language.objects.filter(service_id__in=chunk).values_list(
                "service_id", "location_id", "code", "name"
            )
            | Language.objects.filter(location_id__in=chunk).values_list(
                "service_id", "location_id", "code", "name"
            )
        ),
    ):
        key = (code or name[:2]).lower()
        if key:
            languages[service_id or location_id].add(key)
    schedules: dict[Any, list[dict]] = defaultdict(list)
    schedule_fields = ("freq", "valid_to", "until", "byday", "opens_at", "closes_at")
    for s in _in_chunks(
        linked,
        lambda chunk: (
            Schedule.objects.filter(service_id__in=chunk).values(
                "service_id", "location_id", "service_at_location_id", *schedule_fields
            )
            | Schedule.objects.filter(location_id__in=chunk).values(
                "service_id", "location_id", "service_at_location_id", *schedule_fields
            )
            | Schedule.objects.filter(service_at_location_id__in=chunk).values(
                "service_id", "location_id", "service_at_location_id", *schedule_fields
            )
        ),
    ):
        owner = s["service_at_location_id"] or s["service_id"] or s["location_id"]
        if s not in schedules[owner]:
            schedules[owner].append(s)
    today = timezone.localdate()
    entries = []
    for r in rows:
        mask = tags[r["service_id"]] | tags[r["location_id"]] | tags[r["id"]]
        if r["service__interpretation_services"]:
            mask |= tx.TERMS["interpretation"].mask
        spoken = {"en"} | languages[r["service_id"]] | languages[r["location_id"]]
        own = (
            schedules.get(r["id"])
            or schedules.get(r["service_id"])
            or schedules.get(r["location_id"])
            or []
        )
        lat, lon = r["location__latitude"], r["location__longitude"]
        entries.append(
            MatchEntry(
                service_at_location_id=r["id"],
                service_id=r["service_id"],
                organization_id=r["service__organization_id"],
                active=r["service__status"] == ServiceStatus.ACTIVE,
                latitude=None if lat is None else float(lat),
                longitude=None if lon is None else float(lon),
                tags=mask,
                minimum_age=r["service__minimum_age"],
                maximum_age=r["service__maximum_age"],
                languages="," + ",".join(sorted(spoken))[:190] + ",",
                hours=_openings(own, today)[:500],
            )
        )
    with transaction.atomic():
        if ids is None:
            MatchEntry.objects.all().delete()
        else:
            MatchEntry.objects.filter(service_id__in=ids).delete()
        MatchEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


T = TypeVar("T")
R = TypeVar("R")


def _in_chunks(
    values: Iterable[T], query: Callable[[list[T]], Iterable[R]], size: int = 900
) -> Iterator[R]:
    values = list(values)
    for start in range(0, len(values), size):
        yield from query(values[start : start + size])


# ---------------------------------------------------------------------------------------------
# Live capacity
# ---------------------------------------------------------------------------------------------


def capacity_may_update(actor: Any, service: Service) -> bool:
    """Provider staff of the agency linked to the service's organization."""
    agency_id = service.organization.agency_id
    return agency_id is not None and agency_id in granting_agency_ids(actor, caps.CAPACITY_UPDATE)


@atomic_service
def capacity_update(
    *,
    actor: Any,
    service_id: Any,
    unit: str,
    available: int,
    maximum: int | None = None,
    description: str = "",
) -> ServiceCapacity:
    """The only writer of ServiceCapacity: one figure per service and unit, stamped with who
    and when, audited with the previous value."""
    require(actor, caps.CAPACITY_UPDATE)
    service = (
        Service.objects.select_related("organization").filter(pk=service_id).first()
        if _is_uuid(service_id)
        else None
    )
    if service is None:
        raise Http404("No such service.")
    if not capacity_may_update(actor, service):
        raise deny(actor, caps.CAPACITY_UPDATE, service, "not this organization's staff")
    errors: dict[str, list[str]] = {}
    if unit not in CapacityUnit.values:
        errors["unit"] = [f"Must be one of {', '.join(CapacityUnit.values)}."]
    if available is None or available < 0:
        errors["available"] = ["Must be zero or more."]
    if maximum is not None and (maximum < 0 or (available is not None and available > maximum)):
        errors["maximum"] = ["Must be at least the number available."]
    if errors:
        raise ValidationFailed("The capacity figure is not valid.", fields=errors)
    capacity = (
        ServiceCapacity.objects.select_for_update().filter(service=service, unit=unit).first()
    )
    previous = None if capacity is None else capacity.available
    now = timezone.now()
    if capacity is None:
        capacity = ServiceCapacity(service=service, unit=unit)
    capacity.available = available
    capacity.maximum = maximum
    capacity.description = description
    capacity.updated = now
    capacity.updated_by = actor
    capacity.save()
    audit_record(
        action=Action.CAPACITY_UPDATE,
        actor=actor,
        target=service,
        extra={"unit": unit, "available": available, "previous": previous},
    )
    return capacity


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# MOUs
# ---------------------------------------------------------------------------------------------

MOU_PIPELINE = pipeline.PIPELINE
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = (".pdf", ".doc", ".docx", ".odt", ".png", ".jpg", ".jpeg")


def _mou_errors(
    *,
    status: str,
    signed_on: dt.date | None,
    expires_on: dt.date | None,
    covers: str,
    document: Any,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (covers or "").strip():
        errors["covers"] = ["Say what the agreement covers."]
    if status == MouStatus.ACTIVE and signed_on is None:
        errors["signed_on"] = ["An active MOU needs the date it was signed."]
    if signed_on and expires_on and expires_on <= signed_on:
        errors["expires_on"] = ["Must be after the signing date."]
    if document is not None:
        name = getattr(document, "name", "").lower()
        if not name.endswith(DOCUMENT_TYPES):
            errors["document"] = ["Upload a PDF, Word, OpenDocument or image file."]
        elif getattr(document, "size", 0) > MAX_DOCUMENT_BYTES:
            errors["document"] = ["The file is larger than 10 MB."]
    return errors


@atomic_service
def mou_create(
    *,
    actor: Any,
    program: Any,
    organization_id: Any,
    status: str = MouStatus.DRAFT,
    signed_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    covers: str = "",
    warm_handoff: bool = False,
    document: Any = None,
) -> Mou:
    require(actor, caps.MOU_MANAGE, program)
    errors = _mou_errors(
        status=status, signed_on=signed_on, expires_on=expires_on, covers=covers, document=document
    )
    if status not in (MouStatus.DRAFT, MouStatus.ACTIVE):
        errors["status"] = ["A new MOU is a draft or active."]
    organization = (
        Organization.objects.filter(pk=organization_id).first()
        if _is_uuid(organization_id)
        else None
    )
    if organization is None:
        errors["organization"] = ["Choose an organization from the directory."]
    if errors:
        raise ValidationFailed("The MOU could not be saved.", fields=errors)
    assert organization is not None  # else ``errors`` named it
    mou = Mou(
        program=program,
        organization=organization,
        status=status,
        signed_on=signed_on,
        expires_on=expires_on,
        covers=covers.strip(),
        warm_handoff=warm_handoff,
        created_by=actor,
    )
    if document is not None:
        mou.document.save(document.name, document, save=False)
    mou.save()
    audit_record(
        action=Action.MOU_CREATE,
        actor=actor,
        target=mou,
        extra={"organization": organization.name, "status": status},
    )
    return mou


@atomic_service
def mou_transition(
    *, actor: Any, mou_id: Any, status: str, signed_on: dt.date | None = None
) -> Mou:
    """Moves Mou.status after creation (``resources.pipeline``), for the coordinator."""
    mou = get_for(actor, Mou, mou_id)
    mou = Mou.objects.select_for_update().get(pk=mou.pk)
    if status not in MOU_PIPELINE.get(mou.status, {}):
        raise InvalidTransition(
            f"An MOU that is {mou.get_status_display().lower()} cannot become {status}.",
            code=pipeline.MOU.code,
        )
    if signed_on is not None:
        mou.signed_on = signed_on
    if status == MouStatus.ACTIVE and mou.signed_on is None:
        raise ValidationFailed(
            "An active MOU needs the date it was signed.",
            fields={"signed_on": ["Required to activate."]},
        )
    return transition(mou, status, actor=actor, party=pipeline.COORDINATOR, also=["signed_on"])


def mou_expire_overdue(*, actor: User, today: dt.date | None = None) -> int:
    """Scheduled job: active MOUs past their expiry date become expired, each with its history
    row and audit event (``actor``: the system actor of scheduled jobs)."""
    today = today or timezone.localdate()
    count = 0
    for mou in Mou.objects.filter(status=MouStatus.ACTIVE, expires_on__lt=today):
        with transaction.atomic():
            try:
                transition(
                    mou,
                    MouStatus.EXPIRED,
                    actor=actor,
                    party=pipeline.SCHEDULE,
                    reason=f"expired on {mou.expires_on}",  # an ISO date (the filter above)
                )
            except InvalidTransition:
                continue  # moved by a coordinator since the list was read
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Self-referral sites
# ---------------------------------------------------------------------------------------------


@atomic_service
def self_referral_site_create(
    *,
    actor: Any,
    program: Any,
    name: str,
    address_1: str,
    city: str,
    state_province: str,
    postal_code: str,
    phone: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    hours_description: str = "",
    what_to_expect: str = "",
    agency: Any = None,
) -> SelfReferralSite:
    """A station where people may walk in for help: an HSDS location (with its address and
    phone) and the program's site record. Coordinators of the program (MOU_MANAGE)."""
    require(actor, caps.MOU_MANAGE, program)
    required = {
        "name": name,
        "address_1": address_1,
        "city": city,
        "state_province": state_province,
        "postal_code": postal_code,
    }
    errors = {key: ["Required."] for key, value in required.items() if not (value or "").strip()}
    if (latitude is None) != (longitude is None):
        errors["longitude"] = ["Give both latitude and longitude, or neither."]
    if agency is not None and not program.agencies.filter(pk=agency.pk).exists():
        errors["agency"] = ["Choose an agency of this program."]
    if errors:
        raise ValidationFailed("The site could not be saved.", fields=errors)
    location = Location.objects.create(
        name=name.strip(),
        latitude=None if latitude is None else round(latitude, 6),
        longitude=None if longitude is None else round(longitude, 6),
    )
    Address.objects.create(
        location=location,
        address_1=address_1.strip(),
        city=city.strip(),
        state_province=state_province.strip(),
        postal_code=postal_code.strip(),
        country="US",
    )
    if phone.strip():
        Phone.objects.create(location=location, number=phone.strip())
    site = SelfReferralSite.objects.create(
        program=program,
        location=location,
        agency=agency,
        hours_description=hours_description.strip(),
        what_to_expect=what_to_expect.strip(),
    )
    audit_record(
        action=Action.SELF_REFERRAL_SITE_CREATE,
        actor=actor,
        target=site,
        extra={"program": program.pk, "name": location.name},
    )
    return site
