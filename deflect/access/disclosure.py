"""Part 2 information leaving its source agency: which fields are clinical (declared once, here)
and the one gate every disclosure passes (``disclose``).

``CLINICAL_FIELDS`` names, per model, the fields that hold 42 CFR Part 2 information and the
kind of information (a consent's ``InformationCategory``) each one is. ``redact`` blanks the
fields whose kind the actor was not granted; selectors call it before values reach a view, an
API schema or a template.

``disclose`` decides, at the moment of showing, what an actor may see of a person's Part 2
information that came from one agency:

- law enforcement (police, fire, EMS agencies) and prosecutors' offices never see clinical
  fields (their memberships never grant CLINICAL_VIEW); a role without it sees none either;
- staff of the source agency itself see everything (nothing is disclosed);
- anyone else only the kinds of information covered by a consent in force at that moment that
  names their agency and the purpose; each such disclosure writes one disclosure-ledger row and
  carries the §2.32 notice.

A prosecutor's office (``JUSTICE_PURPOSE``, capability ABEYANCE_STATUS_VIEW) receives only the
compliance status, under a §2.35 consent naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from deflect.accounts.models import Agency, Membership, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record

from . import capabilities as caps
from .consent import ConsentPurpose, InformationCategory, consent_coverage
from .notice import REDISCLOSURE_NOTICE
from .policy import can, granting_agency_ids

# The consents and the disclosure ledger are domain models (people, referrals) above this floor:
# named by label, looked up through the app registry, never imported.
CONSENT_MODEL = "people.Consent"
DISCLOSURE_MODEL = "referrals.Disclosure"

# Kinds of information (``InformationCategory``) and one kind no consent discloses: a person's
# consents and the ledger of what was disclosed under them. Clinical staff of the program see
# those (CLINICAL_VIEW); law enforcement and prosecutors do not.
REFERRAL = str(InformationCategory.REFERRAL)
ATTENDANCE = str(InformationCategory.ATTENDANCE)
SCREENING = str(InformationCategory.SCREENING)
COMPLIANCE = str(InformationCategory.COMPLIANCE)
CONSENT_RECORDS = "consent_records"


class ProgramRecord(Protocol):
    """A person's record as the gate reads it (a ``people.Person``: access does not import it)."""

    @property
    def pk(self) -> Any: ...

    @property
    def program_id(self) -> int: ...


class ConsentRecord(Protocol):
    """A consent as the gate reads it (a ``people.Consent``)."""

    @property
    def pk(self) -> Any: ...

    @property
    def recipient_agency_id(self) -> int | None: ...

    @property
    def attested_by_id(self) -> int: ...


@dataclass(frozen=True)
class ClinicalField:
    category: str
    withheld: Any = ""  # what the field reads when withheld


# The one declaration of what is clinical. Selectors redact these fields through ``redact``.
CLINICAL_FIELDS: dict[str, dict[str, ClinicalField]] = {
    "referrals.referral": {
        # Written by the requester: what the person needs (often the substance and treatment).
        "need": ClinicalField(REFERRAL),
        # Reported by the provider: why it rejected or failed the referral, statuses past
        # acceptance, the intake and its notes.
        "status_reason": ClinicalField(REFERRAL),
        "event_reasons": ClinicalField(REFERRAL, withheld=False),
        "treatment_status": ClinicalField(ATTENDANCE, withheld=False),
        "intake_at": ClinicalField(ATTENDANCE, withheld=None),
        "hours_to_intake": ClinicalField(ATTENDANCE, withheld=None),
        "intake_note": ClinicalField(ATTENDANCE),
        "provider_note": ClinicalField(ATTENDANCE),
    },
    "cases.casenote": {
        # Clinical notes (NoteKind.CLINICAL); the author's agency is the source.
        "text": ClinicalField(ATTENDANCE),
    },
    "encounters.screening": {
        # The needs part of a screening (substances, withdrawal, history); eligibility is not.
        "needs": ClinicalField(SCREENING, withheld=None),
    },
    "people.consent": {
        name: ClinicalField(CONSENT_RECORDS, withheld=withheld)
        for name, withheld in (
            ("discloser", ""),
            ("information", ""),
            ("information_categories", []),
            ("recipient_agency_id", None),
            ("recipient_name", ""),
            ("purposes", []),
            ("expiry_event", ""),
            ("revocation_note", ""),
        )
    },
    "referrals.disclosure": {
        name: ClinicalField(CONSENT_RECORDS, withheld=withheld)
        for name, withheld in (
            ("recipient_name", ""),
            ("recipient_agency_id", None),
            ("purpose", ""),
            ("categories", []),
            ("consent_id", None),
            ("referral_id", None),
        )
    },
}

