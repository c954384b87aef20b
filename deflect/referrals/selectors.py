"""Reads of referrals: the requester's side (program scope, REFERRAL_VIEW), the provider's side
(``InboundReferral``: the recipient agency only, REFERRAL_RECEIVE), the accounting of
disclosures. Reads of one referral are audited. What a provider reported about treatment
(status past acceptance, intake time, notes) is Part 2 data: ``referral_view`` withholds it
from actors without CLINICAL_VIEW, and the notes also without a consent naming their agency.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.models import Membership, User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.people.models import ConsentPurpose, Person
from deflect.people.selectors import consent_allows

from . import pipeline
from .models import Disclosure, InboundReferral, Referral, ReferralStatus

# What someone without clinical access sees instead of a provider-reported status.
CONFIDENTIAL_STATUS = "accepted"
CONFIDENTIAL_LABEL = "Accepted by the provider (treatment details are confidential)"
CLINICAL_STATUSES = frozenset(
    {ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD, ReferralStatus.COMPLETED}
    | {ReferralStatus.FAILED}
)


def clinical_allowed(actor: User, person: Person, source_agency_id: int | None) -> bool:
    """May ``actor`` read clinical (Part 2) information about ``person`` that came from
    ``source_agency_id``? Never at law-enforcement or prosecutor agencies (CLINICAL_VIEW is
    refused there); staff of the source agency may; anyone else only under a consent in force
    naming one of their agencies for care coordination or treatment."""
    if not can(actor, caps.CLINICAL_VIEW, person):
        return False
    agencies = list(
        Membership.objects.filter(
            user=actor,
            is_active=True,
            agency__is_active=True,
            role__in=caps.roles_with(caps.CLINICAL_VIEW),
        )
        .exclude(agency__kind__in=caps.DENIED_AT_AGENCY_KINDS[caps.CLINICAL_VIEW])
        .select_related("agency")
    )
    if any(m.agency_id == source_agency_id for m in agencies):
        return True
    now = timezone.now()
    return any(
        consent_allows(person, m.agency, purpose, now).allowed
        for m in agencies
        for purpose in (ConsentPurpose.CARE_COORDINATION, ConsentPurpose.TREATMENT)
    )


@audited_list(Action.REFERRAL_LIST, target_type="referrals.referral")
def referral_list_for(
    *,
    actor: User,
    status: str = "",
    flagged: bool = False,
    person_id: int | None = None,
    limit: int = 100,
    with_events: bool = False,
) -> list[Referral]:
    require(actor, caps.REFERRAL_VIEW)
    qs = visible_to(actor, Referral).select_related(
        "person", "service__organization", "recipient_agency", "requested_by", "encounter"
    )
    if with_events:
        qs = qs.prefetch_related("events")
    if status:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(no_response_flagged_at__isnull=False, status__in=pipeline.AWAITING_RESPONSE)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("-created_at", "-id")[: max(1, min(limit, 500))]


def referral_get_for(*, actor: User, referral_id: Any) -> Referral:
    referral = get_for(actor, Referral, referral_id)
    referral = (
        Referral.objects.select_related(
            "person",
            "service__organization",
            "recipient_agency",
            "requesting_agency",
            "requested_by",
            "encounter",
            "consent",
        )
        .prefetch_related("events__actor")
        .get(pk=referral.pk)
    )
    audit_record(
        action=Action.REFERRAL_READ,
        actor=actor,
        target=referral,
        extra={"person_id": referral.person_id},
    )
    return referral


@audited_list(Action.REFERRAL_INBOUND_LIST, target_type="referrals.referral")
def inbound_list_for(*, actor: User, status: str = "", limit: int = 100) -> list:
    require(actor, caps.REFERRAL_RECEIVE)
    qs = visible_to(actor, InboundReferral).select_related("service", "recipient_agency")
    qs = qs.exclude(status=ReferralStatus.DRAFT)
    if status == "open":
        qs = qs.exclude(status__in=pipeline.TERMINAL)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-sent_at", "-id")[: max(1, min(limit, 500))]


def inbound_counts(*, actor: User) -> dict[str, int]:
    """Counts for the provider's inbound list: awaiting an answer (and of those, late)."""
    now = timezone.now()
    qs = visible_to(actor, InboundReferral).filter(status__in=pipeline.AWAITING_RESPONSE)
    counts = qs.aggregate(awaiting=Count("pk"), late=Count("pk", filter=Q(response_due_at__lt=now)))
    active = visible_to(actor, InboundReferral).filter(
        status__in=[ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD]
    )
    return {**counts, "active": active.count()}


