from django.conf import settings
from django.db import models

from deflect.access.consent import ConsentPurpose as ConsentPurpose
from deflect.access.consent import InformationCategory as InformationCategory
from deflect.core.crypto import EncryptedCharField, EncryptedTextField
from deflect.core.models import BaseModel

from .choices import ContactMethod, Ethnicity, Gender, Insurance, Race


class Person(BaseModel):
    """Someone a program met. Belongs to one program; visible to that program's agencies.

    ``first_key``/``last_key`` (phonetic keys of the canonical names) and the phone digests are
    search keys maintained by ``people.services``; they are indexed for set-based lookup.
    """

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="people")
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True)
    is_unidentified = models.BooleanField(default=False)
    description = models.CharField(
        max_length=500, blank=True, help_text="For an unidentified person: what they look like."
    )
    race = models.CharField(max_length=40, choices=Race.choices, default=Race.UNKNOWN)
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    gender = models.CharField(max_length=40, choices=Gender.choices, default=Gender.UNKNOWN)
    insurance = models.CharField(
        max_length=20, choices=Insurance.choices, default=Insurance.UNKNOWN
    )
    preferred_language = models.CharField(max_length=35, default="en")
    # The ZIP code of residence as given (de-identified exports keep its first three digits).
    residence_zip = models.CharField(max_length=10, blank=True)
    needs_interpreter = models.BooleanField(default=False)
    phone = EncryptedCharField(max_length=40, blank=True)
    # Keyed digests (people.services.person_phone_digests) of the phone's digits and of their
    # last seven, for exact lookup without a plaintext phone column.
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    phone_tail_digest = models.CharField(max_length=64, blank=True, db_index=True)
    may_text = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    social_media_handle = models.CharField(max_length=100, blank=True)
    social_media_platform = models.CharField(max_length=40, blank=True)
    preferred_contact = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    first_key = models.CharField(max_length=32, blank=True, db_index=True)
    last_key = models.CharField(max_length=32, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by ``people.merge.person_merge``: this record was merged into another (and is kept,
    # untouched, so that an unmerge can restore it).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["program", "date_of_birth"], name="person_program_dob_idx"),
            models.Index(fields=["program", "phone_digest"], name="person_program_phone_idx"),
            models.Index(
                fields=["program", "phone_tail_digest"], name="person_program_phone_tail_idx"
            ),
            # Person lookup's blocking queries read only these indexes (people.search). Their
            # other columns let a typo pass (a key and the start of the other name) filter on
            # the index alone; narrower (program, key) indexes would tempt SQLite's planner into
            # reading every row of a common surname.
            models.Index(
                fields=["program", "last_key", "first_key", "first_name"],
                name="person_lastkey_firstkey_idx",
            ),
            models.Index(
                fields=["program", "first_key", "last_name"], name="person_firstkey_last_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_unidentified=True)
                | ~models.Q(first_name="")
                | ~models.Q(last_name=""),
                name="person_named_or_unidentified",
            ),
        ]

    def __str__(self) -> str:
        if self.is_unidentified and not (self.first_name or self.last_name):
            return f"Unidentified person #{self.pk}"
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class PersonAlias(BaseModel):
    """Another name the person goes by (street name, maiden name, nickname)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    first_key = models.CharField(max_length=32, blank=True, db_index=True)
    last_key = models.CharField(max_length=32, blank=True, db_index=True)

    def __str__(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Consent(BaseModel):
    """A 42 CFR §2.31 written consent. Every required element is a field; validity and the
    disclosure decision live in ``access.consent`` (pure) and ``consent_allows``."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    patient_name = models.CharField(max_length=200)
    discloser = models.CharField(max_length=300, help_text="Who may disclose.")
    information = EncryptedTextField(help_text="A specific description of what may be disclosed.")
    information_categories = models.JSONField(default=list)
    recipient_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=300)
    purposes = models.JSONField(default=list)
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=300, blank=True)
    revocation_statement = models.TextField(help_text="The right to revoke and how to do it.")
    signature_name = models.CharField(max_length=200, help_text="Typed by the person.")
    signed_at = models.DateTimeField()
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_note = EncryptedCharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=False) | ~models.Q(expiry_event=""),
                name="consent_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.patient_name} to {self.recipient_name}"


class PersonMerge(BaseModel):
    """Two records of one person made one: every row that pointed at ``merged`` now points at
    ``survivor``. ``moved`` says exactly which rows moved (``{"app.Model.field": [pk, ...]}``) so
    that an unmerge puts them back; ``merged`` keeps its own fields untouched."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)
    reason = models.CharField(max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(survivor=models.F("merged")), name="person_merge_two_people"
            ),
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(unmerged_at__isnull=True),
                name="person_merged_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Person #{self.merged_id} merged into #{self.survivor_id}"
