"""Enrollment of a person in the program (a case), its service plan, needs, notes, and charges
held in abeyance (officer intervention).

``Case.status`` is written only by ``cases.services.case_transition``; ``AbeyanceCase`` moves
only through ``cases.services.abeyance_*``. Clinical notes are Part 2 data.
"""

from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedTextField
from deflect.core.models import BaseModel


class CaseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DISENGAGED = "disengaged", "Disengaged"
    CLOSED = "closed", "Closed"


class Case(BaseModel):
    """A person's enrollment in the program."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(
        "encounters.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    care_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_cases",
    )
    peer_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="peer_cases",
    )
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["program", "status"], name="case_program_status_idx"),
            models.Index(fields=["care_coordinator", "status"], name="case_coordinator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="case_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk}"


class CaseStatusChange(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    DROPPED = "dropped", "Dropped"


class PlanGoal(BaseModel):
    """A goal of the case's service plan."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    class Meta:
        ordering = ["created_at", "id"]


class PlanTask(BaseModel):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class NeedKind(models.TextChoices):
    INSURANCE = "insurance", "Health insurance enrollment"
    LEGAL = "legal", "Legal needs (tickets, warrants)"
    TRANSPORTATION = "transportation", "Transportation"
    HOUSING = "housing", "Housing"
    FAMILY = "family", "Family and children"


# The statuses each kind of need moves through, in order.
NEED_STATUSES: dict[str, tuple[tuple[str, str], ...]] = {
    NeedKind.INSURANCE: (
        ("uninsured", "Uninsured"),
        ("application_submitted", "Application submitted"),
        ("enrolled", "Enrolled"),
    ),
    NeedKind.LEGAL: (
        ("identified", "Identified"),
        ("legal_aid_referred", "Referred to legal aid"),
        ("resolved", "Resolved"),
    ),
    NeedKind.TRANSPORTATION: (
        ("identified", "Identified"),
        ("arranged", "Arranged"),
        ("met", "Met"),
    ),
    NeedKind.HOUSING: (
        ("identified", "Identified"),
        ("applied", "Applied / on a list"),
        ("housed", "Housed"),
    ),
    NeedKind.FAMILY: (
        ("identified", "Identified"),
        ("reunification_in_progress", "Reunification in progress"),
        ("reunified", "Reunified / resolved"),
    ),
}


class CaseNeed(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(max_length=16, choices=NeedKind.choices)
    status = models.CharField(max_length=32)
    detail = models.CharField(max_length=500, blank=True, help_text="Non-clinical detail.")
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="case_need_unique"),
        ]


class NoteKind(models.TextChoices):
    GENERAL = "general", "Non-clinical"
    CLINICAL = "clinical", "Clinical (42 CFR Part 2)"


class CaseNote(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices)
    text = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]


class Disposition(models.TextChoices):
    CHARGES_DROPPED = "charges_dropped", "Charges dropped"
    REFERRED_FOR_PROSECUTION = "referred_for_prosecution", "Referred for prosecution"


class AbeyanceCase(BaseModel):
    """Charges held in abeyance from an officer-intervention encounter until conditions are met."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    encounter = models.OneToOneField(
        "encounters.Encounter", on_delete=models.PROTECT, related_name="abeyance"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="abeyances"
    )
    prosecutor_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    charges = models.JSONField(default=list)
    citation_number = models.CharField(max_length=50, blank=True)
    conditions_text = models.TextField(blank=True)
    requires_treatment = models.BooleanField(default=True)
    requires_service_plan = models.BooleanField(default=False)
    community_service_hours_required = models.DecimalField(
        max_digits=6, decimal_places=2, default=0
    )
    deadline = models.DateField()
    treatment_condition_met_at = models.DateTimeField(null=True, blank=True)
    plan_condition_met_at = models.DateTimeField(null=True, blank=True)
    conditions_not_met_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=32, choices=Disposition.choices, blank=True)
    disposition_note = models.CharField(max_length=500, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["prosecutor_agency", "deadline"], name="abeyance_prosecutor_idx"),
            models.Index(fields=["program", "deadline"], name="abeyance_program_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disposition="") | models.Q(disposition__in=Disposition.values),
                name="abeyance_disposition_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(community_service_hours_required__gte=0),
                name="abeyance_hours_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"Abeyance #{self.pk}"


class ProsecutorAbeyance(AbeyanceCase):
    """Abeyance cases as the prosecutor's office sees them: scoped to that office only."""

    class Meta:
        proxy = True


class ProgressKind(models.TextChoices):
    SERVICE_HOURS = "service_hours", "Community service hours"
    TREATMENT_MET = "treatment_met", "Treatment condition met"
    PLAN_MET = "plan_met", "Service plan condition met"
    NOT_MET = "not_met", "Conditions not met"
    NOTE = "note", "Progress note (non-clinical)"


class AbeyanceProgress(BaseModel):
    abeyance = models.ForeignKey(AbeyanceCase, on_delete=models.CASCADE, related_name="progress")
    kind = models.CharField(max_length=16, choices=ProgressKind.choices)
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="abeyance_progress_hours_nonnegative"
            ),
        ]
