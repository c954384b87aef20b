"""People at /api/v1/people: lookup, records, consents. Thin handlers over selectors and
services; a role sees only the parts of a record it may (``selectors.FIELD_GROUPS``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from deflect.access import capabilities as caps
from deflect.accounts.http import ApiRequest
from deflect.accounts.models import User
from deflect.core.schemas import (
    COMMON_ERRORS,
    WITH_CONFLICT,
    WITH_NOT_FOUND,
    Id,
    IsoDate,
)

from . import selectors, services
from .models import Consent, Person, PersonAlias

router = Router(tags=["people"])


class AliasOut(Schema):
    id: int
    first_name: str
    last_name: str


class ContactOut(Schema):
    phone: str
    may_text: bool
    email: str
    social_media_handle: str
    social_media_platform: str
    preferred_contact: str


class DemographicsOut(Schema):
    race: str
    ethnicity: str
    gender: str
    insurance: str
    preferred_language: str
    needs_interpreter: bool


class PersonOut(Schema):
    id: int
    program_id: int
    display_name: str
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date | None
    age_estimate: int | None
    is_unidentified: bool
    description: str
    aliases: list[AliasOut]
    contact: ContactOut | None  # only for roles that work with the person directly
    demographics: DemographicsOut | None  # likewise


class ConsentOut(Schema):
    id: int
    person_id: int
    patient_name: str
    discloser: str
    information: str
    information_categories: list[str]
    recipient_agency_id: int | None
    recipient_name: str
    purposes: list[str]
    expires_on: date | None
    expiry_event: str
    revocation_statement: str
    signature_name: str
    signed_at: datetime
    attested_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revocation_note: str
    in_force: bool
    details_withheld: bool = Field(
        False,
        description="To whom, for what and which information: shown to clinical staff only.",
    )


class PersonDetailOut(PersonOut):
    consents: list[ConsentOut]


class PersonMatchOut(Schema):
    person: PersonOut
    score: float
    likely: bool
    reasons: list[str]


class PersonIn(Schema):
    program_id: Id | None = None
    agency_id: Id | None = None
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    age_estimate: Annotated[int, Field(ge=0, le=120)] | None = None
    is_unidentified: StrictBool = False
    description: str = ""
    race: str = "unknown"
    ethnicity: str = "unknown"
    gender: str = "unknown"
    insurance: str = "unknown"
    preferred_language: str = "en"
    needs_interpreter: StrictBool = False
    phone: str = ""
    may_text: StrictBool = False
    email: str = ""
    social_media_handle: str = ""
    social_media_platform: str = ""
    preferred_contact: str = ""


class ConsentIn(Schema):
    """A §2.31 consent. Left blank: the person's name comes from the record, the recipient's
    name from the recipient agency, the description from the kinds of information, and the
    signing time is now. Every missing element is reported at once."""

    patient_name: str = ""
    discloser: str = ""
    information: str = ""
    information_categories: list[str] = []
    recipient_agency_id: Id | None = None
    recipient_name: str = ""
    purposes: list[str] = []
    expires_on: date | None = None
    expiry_event: str = ""
    revocation_statement: str = ""
    signature_name: str = ""
    signed_at: datetime | None = None
    attested: StrictBool = False


class RevokeIn(Schema):
    note: str = ""


def _person_out(
    person: Person, groups: frozenset[str], aliases: Iterable[PersonAlias] | None = None
) -> dict:
    out = {
        "id": person.pk,
        "program_id": person.program_id,
        "display_name": str(person),
        **{name: getattr(person, name) for name in selectors.FIELD_GROUPS[selectors.IDENTITY]},
        "aliases": [
            {"id": a.pk, "first_name": a.first_name, "last_name": a.last_name}
            for a in (aliases if aliases is not None else person.aliases.all())
        ],
        "contact": None,
        "demographics": None,
    }
    for group in (selectors.CONTACT, selectors.DEMOGRAPHICS):
        if group in groups:
            out[group] = {name: getattr(person, name) for name in selectors.FIELD_GROUPS[group]}
    return out


def _consent_out(actor: User, consent: Consent) -> dict:
    return selectors.consent_views(actor=actor, person=consent.person, consents=[consent])[0]


def _detail_out(actor: User, person: Person) -> dict:
    groups = selectors.person_field_groups(actor=actor, people=[person])[person.pk]
    return {
        **_person_out(person, groups, aliases=selectors.person_aliases(person=person)),
        "consents": selectors.consent_views(actor=actor, person=person),
    }


@router.get(
    "/search",
    response={200: list[PersonMatchOut], **COMMON_ERRORS},
    summary="Find a person at intake",
    description=(
        "Ranked matches among the people you may see, tolerant of typos, nicknames, swapped "
        "first and last names, day and month of birth swapped, aliases and phone formats. "
        "Each match has a score (0–100), `likely` from 80, and the reasons in words."
    ),
)
def person_search(
    request: ApiRequest,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: IsoDate | None = None,
    phone: str = "",
    limit: int = 10,
) -> list[dict[str, Any]]:
    matches = selectors.person_search(
        actor=request.auth,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        phone=phone,
        limit=limit,
    )
    groups = selectors.person_field_groups(actor=request.auth, people=[m.person for m in matches])
    return [
        {
            "person": _person_out(m.person, groups[m.person.pk]),
            "score": m.score,
            "likely": m.is_likely,
            "reasons": list(m.reasons),
        }
        for m in matches
    ]


@router.post("", response={201: PersonDetailOut, **WITH_NOT_FOUND}, summary="Record a person")
def person_create(request: ApiRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    actor = request.auth
    program = selectors.program_for_person_create(actor=actor, program_id=payload.program_id)
    fields = payload.model_dump(exclude={"program_id", "agency_id"})
    if payload.agency_id is not None:
        agency = selectors.agency_for_consent(actor=actor, agency_id=payload.agency_id)
    else:
        agency = selectors.recording_agency_for(actor=actor, program=program)
    person = services.person_create(actor=actor, program=program, agency=agency, **fields)
    return Status(201, _detail_out(actor, person))


@router.get("/{person_id}", response={200: PersonDetailOut, **WITH_NOT_FOUND}, summary="A person")
def person_get(request: ApiRequest, person_id: Id) -> dict[str, Any]:
    person = selectors.person_get_for(actor=request.auth, person_id=person_id)
    return _detail_out(request.auth, person)


@router.post(
    "/{person_id}/consents",
    response={201: ConsentOut, **WITH_NOT_FOUND},
    summary="Record a signed 42 CFR §2.31 consent",
)
def consent_create(
    request: ApiRequest, person_id: Id, payload: ConsentIn
) -> Status[dict[str, Any]]:
    actor = request.auth
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, capability=caps.CONSENT_RECORD
    )
    recipient = selectors.agency_for_consent(actor=actor, agency_id=payload.recipient_agency_id)
    consent = services.consent_record(
        actor=actor,
        person=person,
        recipient_agency=recipient,
        **payload.model_dump(exclude={"recipient_agency_id"}),
    )
    return Status(201, _consent_out(actor, consent))


@router.post(
    "/{person_id}/consents/{consent_id}/revoke",
    response={200: ConsentOut, **WITH_CONFLICT},
    summary="Revoke a consent, from now on",
)
def consent_revoke(
    request: ApiRequest, person_id: Id, consent_id: Id, payload: RevokeIn
) -> dict[str, Any]:
    actor = request.auth
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, capability=caps.CONSENT_RECORD
    )
    consent = selectors.consent_get_for(
        actor=actor, person=person, consent_id=consent_id, capability=caps.CONSENT_RECORD
    )
    consent = services.consent_revoke(actor=actor, consent=consent, note=payload.note)
    return _consent_out(actor, consent)