# The purposes that let another agency's clinical staff read Part 2 information, preferred first.
CARE_PURPOSES = (ConsentPurpose.CARE_COORDINATION, ConsentPurpose.TREATMENT)
JUSTICE_PURPOSE = ConsentPurpose.JUSTICE_MONITORING


def redact(model: str, values: dict[str, Any], granted: Iterable[str]) -> dict[str, Any]:
    """``values`` with every clinical field of ``model`` whose kind is not in ``granted``
    replaced by its withheld value. The only place clinical fields are blanked."""
    allowed = frozenset(granted)
    out = dict(values)
    for name, spec in CLINICAL_FIELDS[model].items():
        if name in out and spec.category not in allowed:
            out[name] = spec.withheld
    return out


def categories_of(model: str) -> frozenset[str]:
    return frozenset(spec.category for spec in CLINICAL_FIELDS[model].values())


@dataclass(frozen=True)
class DisclosureDecision:
    """What the actor may see: the kinds of information granted, and why. ``disclosure`` is the
    ledger row when information left its source agency (then ``notice`` is the §2.32 text)."""

    granted: frozenset[str]
    reason: str
    consent: ConsentRecord | None = None
    disclosure: Model | None = None
    notice: str = ""
    withheld: frozenset[str] = field(default_factory=frozenset)

    @property
    def allowed(self) -> bool:
        return bool(self.granted)


def consent_records_visible(
    actor: User, person: ProgramRecord, consent: ConsentRecord | None = None
) -> frozenset[str]:
    """May ``actor`` see the person's accounting of disclosures (clinical staff of the
    program), or, with ``consent``, that consent's details (clinical staff of the agency it
    names as recipient or of an agency of the staff member who recorded it)?"""
    if not can(actor, caps.CLINICAL_VIEW, person):
        return frozenset()
    if consent is not None:
        agencies = granting_agency_ids(actor, caps.CLINICAL_VIEW)
        if (
            consent.recipient_agency_id not in agencies
            and not Membership.objects.filter(
                user_id=consent.attested_by_id, agency_id__in=agencies, is_active=True
            ).exists()
        ):
            return frozenset()
    return frozenset({CONSENT_RECORDS})


def held_by(
    actor: User,
    person: ProgramRecord,
    source_agency_id: int | None,
    *,
    capability: str = caps.CLINICAL_VIEW,
    cache: dict | None = None,
) -> bool:
    """Does ``actor`` see the information as staff of its source agency (no disclosure)? Only
    through a role that grants ``capability`` there (never at law enforcement or prosecutors)."""
    cache = {} if cache is None else cache
    key = ("held", person.program_id, source_agency_id, capability)
    if key not in cache:
        cache[key] = (
            source_agency_id is not None
            and source_agency_id in granting_agency_ids(actor, capability)
            and can(actor, capability, person)
        )
    return cache[key]


