"""Staff training: courses with validity periods, completion records, the program's coverage
minimums, and the shifts that crisis-intervention coverage is counted over."""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel


class Topic(models.TextChoices):
    SUD_TREATMENT = "sud_treatment", "Substance use disorders and treatment options"
    NALOXONE = "naloxone", "Naloxone administration"
    CIT_40 = "cit_40", "Crisis intervention team (40-hour)"
    MOTIVATIONAL_INTERVIEWING = "motivational_interviewing", "Motivational interviewing"
    HARM_REDUCTION = "harm_reduction", "Harm reduction"
    PROGRAM_PROCEDURES = "program_procedures", "The program's own procedures"
    IMPLICIT_BIAS = "implicit_bias", "Implicit bias"
    OTHER = "other", "Other"


class Course(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="courses"
    )
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=32, choices=Topic.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the training does not expire."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="course_name_unique"),
            models.CheckConstraint(
                condition=models.Q(topic__in=Topic.values), name="course_topic_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(BaseModel):
    """A staff member completed a course. ``expires_on`` is computed from the course's validity
    when the record is written (``training.rules.expiry_date``); null means it does not expire."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    certificate = models.FileField(upload_to="training-certificates/%Y/", blank=True)
    certificate_number = models.CharField(max_length=100, blank=True)
    instructor = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [
            models.Index(fields=["course", "user", "expires_on"], name="training_current_idx"),
            models.Index(fields=["user", "course"], name="training_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("completed_on")),
                name="training_expiry_after_completion",
            )
        ]


class TrainingPolicy(BaseModel):
    """The coverage a program wants: shares in percent, and CIT-trained staff per shift."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="training_policy"
    )
    min_officer_share = models.PositiveSmallIntegerField(default=80)
    min_dispatcher_share = models.PositiveSmallIntegerField(default=80)
    min_cit_per_shift = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name_plural = "training policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_officer_share__lte=100, min_dispatcher_share__lte=100),
                name="training_policy_share_percent",
            )
        ]


class Shift(BaseModel):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="shifts")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="shifts")

    class Meta:
        ordering = ["agency__name", "starts_at", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "agency", "name"], name="shift_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name}"
