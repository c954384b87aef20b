"""42 CFR §2.31 written consent: the purposes and kinds of information a consent names, what a
complete consent holds, and whether one allows a disclosure at a given moment. Pure functions over
plain values; no database. It sits on the ground floor because the Part 2 disclosure gate
(``access.disclosure``) decides with it; the ``people`` app stores the consents (``people.Consent``,
passed in here as rows) and re-exports these names from ``people.consent`` and ``people.models``.

``consent_problems`` lists every missing or invalid element. ``consent_decision`` decides a
disclosure from a person's consents; ``people.selectors.consent_allows`` fetches the consents and
asks it, and is what disclosure code calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

# A ``people.Consent`` row. The people app is a domain app above this floor, so the model is
# not imported; the functions below read only its fields.
Consent = Any


class ConsentPurpose(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    PAYMENT = "payment", "Payment"
    HEALTH_CARE_OPERATIONS = "health_care_operations", "Health care operations"
    CARE_COORDINATION = "care_coordination", "Care coordination and referral"
    JUSTICE_MONITORING = "justice_monitoring", "Monitoring progress for the justice system (§2.35)"
    LEGAL_PROCEEDINGS = "legal_proceedings", "Use in legal proceedings"


class InformationCategory(models.TextChoices):
    CONTACT = "contact", "Name and contact details"
    SCREENING = "screening", "Screening results and level of care"
    REFERRAL = "referral", "Referral and intake status"
    ATTENDANCE = "attendance", "Treatment attendance and progress"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    MEDICATION = "medication", "Medications (including MOUD)"
    COMPLIANCE = "compliance", "Program compliance status only"


DEFAULT_REVOCATION_STATEMENT = (
    "I may revoke this consent at any time, except for information already disclosed in "
    "reliance on it, by telling program staff in person, by phone or in writing. Revoking it "
    "does not affect my eligibility for services."
)
# A signing time this far ahead of the server clock is taken as a clock difference, not a lie.
CLOCK_SKEW = timedelta(minutes=5)
# Descriptions too general to identify the information "in a specific and meaningful fashion".
VAGUE_DESCRIPTIONS = frozenset(
    {
        "all",
        "any",
        "everything",
        "all records",
        "all my records",
        "my records",
        "records",
        "all information",
        "any information",
        "information",
        "all of it",
    }
)


@dataclass(frozen=True)
class ConsentElements:
    """The §2.31 elements of one consent, as plain values."""

    patient_name: str = ""
    discloser: str = ""
    information: str = ""
    information_categories: tuple[str, ...] = ()
    recipient_name: str = ""
    recipient_agency_id: int | None = None
    purposes: tuple[str, ...] = ()
    expires_on: date | None = None
    expiry_event: str = ""
    revocation_statement: str = ""
    signature_name: str = ""
    signed_at: datetime | None = None
    attested: bool = False
    attested_by_id: int | None = None


# The elements a complete consent must carry, in the order the problems are listed, with the
# fields that hold each one ("dropping" an element empties all of its fields).
REQUIRED_ELEMENTS: dict[str, tuple[str, ...]] = {
    "person name": ("patient_name",),
    "who may disclose": ("discloser",),
    "description of information": ("information", "information_categories"),
    "recipient": ("recipient_name", "recipient_agency_id"),
    "purpose": ("purposes",),
    "expiry": ("expires_on", "expiry_event"),
    "revocation statement": ("revocation_statement",),
    "signature": ("signature_name",),
    "signed date": ("signed_at",),
    "attestation": ("attested", "attested_by_id"),
}


def _blank(value: Any) -> bool:
    return not (value.strip() if isinstance(value, str) else value)


def consent_field_problems(
    elements: ConsentElements, *, now: datetime | None = None
) -> dict[str, list[str]]:
    """Every missing or invalid element, by field name."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    e = elements
    if _blank(e.patient_name):
        add("patient_name", "The person's name is missing.")
    if _blank(e.discloser):
        add("discloser", "Who may disclose the information is missing.")
    if _blank(e.information):
        add("information", "A specific description of the information to disclose is missing.")
    elif " ".join(e.information.lower().replace(".", " ").split()) in VAGUE_DESCRIPTIONS:
        add("information", "Describe the information specifically, not as 'all records'.")
    if not e.information_categories:
        add("information_categories", "Choose at least one kind of information.")
    for category in e.information_categories:
        if category not in InformationCategory.values:
            add("information_categories", f"Unknown kind of information: {category!r}.")
    if _blank(e.recipient_name):
        add("recipient_name", "The recipient is missing.")
    if not e.purposes:
        add("purposes", "The purpose of the disclosure is missing.")
    for purpose in e.purposes:
        if purpose not in ConsentPurpose.values:
            add("purposes", f"Unknown purpose: {purpose!r}.")
    if ConsentPurpose.LEGAL_PROCEEDINGS in e.purposes and len(set(e.purposes)) > 1:
        add(
            "purposes",
            "A consent for use in legal proceedings cannot be combined with any other purpose.",
        )
    if e.expires_on is None and _blank(e.expiry_event):
        add("expires_on", "An expiry date or an expiry event is missing.")
    if _blank(e.revocation_statement):
        add("revocation_statement", "The statement of the right to revoke, and how, is missing.")
    if _blank(e.signature_name):
        add("signature_name", "The signature (the person's typed name) is missing.")
    if e.signed_at is None:
        add("signed_at", "The date of signing is missing.")
    else:
        if now is not None and e.signed_at > now + CLOCK_SKEW:
            add("signed_at", "The date of signing is in the future.")
        signed_day = (
            timezone.localdate(e.signed_at)
            if timezone.is_aware(e.signed_at)
            else e.signed_at.date()
        )
        if e.expires_on is not None and e.expires_on < signed_day:
            add("expires_on", "The expiry date is before the date of signing.")
    if not e.attested or e.attested_by_id is None:
        add("attested", "The recording staff member's attestation is missing.")
    return problems


