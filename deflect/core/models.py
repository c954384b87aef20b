from django.db import models


class BaseModel(models.Model):
    """Every domain table carries timezone-aware creation and update times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Pathway(models.TextChoices):
    """The six PTACC "Pathways to Community"."""

    SELF_REFERRAL = "self_referral", "Self-Referral"
    ACTIVE_OUTREACH = "active_outreach", "Active Outreach"
    NALOXONE_PLUS = "naloxone_plus", "Naloxone Plus"
    FIRST_RESPONDER_REFERRAL = "first_responder_referral", "First Responder & Officer Referral"
    OFFICER_INTERVENTION = "officer_intervention", "Officer Intervention"
    COMMUNITY_RESPONSE = "community_response", "Community Response"


class LevelOfCare(models.TextChoices):
    """ASAM-style levels of care a screening may recommend and a service may offer."""

    WITHDRAWAL_MANAGEMENT = "withdrawal_management", "Withdrawal management"
    RESIDENTIAL = "residential", "Residential treatment"
    INTENSIVE_OUTPATIENT = "intensive_outpatient", "Intensive outpatient"
    OUTPATIENT = "outpatient", "Outpatient"
    OPIOID_TREATMENT_PROGRAM = "opioid_treatment_program", "Opioid treatment program / MOUD"
    HARM_REDUCTION_ONLY = "harm_reduction_only", "Harm reduction only"
