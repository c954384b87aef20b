from django.db import models

from deflect.accounts.models import Agency
from deflect.core.models import BaseModel, Pathway


class Program(BaseModel):
    """A deflection program run by one or more member agencies."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    jurisdiction = models.CharField(max_length=200, blank=True)
    agencies: "models.ManyToManyField[Agency, ProgramAgency]" = models.ManyToManyField(
        Agency, through="ProgramAgency", related_name="programs"
    )
    is_active = models.BooleanField(default=True)
    # Who must sign in with a second factor (CJIS): staff holding one of these roles at a
    # member agency, and every staff member of these agencies.
    mfa_required_roles = models.JSONField(default=list, blank=True)
    mfa_required_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="mfa_required_by"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramAgency(BaseModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="program_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "agency"], name="program_agency_unique")
        ]


class ProgramPathway(BaseModel):
    """One enabled PTACC pathway of a program (a row, so reports can join on it)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=32, choices=Pathway.choices)

    class Meta:
        ordering = ["pathway"]
        constraints = [
            models.UniqueConstraint(fields=["program", "pathway"], name="program_pathway_unique"),
            models.CheckConstraint(
                condition=models.Q(pathway__in=[p.value for p in Pathway]),
                name="program_pathway_valid",
            ),
        ]


# ---------------------------------------------------------------------------------------------
# Planning: the models a program adopts, and each one's checklist of activities
# ---------------------------------------------------------------------------------------------


class PlanningKind(models.TextChoices):
    MODEL = "model", "Planning model"
    PRACTICE = "practice", "Optional practices"


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ModelAdoption(BaseModel):
    """A program has adopted one planning model (or the optional practices checklist).

    ``code`` names the entry of the shipped catalogue (``programs/data/planning_models.json``)
    the checklist was copied from; the copy is the program's own and its coordinators edit it.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="adoptions")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PlanningKind.choices)
    description = models.TextField(blank=True)
    adopted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="model_adoption_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PlanningKind.values), name="model_adoption_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanningActivity(BaseModel):
    """One activity of an adopted model's checklist. ``status`` is written only by
    ``planning_services.activity_transition``; ``completed_at`` is set exactly when done."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="activities")
    adoption = models.ForeignKey(ModelAdoption, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(max_length=60, blank=True, help_text="Empty for added activities.")
    position = models.PositiveIntegerField(default=0)
    category = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=500)
    details = models.TextField(blank=True)
    evidence_hint = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )
    notes = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="planning-evidence/%Y/%m/", blank=True)
    evidence_url = models.CharField(max_length=500, blank=True)
    evidence_label = models.CharField(max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["adoption", "position", "id"]
        indexes = [models.Index(fields=["program", "status"], name="activity_program_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActivityStatus.values),
                name="activity_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=ActivityStatus.DONE, completed_at__isnull=False)
                    | (~models.Q(status=ActivityStatus.DONE) & models.Q(completed_at__isnull=True))
                ),
                name="activity_completed_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url)


# ---------------------------------------------------------------------------------------------
# Sequential Intercept Model map: resources, gaps and action items at intercepts 0–5
# ---------------------------------------------------------------------------------------------


class Intercept(models.IntegerChoices):
    COMMUNITY_SERVICES = 0, "Intercept 0 · Community services"
    LAW_ENFORCEMENT = 1, "Intercept 1 · Law enforcement"
    INITIAL_DETENTION = 2, "Intercept 2 · Initial detention / first court appearance"
    JAILS_COURTS = 3, "Intercept 3 · Jails and courts"
    REENTRY = 4, "Intercept 4 · Reentry"
    COMMUNITY_CORRECTIONS = 5, "Intercept 5 · Community corrections"


_INTERCEPT_RANGE = models.Q(intercept__gte=0, intercept__lte=5)


class InterceptResource(BaseModel):
    """A resource the community has at one intercept, linked to the directory where it is there."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="intercept_resources"
    )
    intercept = models.PositiveSmallIntegerField(choices=Intercept.choices)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    organization = models.ForeignKey(
        "resources.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "resources.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["intercept", "name"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_resource_range")
        ]


class InterceptGap(BaseModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="intercept_gaps")
    intercept = models.PositiveSmallIntegerField(choices=Intercept.choices)
    description = models.TextField()

    class Meta:
        ordering = ["intercept", "id"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_gap_range")
        ]


class InterceptAction(BaseModel):
    """An action item to close a gap at one intercept: who does it, by when, and whether done."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="intercept_actions")
    intercept = models.PositiveSmallIntegerField(choices=Intercept.choices)
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["intercept", "done_at", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_action_range")
        ]