def inbound_get_for(*, actor: User, referral_id: Any) -> InboundReferral:
    referral = get_for(actor, InboundReferral, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        from django.http import Http404

        raise Http404("No such referral.")
    audit_record(
        action=Action.REFERRAL_READ,
        actor=actor,
        target=referral,
        extra={"person_id": referral.person_id, "side": "provider"},
    )
    return referral


def hours_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def referral_view(
    referral: Referral, actor: User, *, with_notes: bool = True, cache: dict | None = None
) -> dict[str, Any]:
    """The requester-side view of one referral for ``actor``, Part 2 data withheld as needed.
    Lists pass ``with_notes=False`` and one ``cache`` (the clinical decision per program)."""
    cache = {} if cache is None else cache
    key = ("clinical", referral.program_id)
    if key not in cache:
        cache[key] = can(actor, caps.CLINICAL_VIEW, referral.person)
    clinical = cache[key]
    notes = (
        with_notes
        and clinical
        and clinical_allowed(actor, referral.person, referral.recipient_agency_id)
    )
    status = referral.status
    label = referral.get_status_display()
    withheld = not clinical and status in CLINICAL_STATUSES
    if withheld:
        status, label = CONFIDENTIAL_STATUS, CONFIDENTIAL_LABEL
    encounter_at = referral.encounter.occurred_at if referral.encounter_id else None
    return {
        "status": status,
        "status_label": label,
        "status_reason": ""
        if withheld or (not clinical and referral.status == "failed")
        else referral.status_reason,
        "clinical_withheld": withheld or not notes,
        "intake_at": referral.intake_at if clinical else None,
        "hours_to_intake": hours_between(encounter_at or referral.sent_at, referral.intake_at)
        if clinical
        else None,
        "intake_note": referral.intake_note if notes else "",
        "provider_note": referral.provider_note if notes else "",
        "no_response": referral.no_response_flagged_at is not None
        and referral.status in pipeline.AWAITING_RESPONSE,
        "events": [
            e for e in referral.events.all() if clinical or e.to_status not in CLINICAL_STATUSES
        ],
    }


def disclosure_accounting(*, actor: User, person_id: int) -> tuple[Person, list[Disclosure]]:
    """A person's accounting of disclosures (every ledger row), audited with the rows' ids."""
    person = get_for(actor, Person, person_id)
    rows = list(
        visible_to(actor, Disclosure)
        .filter(person=person)
        .select_related("consent", "recipient_agency", "disclosed_by")
        .order_by("disclosed_at", "id")
    )
    audit_record(
        action=Action.DISCLOSURE_ACCOUNTING,
        actor=actor,
        target=person,
        extra={"count": len(rows), "ids": [d.pk for d in rows], "person_ids": [person.pk]},
    )
    return person, rows


def referable_services(*, actor: User) -> QuerySet:
    """Active services whose organization takes referrals through deflect."""
    from deflect.resources.models import Service, ServiceStatus

    return (
        Service.objects.filter(status=ServiceStatus.ACTIVE, organization__agency__isnull=False)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def referable_service_ids(*, service_ids: list[str]) -> set[str]:
    """Which of these services take referrals through deflect (their organization is run by an
    agency whose provider staff answer them)."""
    return {str(pk) for pk in referable_services_among(service_ids)}


def referable_services_among(service_ids: list[str]) -> QuerySet:
    from deflect.resources.models import Service, ServiceStatus

    return Service.objects.filter(
        pk__in=service_ids, status=ServiceStatus.ACTIVE, organization__agency__isnull=False
    ).values_list("pk", flat=True)
