from django.db import models

from .pathways import choice_members


class BaseModel(models.Model):
    """Every domain table carries timezone-aware creation and update times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# The six PTACC "Pathways to Community", built from the registry in ``core.pathways`` (same
# member names, values and labels as ever, so no migration changes).
# django-stubs types the functional API without (value, label) pairs, which Django accepts.
Pathway = models.TextChoices("Pathway", choice_members(), module=__name__)  # type: ignore[call-overload]


class LevelOfCare(models.TextChoices):
    """ASAM-style levels of care a screening may recommend and a service may offer."""

    WITHDRAWAL_MANAGEMENT = "withdrawal_management", "Withdrawal management"
    RESIDENTIAL = "residential", "Residential treatment"
    INTENSIVE_OUTPATIENT = "intensive_outpatient", "Intensive outpatient"
    OUTPATIENT = "outpatient", "Outpatient"
    OPIOID_TREATMENT_PROGRAM = "opioid_treatment_program", "Opioid treatment program / MOUD"
    HARM_REDUCTION_ONLY = "harm_reduction_only", "Harm reduction only"
