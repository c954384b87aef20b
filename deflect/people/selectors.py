"""Reads of people and their consents. Every read of a person's record goes through an accessor
that takes the actor and writes its audit event (``person_get_for``, ``person_search``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.disclosure import consent_records_visible, redact
from deflect.access.policy import acting_agency, can, deny, get_for, require, visible_to
from deflect.accounts.models import Agency, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import ValidationFailed
from deflect.programs.models import Program

from .consent import ConsentDecision, consent_decision, consent_status
from .models import Consent, ConsentPurpose, Person, PersonAlias
from .search import PersonMatch, person_search, person_search_keys

__all__ = [
    "ConsentDecision",
    "PersonMatch",
    "agency_for_consent",
    "consent_allows",
    "consent_get_for",
    "consent_list_for_person",
    "consent_recipient_choices",
    "consent_views",
    "person_aliases",
    "person_field_groups",
    "person_for_change",
    "person_get_for",
    "person_search",
    "person_search_keys",
    "program_for_person_create",
    "programs_for_person_create",
    "recording_agency_for",
]

# Which parts of a person's record a role may see. Everyone who may view people sees who the
# person is (identity); contact details and self-reported demographics need PERSON_DETAILS_VIEW:
# the staff who work with the person directly (responders, outreach, case managers), not a
# coordinator who oversees the program.
IDENTITY = "identity"
CONTACT = "contact"
DEMOGRAPHICS = "demographics"
FIELD_GROUPS = {
    IDENTITY: (
        "first_name",
        "middle_name",
        "last_name",
        "date_of_birth",
        "age_estimate",
        "is_unidentified",
        "description",
    ),
    CONTACT: (
        "phone",
        "may_text",
        "email",
        "social_media_handle",
        "social_media_platform",
        "preferred_contact",
    ),
    DEMOGRAPHICS: (
        "race",
        "ethnicity",
        "gender",
        "insurance",
        "preferred_language",
        "needs_interpreter",
    ),
}


def person_get_for(*, actor: User, person_id: int) -> Person:
    """One person the actor may see (404 otherwise, audited); every read is audited."""
    person = get_for(actor, Person, person_id)
    audit_record(action=Action.PERSON_READ, actor=actor, target=person)
    return person


def person_for_change(*, actor: User, person_id: int, capability: str) -> Person:
    """A person the actor is about to change with ``capability``: 404 (audited) when they may
    not see the person, 403 (audited) when they may not do that. Not a read event: the write
    that follows is audited."""
    return get_for(actor, Person, person_id, capability)


def person_aliases(*, person: Person) -> QuerySet[PersonAlias]:
    """The aliases of a person already read through ``person_get_for``."""
    return person.aliases.order_by("last_name", "first_name", "pk")


def consent_list_for_person(*, person: Person) -> QuerySet[Consent]:
    """The consents of a person already read through ``person_get_for``, newest first."""
    return person.consents.select_related("recipient_agency", "attested_by", "revoked_by").order_by(
        "-signed_at", "-pk"
    )


def consent_views(
    *, actor: User, person: Person, consents: Iterable[Consent] | None = None
) -> list[dict[str, Any]]:
    """The person's consents as ``actor`` may see them: to whom, for what and which
    information are Part 2 details (``access.disclosure.CLINICAL_FIELDS``), shown only to the
    clinical staff of the agency the consent names or of the agency that recorded it; anyone
    else sees that a consent exists, when it was signed and whether it is in force."""

    labels = dict(ConsentPurpose.choices)
    now = timezone.now()
    rows = []
    for consent in consent_list_for_person(person=person) if consents is None else consents:
        in_force, why = consent_status(consent, at=now)
        granted = consent_records_visible(actor, person, consent)
        values = redact(
            "people.consent",
            {
                "id": consent.pk,
                "person_id": consent.person_id,
                "patient_name": consent.patient_name,
                "discloser": consent.discloser,
                "information": consent.information,
                "information_categories": list(consent.information_categories),
                "recipient_agency_id": consent.recipient_agency_id,
                "recipient_name": consent.recipient_name,
                "purposes": list(consent.purposes),
                "expires_on": consent.expires_on,
                "expiry_event": consent.expiry_event,
                "revocation_statement": consent.revocation_statement,
                "signature_name": consent.signature_name,
                "signed_at": consent.signed_at,
                "attested_by": consent.attested_by.get_username(),
                "revoked_at": consent.revoked_at,
                "revoked_by": consent.revoked_by.get_username() if consent.revoked_by else None,
                "revocation_note": consent.revocation_note,
                "in_force": in_force,
            },
            granted,
        )
        values["details_withheld"] = not granted
        values["status"] = why
        values["purpose_labels"] = [str(labels.get(p, p)) for p in values["purposes"]]
        rows.append(values)
    return rows


def consent_get_for(
    *, actor: User, person: Person, consent_id: int, capability: str | None = None
) -> Consent:
    """A consent of ``person`` the actor may see (404 otherwise, audited); with
    ``capability``, 403 (audited) unless the actor may also exercise it on the consent."""
    consent = get_for(actor, Consent, consent_id, capability)
    if consent.person_id != person.pk:
        deny(actor, caps.PERSON_VIEW, ("people.consent", str(consent_id)), "not this person's")
        raise Http404("No such consent.")
    return consent


def person_field_groups(*, actor: User, people: Iterable[Person]) -> dict[int, frozenset[str]]:
    """For each person (by id), the field groups the actor may see (one policy question per
    program, not per person)."""
    by_program: dict[int, frozenset[str]] = {}
    groups: dict[int, frozenset[str]] = {}
    for person in people:
        if person.program_id not in by_program:
            works_with = can(actor, caps.PERSON_DETAILS_VIEW, person)
            by_program[person.program_id] = frozenset(
                {IDENTITY, CONTACT, DEMOGRAPHICS} if works_with else {IDENTITY}
            )
        groups[person.pk] = by_program[person.program_id]
    return groups


def program_for_person_create(*, actor: User, program_id: int | None) -> Program:
    """The program a new person goes in: the one named (404 when not visible), or the only
    program in which the actor records people."""
    if program_id is not None:
        return get_for(actor, Program, program_id)
    require(actor, caps.PERSON_CREATE)
    programs = list(programs_for_person_create(actor=actor)[:2])
    if len(programs) != 1:
        raise ValidationFailed(
            "Choose the program the person belongs to.",
            fields={"program_id": ["Required when you work in several programs."]},
        )
    return programs[0]


def agency_for_consent(*, actor: User, agency_id: int | None) -> Agency | None:
    """A recipient agency named in a consent: one of the agencies the actor may see."""
    if agency_id is None:
        return None
    agency = visible_to(actor, Agency).filter(pk=agency_id, is_active=True).first()
    if agency is None:
        raise ValidationFailed(
            "Unknown recipient agency.", fields={"recipient_agency_id": ["No such agency."]}
        )
    return agency


def consent_recipient_choices(*, actor: User) -> QuerySet[Agency]:
    return visible_to(actor, Agency).filter(is_active=True).order_by("name")


def programs_for_person_create(*, actor: User) -> QuerySet[Program]:
    """The programs in which the actor may record people."""
    return visible_to(actor, Program, caps.PERSON_CREATE).order_by("name")


def recording_agency_for(*, actor: User, program: Program) -> Agency | None:
    """The agency a person is recorded on behalf of: the actor's own agency in the program
    where their role lets them record people (the first by name, when there are several)."""
    return acting_agency(actor, program, caps.PERSON_CREATE)


def consent_allows(
    person: Person, recipient_agency: Agency, purpose: str, at: datetime
) -> ConsentDecision:
    """May information about ``person`` be disclosed to ``recipient_agency`` for ``purpose`` at
    ``at``? Only under a consent signed by then, not expired, not revoked by then, that names
    this recipient agency and purpose. Disclosure code calls this at the moment it discloses;
    a revocation takes effect on the next call."""
    consents = Consent.objects.filter(person=person, recipient_agency=recipient_agency).order_by(
        "-signed_at", "-pk"
    )
    return consent_decision(
        consents, recipient_agency_id=recipient_agency.pk, purpose=purpose, at=at
    )
