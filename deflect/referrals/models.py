"""Closed-loop referrals (HL7 FHIR SDOH Clinical Care referral ``Task`` statuses), their
history, and the ledger of every disclosure made under a 42 CFR Part 2 consent.

``Referral.status`` is written only by ``referrals.services.referral_transition`` (and set to
its first value when the referral is created). What the provider received is stored as it was
sent (``disclosed``): providers read that copy, never the person's record.
"""

from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedTextField
from deflect.core.models import BaseModel, LevelOfCare


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    IN_PROGRESS = "in-progress", "In progress (intake done)"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Handoff(models.TextChoices):
    NONE = "none", "No warm handoff"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"


class Transport(models.TextChoices):
    NONE = "none", "No transport"
    RESPONDER = "responder", "Responder"
    EMS = "ems", "EMS"
    PROVIDER = "provider", "Provider"
    PEER = "peer", "Peer / outreach team"
    FAMILY = "family", "Family or friend"
    OTHER = "other", "Other"


class Referral(BaseModel):
    """A referral of one person to one service of the directory."""

    client_uuid = models.UUIDField(unique=True)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="referrals"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    encounter = models.ForeignKey(
        "encounters.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        "resources.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    recipient_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="inbound_referrals",
        help_text="The agency acting for the service's organization when the referral was made.",
    )
    requesting_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="outbound_referrals"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_requested"
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    status_reason = models.CharField(max_length=500, blank=True)
    status_changed_at = models.DateTimeField()
    need = models.CharField(max_length=500, help_text="What the person needs, in plain words.")
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices, blank=True)
    response_due_minutes = models.PositiveIntegerField(default=120)
    handoff = models.CharField(max_length=12, choices=Handoff.choices, default=Handoff.NONE)
    transport = models.CharField(max_length=12, choices=Transport.choices, default=Transport.NONE)
    departed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    no_response_flagged_at = models.DateTimeField(null=True, blank=True)
    intake_at = models.DateTimeField(null=True, blank=True)
    consent = models.ForeignKey(
        "people.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosed = models.JSONField(default=dict, blank=True)
    # Part 2 data reported by the provider: clinical, shown only under CLINICAL_VIEW and consent.
    provider_note = EncryptedTextField(blank=True)
    intake_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["program", "status"], name="referral_program_status_idx"),
            models.Index(
                fields=["recipient_agency", "status", "sent_at"], name="referral_inbound_idx"
            ),
            models.Index(
                fields=["status", "no_response_flagged_at", "response_due_at"],
                name="referral_response_due_idx",
            ),
            models.Index(fields=["person", "created_at"], name="referral_person_idx"),
            models.Index(fields=["program", "sent_at"], name="referral_program_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(arrived_at__isnull=True)
                | models.Q(departed_at__isnull=True)
                | models.Q(arrived_at__gte=models.F("departed_at")),
                name="referral_arrival_after_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"


class InboundReferral(Referral):
    """The same rows seen from the provider's side: scoped by the recipient agency only."""

    class Meta:
        proxy = True


class ReferralEvent(BaseModel):
    """One status change of a referral (the history)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    party = models.CharField(max_length=12)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Disclosure(BaseModel):
    """The disclosure ledger: one row per disclosure of a person's information under consent.
    Append-only by convention (written by ``disclosure_record`` only)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, related_name="+")
    recipient_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=300)
    purpose = models.CharField(max_length=40)
    categories = models.JSONField(default=list)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField()
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    notice = models.TextField()

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["person", "disclosed_at"], name="disclosure_person_idx")]


class ReferralSettings(BaseModel):
    """A program's referral settings, set by its coordinator."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="referral_settings"
    )
    response_minutes = models.PositiveIntegerField(
        default=120, help_text="How long a provider has to answer before the requester is told."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_minutes__gte=5, response_minutes__lte=20160),
                name="referral_settings_response_range",
            )
        ]
