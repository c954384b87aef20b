"""Reads of the resource directory.

The directory itself (organizations, services, locations, hours, phones) is public information
about providers, not about people: the public pages read it without an actor. Matching takes
the actor, because who asks (their program's MOUs) changes the ranking, and is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from deflect.access import capabilities as caps
from deflect.access.policy import granting_agency_ids, require, visible_to
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.programs.models import Program, ProgramAgency

from . import matching
from . import taxonomy as tx
from .models import (
    Address,
    Location,
    MatchEntry,
    Mou,
    MouStatus,
    Phone,
    SelfReferralSite,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
)

MOU_WARNING_DAYS = 60
MAX_LIMIT = 50


@dataclass(frozen=True)
class ServiceMatch:
    """One ranked result: the match (score, distance, reasons) and what a responder needs to
    act on it (names, address, phone, hours)."""

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
    reasons: tuple[str, ...]
    stale_capacity: bool
    open_now: bool | None
    mou_partner: bool


def mou_partners(program_ids: set[int], today: dt.date | None = None) -> dict[Any, bool]:
    """Organizations with an MOU in force with any of these programs → takes warm handoffs."""
    today = today or timezone.localdate()
    partners: dict[Any, bool] = {}
    for org_id, warm in (
        Mou.objects.filter(
            program_id__in=program_ids, status=MouStatus.ACTIVE, signed_on__isnull=False
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("organization_id", "warm_handoff")
    ):
        partners[org_id] = partners.get(org_id, False) or warm
    return partners


def _programs_of(actor: Any) -> set[int]:
    agencies = granting_agency_ids(actor, caps.RESOURCE_MATCH)
    return set(
        ProgramAgency.objects.filter(agency_id__in=agencies, program__is_active=True).values_list(
            "program_id", flat=True
        )
    )


def candidate_entries(needs: matching.Needs) -> QuerySet:
    """The SQL hard filters: active, inside the distance box, tags, ages, language."""
    qs = MatchEntry.objects.filter(active=True)
    if needs.latitude is not None and needs.longitude is not None:
        lat0, lat1, lon0, lon1 = matching.bounding_box(
            needs.latitude, needs.longitude, needs.max_distance_km
        )
        qs = qs.filter(latitude__range=(lat0, lat1), longitude__range=(lon0, lon1))
    required = 0
    any_of: list[int] = []
    if needs.level_of_care:
        any_of.append(tx.mask_of(tx.LEVEL_CATEGORIES.get(needs.level_of_care, ("",))) or 0)
    required |= tx.mask_of(c for c in needs.categories if c in tx.TERMS)
    if needs.moud == "any":
        any_of.append(tx.MOUD_ANY)
    elif needs.moud:
        # An unknown medication asks for a bit no service has: no match.
        required |= tx.mask_of([tx.MOUD_CATEGORIES.get(needs.moud, "")]) or (1 << 62)
    # "Open now" is decided on the survivors' hours (matching.is_open), not in SQL.
    annotations: dict[str, Any] = {}
    filters = Q()
    if required:
        annotations["_req"] = F("tags").bitand(required)
        filters &= Q(_req=required)
    for i, mask in enumerate(any_of):
        annotations[f"_any{i}"] = F("tags").bitand(mask)
        filters &= Q(**{f"_any{i}__gt": 0}) if mask else Q(pk__in=[])
    gender = tx.mask_of(tx.GENDER_TERMS.get(needs.gender, ()))
    if gender:
        annotations["_gender"] = F("tags").bitand(tx.GENDER_MASK)
        annotations["_gender_ok"] = F("tags").bitand(gender)
        filters &= Q(_gender=0) | Q(_gender_ok__gt=0)
    insurance = tx.INSURANCE_TERMS.get(needs.insurance)
    if insurance:
        annotations["_ins"] = F("tags").bitand(tx.INSURANCE_MASK)
        annotations["_ins_ok"] = F("tags").bitand(tx.TERMS[insurance].mask)
        filters &= Q(_ins=0) | Q(_ins_ok__gt=0)
    if needs.language and needs.language.lower() != "en":
        annotations["_interp"] = F("tags").bitand(tx.TERMS["interpretation"].mask)
        filters &= Q(languages__contains=f",{needs.language.lower()},") | Q(_interp__gt=0)
    if needs.age is not None:
        filters &= Q(minimum_age__isnull=True) | Q(minimum_age__lte=needs.age)
        filters &= Q(maximum_age__isnull=True) | Q(maximum_age__gte=needs.age)
    if annotations:
        qs = qs.annotate(**annotations)
    return qs.filter(filters)


ENTRY_FIELDS = (
    "service_at_location_id",
    "service_id",
    "organization_id",
    "latitude",
    "longitude",
    "tags",
    "minimum_age",
    "maximum_age",
    "languages",
    "hours",
)


def candidates_from(rows: list[dict], partners: dict[Any, bool]) -> list[matching.Candidate]:
    """Plain candidates for ``matching.rank``: the rows plus their capacity figures."""
    capacities: dict[Any, list[matching.Capacity]] = defaultdict(list)
    service_ids = list({r["service_id"] for r in rows})
    for start in range(0, len(service_ids), 900):
        for c in ServiceCapacity.objects.filter(
            service_id__in=service_ids[start : start + 900]
        ).values(
            "service_id",
            "unit",
            "available",
            "updated",
            "updated_by__first_name",
            "updated_by__last_name",
            "updated_by__username",
        ):
            who = " ".join(
                filter(None, (c["updated_by__first_name"], c["updated_by__last_name"]))
            ) or (c["updated_by__username"] or "")
            capacities[c["service_id"]].append(
                matching.Capacity(c["unit"], c["available"], c["updated"], who)
            )
    return [
        matching.Candidate(
            service_at_location_id=str(r["service_at_location_id"]),
            service_name=r.get("service__name", ""),
            organization_name=r.get("organization__name", ""),
            tags=r["tags"],
            latitude=r["latitude"],
            longitude=r["longitude"],
            minimum_age=r["minimum_age"],
            maximum_age=r["maximum_age"],
            languages=frozenset(filter(None, r["languages"].split(","))),
            hours=r["hours"],
            capacities=tuple(capacities.get(r["service_id"], ())),
            mou_partner=r["organization_id"] in partners,
            mou_warm_handoff=partners.get(r["organization_id"], False),
        )
        for r in rows
    ]


def rank_needs(
    needs: matching.Needs,
    *,
    program_ids: set[int],
    now: dt.datetime | None = None,
    limit: int = 10,
) -> list[matching.Match]:
    """SQL hard filters, then the pure ranking of the survivors."""
    now = timezone.localtime(now)
    rows = list(
        candidate_entries(needs).values(*ENTRY_FIELDS, "service__name", "organization__name")
    )
    partners = mou_partners(program_ids, now.date())
    return matching.rank(candidates_from(rows, partners), needs, now, limit=limit)


def rank_needs_brute_force(
    needs: matching.Needs, *, program_ids: set[int], now: dt.datetime | None = None, limit: int = 10
) -> list[matching.Match]:
    """The floor to beat (benchmarks): every entry through the pure rules, no SQL filter."""
    now = timezone.localtime(now)
    rows = list(
        MatchEntry.objects.values(*ENTRY_FIELDS, "service__name", "organization__name", "active")
    )
    partners = mou_partners(program_ids, now.date())
    candidates = [
        c if r["active"] else _inactive(c)
        for c, r in zip(candidates_from(rows, partners), rows, strict=True)
    ]
    return matching.rank(candidates, needs, now, limit=limit)


def _inactive(c: matching.Candidate) -> matching.Candidate:
    return replace(c, active=False)


def service_match(
    *, actor: Any, needs: matching.Needs, now: dt.datetime | None = None, limit: int = 10
) -> list[ServiceMatch]:
    """Ranked services for ``needs``, each with its plain-language reasons. Needs
    RESOURCE_MATCH; the actor's programs' MOUs count. Audited (the needs themselves are not
    written to the log: they may be clinical)."""
    require(actor, caps.RESOURCE_MATCH)
    limit = max(1, min(limit, MAX_LIMIT))
    matches = rank_needs(needs, program_ids=_programs_of(actor), now=now, limit=limit)
    audit_record(
        action=Action.RESOURCE_MATCH,
        actor=actor,
        extra={"results": len(matches), "needed_now": needs.needed_now},
    )
    return _presented(matches)


def _presented(matches: list[matching.Match]) -> list[ServiceMatch]:
    ids = [m.candidate.service_at_location_id for m in matches]
    sals = {
        str(s.pk): s
        for s in ServiceAtLocation.objects.filter(pk__in=ids)
        .select_related("service__organization", "location")
        .prefetch_related(
            Prefetch("location__addresses", queryset=Address.objects.order_by("address_type")),
            "location__phones",
            "service__phones",
            "phones",
        )
    }
    out = []
    for m in matches:
        sal = sals[m.candidate.service_at_location_id]
        out.append(
            ServiceMatch(
                service_at_location_id=str(sal.pk),
                service_id=str(sal.service_id),
                organization_id=str(sal.service.organization_id),
                service_name=sal.service.name,
                organization_name=sal.service.organization.name,
                location_name=sal.location.name,
                address=_address_text(sal.location),
                phone=_phone_of(sal),
                hours=matching.describe_hours(m.candidate.hours, m.candidate.tags),
                score=m.score,
                distance_km=m.distance_km,
                reasons=m.reasons,
                stale_capacity=m.stale_capacity,
                open_now=m.open_now,
                mou_partner=m.candidate.mou_partner,
            )
        )
    return out


def _address_text(location: Location) -> str:
    addresses = list(location.addresses.all())
    if not addresses:
        return ""
    a = addresses[0]
    street = ", ".join(filter(None, (a.address_1, a.address_2)))
    return f"{street}, {a.city}, {a.state_province} {a.postal_code}"


def _phone_of(sal: ServiceAtLocation) -> str:
    for phones in (sal.phones.all(), sal.service.phones.all(), sal.location.phones.all()):
        for p in phones:
            return p.number + (f" ext. {p.extension}" if p.extension else "")
    return ""


# ---------------------------------------------------------------------------------------------
# The public directory and the resource guide
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryEntry:
    service_at_location_id: str
    service_name: str
    organization_name: str
    description: str
    location_name: str
    address: str
    phone: str
    hours: str
    categories: tuple[str, ...]
    features: tuple[str, ...]
    application_process: str
    website: str


def _entries_from(sals: Iterable[ServiceAtLocation], tags: dict[Any, int]) -> list[DirectoryEntry]:
    out = []
    for sal in sals:
        mask = tags.get(sal.pk, 0)
        hours = sal.match_entry.hours if hasattr(sal, "match_entry") else ""
        words = hours_words()
        out.append(
            DirectoryEntry(
                service_at_location_id=str(sal.pk),
                service_name=sal.service.name,
                organization_name=sal.service.organization.name,
                description=sal.service.description,
                location_name=sal.location.name,
                address=_address_text(sal.location),
                phone=_phone_of(sal),
                hours=matching.describe_hours(hours, mask, **words),
                categories=tuple(c for c in tx.codes_of(mask) if c in tx.CATEGORIES),
                features=tuple(
                    c for c in tx.codes_of(mask) if tx.TERMS[c].group != tx.Group.CATEGORY
                ),
                application_process=sal.service.application_process,
                website=sal.service.url or sal.service.organization.website,
            )
        )
    return out


_DAYS = (
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
)
assert _DAYS == matching.DAY_ABBREVIATIONS


def hours_words() -> dict:
    """Day names and the two fixed phrases of ``matching.describe_hours`` in the active
    language (the resource guide is printed in English or Spanish)."""

    return {
        "days": tuple(gettext(d) for d in _DAYS),
        "always": gettext("Open 24 hours, 7 days"),
        "unknown": gettext("Call for hours"),
    }


def directory_search(
    *, text: str = "", category: str = "", feature: str = "", limit: int = 200
) -> list[DirectoryEntry]:
    """Active services, optionally filtered by words, a category and a feature. No actor:
    the directory is public."""
    entries = MatchEntry.objects.filter(active=True)
    for code in (category, feature):
        if code in tx.TERMS:
            mask = tx.TERMS[code].mask
            entries = entries.annotate(**{f"_{code.replace('-', '_')}": F("tags").bitand(mask)})
            entries = entries.filter(**{f"_{code.replace('-', '_')}__gt": 0})
    sals = ServiceAtLocation.objects.filter(
        pk__in=entries.values("service_at_location_id")
    ).select_related("service__organization", "location", "match_entry")
    for word in text.split()[:6]:
        sals = sals.filter(
            Q(service__name__icontains=word)
            | Q(service__organization__name__icontains=word)
            | Q(service__description__icontains=word)
            | Q(location__addresses__city__icontains=word)
        ).distinct()
    sals = sals.prefetch_related(
        "location__addresses", "location__phones", "service__phones", "phones"
    ).order_by("service__organization__name", "service__name")[:limit]
    rows = list(sals)
    tags = {sal.pk: sal.match_entry.tags for sal in rows}
    return _entries_from(rows, tags)


def self_referral_sites(program: Program | None = None) -> list[dict]:
    sites = SelfReferralSite.objects.filter(is_active=True, accepts_walk_ins=True)
    if program is not None:
        sites = sites.filter(program=program)
    sites = sites.select_related("location", "agency", "program").prefetch_related(
        "location__addresses",
        Prefetch("location__phones", queryset=Phone.objects.order_by("number")),
    )
    return [
        {
            "name": s.location.name,
            "agency": s.agency.name if s.agency else "",
            "program": s.program.name,
            "address": _address_text(s.location),
            "phone": next((p.number for p in s.location.phones.all()), ""),
            "hours": s.hours_description,
            "what_to_expect": s.what_to_expect,
        }
        for s in sites
    ]


def guide_sections() -> list[tuple[str, list[DirectoryEntry]]]:
    """The resource guide: every active service under each guide category it offers (a
    service offering a sub-category, e.g. intensive outpatient, appears under its parent)."""
    entries = directory_search(limit=2000)
    sections = []
    for code in tx.GUIDE_CATEGORIES:
        children = {c for c in tx.CATEGORIES if tx.TERMS[c].parent == code} | {code}
        listed = [e for e in entries if children & set(e.categories)]
        if listed:
            sections.append((code, listed))
    return sections


# ---------------------------------------------------------------------------------------------
# Capacity and MOUs
# ---------------------------------------------------------------------------------------------


def capacity_services_for(*, actor: Any) -> list[dict]:
    """The services whose capacity ``actor`` keeps, with their current figures."""
    require(actor, caps.CAPACITY_UPDATE)
    agencies = granting_agency_ids(actor, caps.CAPACITY_UPDATE)
    services = (
        Service.objects.filter(organization__agency_id__in=agencies)
        .exclude(status=ServiceStatus.DEFUNCT)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "capacities",
                queryset=ServiceCapacity.objects.select_related("updated_by").order_by("unit"),
            )
        )
        .order_by("organization__name", "name")
    )
    now = timezone.now()
    return [
        {
            "service": s,
            "capacities": [
                {
                    "capacity": c,
                    "stale": now - c.updated > matching.STALE_AFTER,
                    "age": matching.age_text(now - c.updated),
                }
                for c in s.capacities.all()
            ],
        }
        for s in services
    ]


def mou_list_for(*, actor: Any) -> QuerySet[Mou]:
    require(actor, caps.MOU_MANAGE)
    return (
        visible_to(actor, Mou)
        .select_related("program", "organization")
        .order_by("program__name", "organization__name")
    )


def mou_warning(mou: Mou, today: dt.date | None = None) -> str:
    """ "expired", "expiring" (within 60 days) or ""."""
    today = today or timezone.localdate()
    if mou.status != MouStatus.ACTIVE or mou.expires_on is None:
        return ""
    if mou.expires_on < today:
        return "expired"
    if mou.expires_on <= today + dt.timedelta(days=MOU_WARNING_DAYS):
        return "expiring"
    return ""
