"""Writes for people, their aliases and their consents. Each takes the actor, checks the access
policy, and writes its audit row in the same transaction.

The only writers of Person.first_key/last_key/phone_digest/phone_tail_digest (the search keys)
and of PersonAlias.first_key/last_key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Field, Model, TextChoices
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, program_agency_ids, require, require_owner
from deflect.accounts.models import Agency, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.people.errors import ConsentErrorCode
from deflect.programs.models import Program

from . import matching
from .choices import ContactMethod, Ethnicity, Gender, Insurance, Race
from .consent import ConsentElements, consent_field_problems, describe_information
from .digests import phone_digest_columns
from .models import Consent, Person, PersonAlias

# consent_allows reads; it lives in selectors and is re-exported for disclosure services.
from .selectors import consent_allows  # noqa: F401

EARLIEST_BIRTH = date(1900, 1, 1)
MAX_AGE_ESTIMATE = 120
PHONE_CHARACTERS = frozenset("0123456789 +-().")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15

TEXT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "description",
    "preferred_language",
    "phone",
    "email",
    "social_media_handle",
    "social_media_platform",
)
CHOICE_FIELDS: dict[str, type[TextChoices]] = {
    "race": Race,
    "ethnicity": Ethnicity,
    "gender": Gender,
    "insurance": Insurance,
    "preferred_contact": ContactMethod,
}
BOOLEAN_FIELDS = ("is_unidentified", "needs_interpreter", "may_text")
# Everything a service may set on a Person; the program and the keys are not among them.
PERSON_FIELDS = frozenset(
    TEXT_FIELDS + tuple(CHOICE_FIELDS) + BOOLEAN_FIELDS + ("date_of_birth", "age_estimate")
)
NAME_FIELDS = frozenset({"first_name", "last_name"})


def _max_length(model: type[Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.max_length is not None  # a CharField
    return field.max_length


def _clean_text(value: Any, name: str, model: type, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append("Must be text.")
        return ""
    value = " ".join(value.split()) if name != "description" else value.strip()
    limit = _max_length(model, name)
    if len(value) > limit:
        errors.setdefault(name, []).append(f"At most {limit} characters.")
    return value


def _clean_date_of_birth(value: Any, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors.setdefault("date_of_birth", []).append("Use the form YYYY-MM-DD.")
            return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.setdefault("date_of_birth", []).append("Must be a date.")
        return None
    if value > timezone.localdate():
        errors.setdefault("date_of_birth", []).append("Cannot be in the future.")
    elif value < EARLIEST_BIRTH:
        errors.setdefault("date_of_birth", []).append("Cannot be before 1900.")
    return value


def _clean_age(value: Any, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        age = int(value)
    except (TypeError, ValueError):
        errors.setdefault("age_estimate", []).append("Must be a whole number of years.")
        return None
    if not 0 <= age <= MAX_AGE_ESTIMATE:
        errors.setdefault("age_estimate", []).append(f"Must be between 0 and {MAX_AGE_ESTIMATE}.")
    return age


def _clean_phone(value: str, errors: dict) -> str:
    if not value:
        return ""
    digits = [ch for ch in value if ch.isdigit()]
    if set(value) - PHONE_CHARACTERS or not (MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS):
        errors.setdefault("phone", []).append(
            f"Enter a phone number of {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits."
        )
    return value


def _clean_person_fields(given: dict[str, Any]) -> dict[str, Any]:
    """Validated values for the given fields; raises one ValidationFailed naming every field."""
    unknown = set(given) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, value in given.items():
        if name in TEXT_FIELDS:
            clean[name] = _clean_text(value, name, Person, errors)
        elif name in CHOICE_FIELDS:
            choices = CHOICE_FIELDS[name]
            value = value or ("" if name == "preferred_contact" else choices["UNKNOWN"])
            if value and value not in choices.values:
                errors.setdefault(name, []).append(f"Not one of {', '.join(choices.values)}.")
            clean[name] = value
        elif name in BOOLEAN_FIELDS:
            clean[name] = bool(value)
        elif name == "date_of_birth":
            clean[name] = _clean_date_of_birth(value, errors)
        elif name == "age_estimate":
            clean[name] = _clean_age(value, errors)
    if "phone" in clean:
        clean["phone"] = _clean_phone(clean["phone"], errors)
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.setdefault("email", []).append("Enter a valid email address.")
    if errors:
        raise ValidationFailed("Some fields are missing or invalid.", fields=errors)
    return clean


def _check_identity(person: Person) -> None:
    """A named person needs a first or last name; an unidentified one needs a description."""
    if person.is_unidentified:
        if not person.description.strip():
            raise ValidationFailed(
                "Describe the unidentified person.",
                fields={"description": ["Required for an unidentified person."]},
            )
    elif not (person.first_name or person.last_name):
        message = "Give a first or last name, or record the person as unidentified."
        raise ValidationFailed(message, fields={"first_name": [message], "last_name": [message]})
    if person.may_text and not person.phone:
        raise ValidationFailed(
            "A phone number is needed to text.", fields={"phone": ["Required to text."]}
        )


def _refresh_keys(person: Person) -> None:
    person.first_key, person.last_key = matching.person_search_keys(
        person.first_name, person.last_name
    )
    for column, digest in phone_digest_columns(person.phone).items():
        setattr(person, column, digest)


@atomic_service
def person_create(
    *, actor: User, program: Program, agency: Agency | None = None, **fields: Any
) -> Person:
    """Record a person in ``program``, on behalf of ``agency`` (one of the program's agencies)."""
    require(actor, caps.PERSON_CREATE, program)
    if agency is not None and agency.pk not in program_agency_ids(program.pk):
        raise ValidationFailed(
            "That agency is not part of the program.",
            fields={"agency": ["Not an agency of this program."]},
        )
    clean = _clean_person_fields(fields)
    person = Person(program=program, agency=agency, created_by=actor, **clean)
    _check_identity(person)
    _refresh_keys(person)
    person.save()
    audit_record(
        action=Action.PERSON_CREATE,
        actor=actor,
        target=person,
        agency=agency,
        extra={
            "program_id": program.pk,
            "unidentified": person.is_unidentified,
            "fields": sorted(name for name, value in clean.items() if value not in ("", None)),
        },
    )
    return person


@atomic_service
def person_update(*, actor: User, person: Person, **fields: Any) -> Person:
    """Change the given fields; the search keys follow the names and the phone."""
    require(actor, caps.PERSON_CREATE, person)
    clean = _clean_person_fields(fields)
    current = Person.objects.select_for_update().get(pk=person.pk)
    changed = sorted(name for name, value in clean.items() if getattr(current, name) != value)
    if not changed:
        return current
    for name in changed:
        setattr(current, name, clean[name])
    _check_identity(current)
    _refresh_keys(current)
    current.save()
    audit_record(
        action=Action.PERSON_UPDATE,
        actor=actor,
        target=current,
        extra={"fields": changed},
    )
    person.refresh_from_db()
    return current


@atomic_service
def person_alias_add(
    *, actor: User, person: Person, first_name: str = "", last_name: str = ""
) -> PersonAlias:
    """Record another name the person goes by (street name, maiden name, nickname)."""
    require(actor, caps.PERSON_CREATE, person)
    errors: dict[str, list[str]] = {}
    first = _clean_text(first_name, "first_name", PersonAlias, errors)
    last = _clean_text(last_name, "last_name", PersonAlias, errors)
    if errors:
        raise ValidationFailed("Some fields are missing or invalid.", fields=errors)
    if not (first or last):
        message = "Give the first or last name of the alias."
        raise ValidationFailed(message, fields={"first_name": [message]})
    same = {"first_name__iexact": first, "last_name__iexact": last}
    if person.aliases.filter(**same).exists() or (
        person.first_name.lower() == first.lower() and person.last_name.lower() == last.lower()
    ):
        raise Conflict("The person already goes by that name.", fields={"first_name": ["Known."]})
    first_key, last_key = matching.person_search_keys(first, last)
    alias = PersonAlias.objects.create(
        person=person, first_name=first, last_name=last, first_key=first_key, last_key=last_key
    )
    audit_record(
        action=Action.PERSON_ALIAS_ADD,
        actor=actor,
        target=person,
        extra={"alias_id": alias.pk},
    )
    return alias


CONSENT_TEXT_FIELDS = (
    "patient_name",
    "discloser",
    "recipient_name",
    "expiry_event",
    "signature_name",
)


@atomic_service
def consent_record(
    *,
    actor: User,
    person: Person,
    discloser: str,
    information_categories: list[str] | tuple[str, ...],
    purposes: list[str] | tuple[str, ...],
    revocation_statement: str,
    signature_name: str,
    attested: bool,
    recipient_agency: Agency | None = None,
    recipient_name: str = "",
    information: str = "",
    patient_name: str = "",
    expires_on: date | None = None,
    expiry_event: str = "",
    signed_at: datetime | None = None,
) -> Consent:
    """Record a §2.31 consent the person has just signed, attested by ``actor``.

    Filled in when left blank: the person's name from the record, the recipient's name from
    the recipient agency, the description of information from its kinds, the signing time
    (now). Every element is then checked (``consent.consent_problems``).
    """
    require(actor, caps.CONSENT_RECORD, person)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    full_name = " ".join(p for p in (person.first_name, person.last_name) if p)
    texts = {
        "patient_name": patient_name or full_name,
        "discloser": discloser,
        "recipient_name": recipient_name or (recipient_agency.name if recipient_agency else ""),
        "expiry_event": expiry_event,
        "signature_name": signature_name,
    }
    clean = {name: _clean_text(value, name, Consent, errors) for name, value in texts.items()}
    if signed_at is not None and timezone.is_naive(signed_at):
        signed_at = timezone.make_aware(signed_at)
    categories = tuple(dict.fromkeys(information_categories or ()))
    elements = ConsentElements(
        patient_name=clean["patient_name"],
        discloser=clean["discloser"],
        information=(information or "").strip() or describe_information(categories),
        information_categories=categories,
        recipient_name=clean["recipient_name"],
        recipient_agency_id=recipient_agency.pk if recipient_agency else None,
        purposes=tuple(dict.fromkeys(purposes or ())),
        expires_on=expires_on,
        expiry_event=clean["expiry_event"],
        revocation_statement=(revocation_statement or "").strip(),
        signature_name=clean["signature_name"],
        signed_at=signed_at or now,
        attested=bool(attested),
        attested_by_id=actor.pk,
    )
    for name, messages in consent_field_problems(elements, now=now).items():
        errors.setdefault(name, []).extend(messages)
    if recipient_agency is not None and not recipient_agency.is_active:
        errors.setdefault("recipient_agency", []).append("That agency is no longer active.")
    if errors:
        raise ValidationFailed("The consent is not complete.", fields=errors)
    consent = Consent.objects.create(
        person=person,
        patient_name=elements.patient_name,
        discloser=elements.discloser,
        information=elements.information,
        information_categories=list(elements.information_categories),
        recipient_agency=recipient_agency,
        recipient_name=elements.recipient_name,
        purposes=list(elements.purposes),
        expires_on=elements.expires_on,
        expiry_event=elements.expiry_event,
        revocation_statement=elements.revocation_statement,
        signature_name=elements.signature_name,
        signed_at=elements.signed_at or now,  # set above: as given, else now
        attested_by=actor,
    )
    audit_record(
        action=Action.CONSENT_RECORD,
        actor=actor,
        target=consent,
        extra={
            "person_id": person.pk,
            "recipient_agency_id": consent.recipient_agency_id,
            "purposes": consent.purposes,
            "information_categories": consent.information_categories,
            "expires_on": consent.expires_on,
            "expiry_event": bool(consent.expiry_event),
        },
    )
    return consent


@atomic_service
def consent_revoke(*, actor: User, consent: Consent, note: str) -> Consent:
    """Revoke a consent from this moment on: ``consent_allows`` refuses it for any later time."""
    require_owner(actor, caps.CONSENT_RECORD, consent)
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, "revocation_note", Consent, errors)
    if not note and not errors:
        errors["note"] = ["Say how the person revoked the consent."]
    if "revocation_note" in errors:
        errors["note"] = errors.pop("revocation_note")
    if errors:
        raise ValidationFailed("The revocation needs a note.", fields=errors)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.revoked_at is not None:
        raise Conflict("This consent was already revoked.", code=ConsentErrorCode.ALREADY_REVOKED)
    current.revoked_at = timezone.now()
    current.revoked_by = actor
    current.revocation_note = note
    current.save(update_fields=["revoked_at", "revoked_by", "revocation_note", "updated_at"])
    audit_record(
        action=Action.CONSENT_REVOKE,
        actor=actor,
        target=current,
        extra={"person_id": current.person_id},
    )
    consent.refresh_from_db()
    return current