def consent_problems(elements: ConsentElements, *, now: datetime | None = None) -> list[str]:
    """Every missing or invalid §2.31 element, in words; empty when the consent is complete."""
    return [
        message
        for messages in consent_field_problems(elements, now=now).values()
        for message in messages
    ]


def without(elements: ConsentElements, *names: str) -> ConsentElements:
    """The same consent with the named elements (keys of ``REQUIRED_ELEMENTS``) left out."""
    emptied = {}
    defaults = {f.name: f.default for f in fields(ConsentElements)}
    for name in names:
        for field_name in REQUIRED_ELEMENTS[name]:
            emptied[field_name] = defaults[field_name]
    return ConsentElements(**{**elements.__dict__, **emptied})


def describe_information(categories: Iterable[str], details: str = "") -> str:
    """A description of the information from its kinds, e.g. "Referral and intake status"."""
    labels = dict(InformationCategory.choices)
    parts = [str(labels[c]) for c in categories if c in labels]
    text = "; ".join(parts)
    details = details.strip()
    return f"{text}. {details}" if text and details else text or details


def elements_of(consent: Consent) -> ConsentElements:
    return ConsentElements(
        patient_name=consent.patient_name,
        discloser=consent.discloser,
        information=consent.information,
        information_categories=tuple(consent.information_categories or ()),
        recipient_name=consent.recipient_name,
        recipient_agency_id=consent.recipient_agency_id,
        purposes=tuple(consent.purposes or ()),
        expires_on=consent.expires_on,
        expiry_event=consent.expiry_event,
        revocation_statement=consent.revocation_statement,
        signature_name=consent.signature_name,
        signed_at=consent.signed_at,
        attested=consent.attested_by_id is not None,
        attested_by_id=consent.attested_by_id,
    )


# --- the disclosure decision -------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentDecision:
    allowed: bool
    consent: Consent | None  # the consent that allows it; None when refused
    reason: str = ""


@dataclass(frozen=True)
class _Standing:
    """Why one consent does or does not allow the disclosure (lower rank: closer to allowing)."""

    rank: int
    reason: str
    consent: Any = field(default=None, compare=False)


