from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedCharField, EncryptedTextField
from deflect.core.models import BaseModel, Pathway

from . import choices


class Encounter(BaseModel):
    """One field contact on one pathway. ``client_uuid`` makes submissions idempotent:
    the same UUID always names the same encounter; ``fingerprint`` is a hash of the submitted
    content, so a retry with different content is recognised as a conflict."""

    client_uuid = models.UUIDField(unique=True)
    fingerprint = models.CharField(max_length=64)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="encounters"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="encounters"
    )
    pathway = models.CharField(max_length=32, choices=Pathway.choices)
    occurred_at = models.DateTimeField(db_index=True)
    location_text = EncryptedCharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="encounters"
    )
    circumstance = EncryptedTextField(blank=True)
    outcome = models.CharField(max_length=32, choices=choices.Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_encounters"
    )
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="encounters"
    )
    needs_post_overdose_followup = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["program", "occurred_at"], name="encounter_program_time_idx"),
            models.Index(fields=["recorded_by", "occurred_at"], name="encounter_recorder_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pathway__in=Pathway.values), name="encounter_pathway_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=choices.Outcome.values),
                name="encounter_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="encounter_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="encounter_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pathway_display()} encounter #{self.pk}"


class OverdoseDetail(BaseModel):
    """Naloxone Plus / overdose response."""

    encounter = models.OneToOneField(Encounter, on_delete=models.CASCADE, related_name="overdose")
    overdose_at = models.DateTimeField()
    substances_suspected = models.JSONField(default=list)
    naloxone_doses_responder = models.PositiveSmallIntegerField(default=0)
    naloxone_doses_ems = models.PositiveSmallIntegerField(default=0)
    naloxone_doses_bystander = models.PositiveSmallIntegerField(default=0)
    naloxone_response = models.CharField(max_length=20, choices=choices.NaloxoneResponse.choices)
    transported = models.BooleanField(default=False)
    fatal = models.BooleanField(default=False)
    leave_behind_kit = models.BooleanField(default=False)


class SelfReferralDetail(BaseModel):
    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="self_referral"
    )
    station = models.CharField(max_length=200)
    arrival_mode = models.CharField(max_length=20, choices=choices.ArrivalMode.choices)
    during_staffed_hours = models.BooleanField(default=True)
    items_surrendered = models.CharField(max_length=500, blank=True)
    medical_check_done = models.BooleanField(default=False)


class OfficerInterventionDetail(BaseModel):
    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="officer_intervention"
    )
    decision = models.CharField(max_length=32, choices=choices.OfficerDecision.choices)
    citation_number = models.CharField(max_length=50, blank=True)
    charges_held_in_abeyance = models.BooleanField(default=False)
    abeyance_conditions = models.TextField(blank=True)
    abeyance_deadline = models.DateField(null=True, blank=True)
    prosecutor_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The prosecutor's office that holds the charges in abeyance.",
    )


class Offense(BaseModel):
    """An offense that would have been charged (officer intervention)."""

    detail = models.ForeignKey(
        OfficerInterventionDetail, on_delete=models.CASCADE, related_name="offenses"
    )
    statute = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=20, choices=choices.OffenseLevel.choices)
    category = models.CharField(max_length=40)
    violent = models.BooleanField(default=False)


class FirstResponderReferralDetail(BaseModel):
    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="first_responder_referral"
    )
    context = models.CharField(max_length=20, choices=choices.ReferralContext.choices)
    offered = models.JSONField(default=list)


class ActiveOutreachDetail(BaseModel):
    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="active_outreach"
    )
    identified_via = models.CharField(max_length=20, choices=choices.IdentifiedVia.choices)
    contact_result = models.CharField(max_length=24, choices=choices.ContactResult.choices)


class CommunityResponseDetail(BaseModel):
    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="community_response"
    )
    call_source = models.CharField(max_length=20, choices=choices.CallSource.choices)
    call_type = models.CharField(max_length=24, choices=choices.CallType.choices)
    team = models.JSONField(default=list)
    deescalation_outcome = models.CharField(
        max_length=24, choices=choices.DeescalationOutcome.choices
    )


class EncounterAmendment(BaseModel):
    """An audited correction of an encounter's person or location. The encounter holds the
    current values; each amendment keeps what they were before and after, so the original
    stays in the history. Written only by ``encounters.amendments.encounter_amend``."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    fields = models.JSONField(default=list, help_text="The names of the fields changed.")
    person_before = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_after = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location_before = EncryptedCharField(max_length=300, blank=True)
    location_after = EncryptedCharField(max_length=300, blank=True)
    latitude_before = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude_before = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude_after = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude_after = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["amended_at", "id"]