def disclose(
    *,
    actor: User,
    person: ProgramRecord,
    source_agency_id: int | None,
    categories: Iterable[str],
    purposes: Iterable[str] = CARE_PURPOSES,
    capability: str = caps.CLINICAL_VIEW,
    referral: Any = None,
    program: Any = None,
    at: datetime | None = None,
    cache: dict | None = None,
) -> DisclosureDecision:
    """The one gate for showing ``person``'s Part 2 information of ``categories`` that came
    from ``source_agency_id`` to ``actor``, at ``at`` (now). Writes the disclosure-ledger row
    and returns the §2.32 notice when the information leaves its source agency; one decision
    per request and source when the caller passes the request's ``cache``."""
    requested = frozenset(str(c) for c in categories)
    wanted = tuple(str(p) for p in purposes)
    referral_id = getattr(referral, "pk", None)
    key = (person.pk, source_agency_id, requested, wanted, capability, referral_id)
    if cache is not None and key in cache:
        return cache[key]
    decision = _decide(
        actor=actor,
        person=person,
        source_agency_id=source_agency_id,
        requested=requested,
        purposes=wanted,
        capability=capability,
        referral=referral,
        program=program,
        at=at or timezone.now(),
    )
    if cache is not None:
        cache[key] = decision
    return decision


def _decide(
    *,
    actor: User,
    person: ProgramRecord,
    source_agency_id: int | None,
    requested: frozenset[str],
    purposes: tuple[str, ...],
    capability: str,
    referral: Any,
    program: Any,
    at: datetime,
) -> DisclosureDecision:
    if not requested:
        return DisclosureDecision(frozenset(), "nothing asked")
    if not can(actor, capability, person):
        return DisclosureDecision(
            frozenset(), "your role or agency may not see this information", withheld=requested
        )
    agencies = granting_agency_ids(actor, capability)
    if source_agency_id is not None and source_agency_id in agencies:
        return DisclosureDecision(requested, "your agency holds this information")
    consents = (
        apps.get_model(CONSENT_MODEL)
        .objects.filter(person=person, recipient_agency_id__in=agencies)
        .order_by("-signed_at", "-pk")
    )
    coverage = consent_coverage(
        consents, recipient_agency_ids=agencies, purposes=purposes, categories=requested, at=at
    )
    if not coverage.allowed:
        return DisclosureDecision(frozenset(), coverage.reason, withheld=requested)
    consent = coverage.consent
    assert consent is not None
    disclosure = ledger_record(
        actor=actor,
        person=person,
        consent=consent,
        purpose=coverage.purpose,
        categories=sorted(coverage.categories),
        referral=referral,
        program=program,
        at=at,
    )
    return DisclosureDecision(
        coverage.categories,
        coverage.reason,
        consent=consent,
        disclosure=disclosure,
        notice=REDISCLOSURE_NOTICE,
        withheld=requested - coverage.categories,
    )


@transaction.atomic
def ledger_record(
    *,
    actor: User,
    person: ProgramRecord,
    consent: ConsentRecord,
    purpose: str,
    categories: list[str],
    referral: Any,
    program: Any,
    at: datetime,
    recipient: Agency | None = None,
) -> Model:
    """The one writer of the disclosure ledger: a row with the §2.32 notice, and its audit
    event. Used by the gate and by the referral that sends its consent packet."""
    if recipient is None:
        if consent.recipient_agency_id is None:  # what Agency.objects.get(pk=None) would raise
            raise Agency.DoesNotExist("The consent names no recipient agency.")
        recipient = Agency.objects.get(pk=consent.recipient_agency_id)
    disclosure = apps.get_model(DISCLOSURE_MODEL).objects.create(
        person=person,
        program_id=getattr(program, "pk", None) or person.program_id,
        consent=consent,
        recipient_agency=recipient,
        recipient_name=recipient.name,
        purpose=purpose,
        categories=categories,
        disclosed_by=actor,
        disclosed_at=at,
        referral=referral,
        notice=REDISCLOSURE_NOTICE,
    )
    audit_record(
        action=Action.DISCLOSURE_RECORD,
        actor=actor,
        target=disclosure,
        extra={
            "person_id": person.pk,
            "recipient_agency_id": recipient.pk,
            "consent_id": consent.pk,
            "categories": categories,
            "purpose": purpose,
        },
    )
    return disclosure


def notice_of(cache: dict) -> str:
    """The §2.32 notice when any decision taken with this request's ``cache`` disclosed
    information; the page or response shows it with the disclosed content."""
    disclosed = any(
        isinstance(d, DisclosureDecision) and d.disclosure is not None for d in cache.values()
    )
    return REDISCLOSURE_NOTICE if disclosed else ""