def consent_status(consent: Consent, *, at: datetime) -> tuple[bool, str]:
    """Is the consent in force at ``at`` (signed, unexpired, unrevoked, complete), and if not,
    why not. A consent with an expiry event and no date stays in force until revoked."""
    if consent.signed_at > at:
        signed = timezone.localtime(consent.signed_at)
        return False, f"the consent takes effect only when signed, at {signed:%Y-%m-%d %H:%M}"
    if consent.revoked_at is not None and consent.revoked_at <= at:
        revoked = timezone.localtime(consent.revoked_at)
        return False, f"the consent was revoked at {revoked:%Y-%m-%d %H:%M}"
    if consent.expires_on is not None and timezone.localdate(at) > consent.expires_on:
        return False, f"the consent expired on {consent.expires_on:%Y-%m-%d}"
    if consent_problems(elements_of(consent)):
        return False, "the consent is incomplete"
    return True, "in force"


def consent_decision(
    consents: Iterable[Consent], *, recipient_agency_id: int, purpose: str, at: datetime
) -> ConsentDecision:
    """Allow a disclosure only under a consent in force at ``at`` that names this recipient
    agency and this purpose."""
    if purpose not in ConsentPurpose.values:
        return ConsentDecision(False, None, f"{purpose!r} is not a consent purpose")
    best = _Standing(9, "no consent names this recipient")
    for consent in consents:
        if consent.recipient_agency_id != recipient_agency_id:
            continue
        if purpose not in (consent.purposes or ()):
            standing = _Standing(5, "no consent for this recipient covers this purpose", consent)
        else:
            in_force, why = consent_status(consent, at=at)
            if in_force:
                return ConsentDecision(
                    True,
                    consent,
                    f"consent #{consent.pk} of {timezone.localdate(consent.signed_at):%Y-%m-%d} "
                    f"covers this recipient and purpose",
                )
            standing = _Standing(1, why, consent)
        if standing.rank < best.rank:
            best = standing
    return ConsentDecision(False, None, best.reason)


@dataclass(frozen=True)
class CoverageDecision:
    """Which of the requested kinds of information one consent in force allows disclosing to
    one of the recipient agencies for one of the purposes; nothing when refused."""

    allowed: bool
    consent: Consent | None
    purpose: str
    categories: frozenset[str]
    reason: str


def consent_coverage(
    consents: Iterable[Consent],
    *,
    recipient_agency_ids: Iterable[int],
    purposes: Iterable[str],
    categories: Iterable[str],
    at: datetime,
) -> CoverageDecision:
    """The consent in force at ``at`` that names one of ``recipient_agency_ids`` and one of
    ``purposes`` (in order of preference) and covers most of ``categories``. A consent covering
    only some of the categories allows those only; one covering none of them allows nothing."""
    recipients = set(recipient_agency_ids)
    wanted = tuple(purposes)
    requested = frozenset(categories)
    labels = dict(InformationCategory.choices)
    best: CoverageDecision | None = None
    refusal = _Standing(9, "no consent names this recipient")
    for consent in consents:
        if consent.recipient_agency_id not in recipients:
            continue
        purpose = next((p for p in wanted if p in (consent.purposes or ())), "")
        if not purpose:
            standing = _Standing(5, "no consent for this recipient covers this purpose")
        else:
            in_force, why = consent_status(consent, at=at)
            covered = requested & frozenset(consent.information_categories or ())
            if in_force and covered:
                if best is None or len(covered) > len(best.categories):
                    best = CoverageDecision(
                        True,
                        consent,
                        purpose,
                        covered,
                        f"consent #{consent.pk} of "
                        f"{timezone.localdate(consent.signed_at):%Y-%m-%d} covers "
                        + "; ".join(sorted(str(labels.get(c, c)) for c in covered)),
                    )
                continue
            if in_force:
                missing = "; ".join(sorted(str(labels.get(c, c)) for c in requested))
                standing = _Standing(3, f"the consent does not cover {missing}")
            else:
                standing = _Standing(1, why)
        if standing.rank < refusal.rank:
            refusal = standing
    if best is not None:
        return best
    return CoverageDecision(False, None, "", frozenset(), refusal.reason)
