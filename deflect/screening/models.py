from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedJSONField, EncryptedTextField
from deflect.core.models import BaseModel, LevelOfCare


class EligibilityRuleSet(BaseModel):
    """A program's eligibility rules, configured by its coordinator."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    excluded_offense_categories = models.JSONField(default=list, blank=True)
    exclude_violent = models.BooleanField(default=True)
    exclude_outstanding_warrant = models.BooleanField(default=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True, default=18)
    max_prior_participations = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True) | models.Q(minimum_age__lte=120),
                name="eligibility_minimum_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_prior_participations__isnull=True)
                | models.Q(max_prior_participations__gte=1),
                name="eligibility_participation_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Eligibility rules of {self.program}"


class EligibilityScreening(BaseModel):
    """The eligibility decision made at an encounter, with any officer override (audited)."""

    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.CASCADE, related_name="eligibility"
    )
    facts = models.JSONField(default=dict)
    rules = models.JSONField(
        default=dict, blank=True, help_text="The program's rules as they stood at the decision."
    )
    rule_eligible = models.BooleanField()
    reasons = models.JSONField(default=list)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eligible = models.BooleanField(help_text="The final decision, after any override.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overridden=False) | ~models.Q(override_reason=""),
                name="eligibility_override_has_reason",
            ),
            # An override changes the decision; without one the rules decide.
            models.CheckConstraint(
                condition=models.Q(overridden=True, rule_eligible=True, eligible=False)
                | models.Q(overridden=True, rule_eligible=False, eligible=True)
                | models.Q(overridden=False, eligible=models.F("rule_eligible")),
                name="eligibility_final_follows_override",
            ),
        ]


class NeedsScreening(BaseModel):
    """Needs and level of care. Clinical (42 CFR Part 2): never shown to law enforcement or
    prosecutor roles; the access policy's CLINICAL_VIEW capability guards it."""

    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.CASCADE, related_name="needs"
    )
    substances = EncryptedJSONField(default=list)
    oud_indicators = EncryptedJSONField(default=list)
    mental_health_crisis = models.BooleanField(default=False)
    immediate_medical_need = models.BooleanField(default=False)
    withdrawal_symptoms_now = models.BooleanField(default=False)
    housing = models.CharField(max_length=20, default="unknown")
    readiness = models.CharField(max_length=20, default="considering")
    recent_overdose = models.BooleanField(default=False)
    recommended_level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    urgent_medical = models.BooleanField(default=False, help_text="Transport / EMS first.")
    crisis_services = models.BooleanField(default=False, help_text="Crisis services first.")
    reasons = models.JSONField(default=list)
    harm_reduction_offers = models.JSONField(default=list)
    notes = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommended_level_of_care__in=LevelOfCare.values),
                name="needs_level_of_care_valid",
            ),
        ]
