"""Planning a program: the models it adopts with their checklists of activities, and its
Sequential Intercept Model map. The tables kept the names they had under ``programs``."""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel

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

    ``code`` names the entry of the shipped catalogue (``planning/data/planning_models.json``)
    the checklist was copied from; the copy is the program's own and its coordinators edit it.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="adoptions"
    )
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PlanningKind.choices)
    description = models.TextField(blank=True)
    adopted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "programs_modeladoption"
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
    ``planning.services.activity_transition``; ``completed_at`` is set exactly when done."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="activities"
    )
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
        db_table = "programs_planningactivity"
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

    # Set on a loaded activity by the selectors and the checklist page, for display; not fields.
    state: str | None
    next_steps: list[tuple[str, str]]

    def __str__(self) -> str:
        return self.title

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url)


class ActivityStatusChange(BaseModel):
    """One move of a planning activity's status, written by ``audit.pipeline.transition``."""

    activity = models.ForeignKey(
        PlanningActivity, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=ActivityStatus.choices)
    party = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


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
        "programs.Program", on_delete=models.CASCADE, related_name="intercept_resources"
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
        db_table = "programs_interceptresource"
        ordering = ["intercept", "name"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_resource_range")
        ]


class InterceptGap(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="intercept_gaps"
    )
    intercept = models.PositiveSmallIntegerField(choices=Intercept.choices)
    description = models.TextField()

    class Meta:
        db_table = "programs_interceptgap"
        ordering = ["intercept", "id"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_gap_range")
        ]


class InterceptAction(BaseModel):
    """An action item to close a gap at one intercept: who does it, by when, and whether done."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="intercept_actions"
    )
    intercept = models.PositiveSmallIntegerField(choices=Intercept.choices)
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "programs_interceptaction"
        ordering = ["intercept", "done_at", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=_INTERCEPT_RANGE, name="intercept_action_range")
        ]
