"""Reads of referrals: the requester's side (program scope, REFERRAL_VIEW), the provider's side
(``InboundReferral``: the recipient agency only, REFERRAL_RECEIVE), the accounting of
disclosures. Reads of one referral are audited. The need and what a provider reported about
treatment (reasons, status past acceptance, intake, notes) are Part 2 data
(``access.disclosure.CLINICAL_FIELDS``): ``referral_view`` shows them only through the
disclosure gate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.disclosure import (
    categories_of,
    consent_records_visible,
    disclose,
    held_by,
    redact,
)
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.people.models import Person
from deflect.resources.models import Service, ServiceStatus

from . import pipeline
from .models import Disclosure, InboundReferral, Referral, ReferralStatus

# What someone without clinical access sees instead of a provider-reported status.
CONFIDENTIAL_STATUS = "accepted"
CONFIDENTIAL_LABEL = "Accepted by the provider (treatment details are confidential)"
CLINICAL_STATUSES = frozenset(
    {ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD, ReferralStatus.COMPLETED}
    | {ReferralStatus.FAILED}
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
    return list(qs.order_by("-created_at", "-id")[: max(1, min(limit, 500))])


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
    # What to answer next first: referrals awaiting an answer, the earliest answer due (so the
    # late ones) at the top; then the rest, the most recently sent first.
    awaiting = Q(status=ReferralStatus.REQUESTED)
    qs = qs.annotate(
        is_late=Case(
            When(awaiting & Q(response_due_at__lt=timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        answer_due=Case(When(awaiting, then=F("response_due_at")), default=None),
    )
    ordered = qs.order_by(F("answer_due").asc(nulls_last=True), "-sent_at", "-id")
    return list(ordered[: max(1, min(limit, 500))])


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
        raise Http404("No such referral.")
    audit_record(
        action=Action.REFERRAL_READ,
        actor=actor,
        target=referral,
        extra={"person_id": referral.person_id, "side": "provider"},
    )
    return referral


def inbound_reread_for(*, actor: User, referral_id: Any) -> InboundReferral:
    """The provider's view of a referral they have just changed (already read and audited
    through ``inbound_get_for``): re-read within what ``actor`` may see, no second read row."""
    return visible_to(actor, InboundReferral).get(pk=referral_id)


def hours_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def referral_view(
    referral: Referral, actor: User, *, with_notes: bool = True, cache: dict | None = None
) -> dict[str, Any]:
    """The requester-side view of one referral for ``actor``, its clinical fields
    (``access.disclosure.CLINICAL_FIELDS``) redacted. One referral's page passes the provider's
    Part 2 information through the disclosure gate (a ledger row and the §2.32 notice when it
    leaves the provider); lists (``with_notes=False``) show it only to the provider's own staff
    and the need only to the requesting agency's clinical staff, and disclose nothing."""
    cache = {} if cache is None else cache
    model = "referrals.referral"
    if with_notes:
        decision = disclose(
            actor=actor,
            person=referral.person,
            source_agency_id=referral.recipient_agency_id,
            categories=categories_of(model),
            referral=referral,
            program=referral.program,
            cache=cache,
        )
        granted, notice = decision.granted, decision.notice
    else:
        held = held_by(actor, referral.person, referral.recipient_agency_id, cache=cache)
        granted, notice = (categories_of(model) if held else frozenset()), ""
    encounter_at = referral.encounter.occurred_at if referral.encounter else None
    view = redact(
        model,
        {
            "need": referral.need,
            "status_reason": referral.status_reason,
            "event_reasons": True,
            "treatment_status": True,
            "intake_at": referral.intake_at,
            "hours_to_intake": hours_between(encounter_at or referral.sent_at, referral.intake_at),
            "intake_note": referral.intake_note,
            "provider_note": referral.provider_note,
        },
        granted,
    )
    if held_by(actor, referral.person, referral.requesting_agency_id, cache=cache):
        view["need"] = referral.need  # the requesting agency's own words
    status = referral.status
    label = referral.get_status_display()
    if not view["treatment_status"] and status in CLINICAL_STATUSES:
        status, label = CONFIDENTIAL_STATUS, CONFIDENTIAL_LABEL
    events = [
        e
        for e in referral.events.all()
        if view["treatment_status"] or e.to_status not in CLINICAL_STATUSES
    ]
    return {
        **view,
        "status": status,
        "status_label": label,
        "clinical_withheld": granted != categories_of(model),
        "notice": notice,
        "no_response": referral.no_response_flagged_at is not None
        and referral.status in pipeline.AWAITING_RESPONSE,
        "events": events,
    }


def none() -> QuerySet[Disclosure]:
    return Disclosure.objects.none()


def disclosure_accounting(*, actor: User, person_id: int) -> tuple[Person, list[Disclosure]]:
    """A person's accounting of disclosures (every ledger row), audited with the rows' ids. The
    ledger tells who received the person's treatment information: only clinical staff of the
    program see it (``access.disclosure.CONSENT_RECORDS``); anyone else gets no rows."""
    person = get_for(actor, Person, person_id)
    rows = list(
        (visible_to(actor, Disclosure) if consent_records_visible(actor, person) else none())
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
    return Service.objects.filter(
        pk__in=service_ids, status=ServiceStatus.ACTIVE, organization__agency__isnull=False
    ).values_list("pk", flat=True)
