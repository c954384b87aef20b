"""Follow-up: policies per program and trigger, the tasks they create, contact attempts, outreach
teams, and the notices the scheduled job sends.

``FollowUp.status`` is written only by ``followups.services`` (``_followup_transition``). Due
windows come from ``followups.rules`` (pure functions, in the policy's time zone).
"""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel, Pathway


class Trigger(models.TextChoices):
    NONFATAL_OVERDOSE = "nonfatal_overdose", "After a non-fatal overdose"
    PLACEMENT = "placement", "After a placement in treatment"
    COMPLETION = "completion", "Aftercare after completion"


# Follow-ups anchored on what a treatment provider reported (an intake, a completion) tell
# whoever sees them that the person entered or finished treatment: 42 CFR Part 2 information.
# They reach only roles with clinical access, never a coordinator or anyone at a police, fire
# or EMS agency or a prosecutor's office (the policy denies those clinical access).
TREATMENT_TRIGGERS = (Trigger.PLACEMENT, Trigger.COMPLETION)


class OutreachTeam(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="outreach_teams"
    )
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="outreach_team_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpPolicy(BaseModel):
    """When follow-ups fall due after a trigger, for one program (and pathway, if given).

    ``steps`` is a list of ``{"label", "offset", "window", "unit", "contact_required"}`` as
    ``followups.rules.Step`` reads them."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="followup_policies"
    )
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    pathway = models.CharField(max_length=32, choices=Pathway.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    steps = models.JSONField(default=list)
    team = models.ForeignKey(
        OutreachTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["trigger", "pathway"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "trigger", "pathway"], name="followup_policy_unique"
            ),
        ]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONTACTED = "contacted", "Contact made"
    CLOSED = "closed", "Closed without contact"
    CANCELLED = "cancelled", "Cancelled"


class FollowUp(BaseModel):
    """One follow-up a person is due, with its window (``opens_at`` … ``due_at``)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="followups"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="followups")
    encounter = models.ForeignKey(
        "encounters.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        OutreachTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    step = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120)
    anchor_at = models.DateTimeField()
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    contact_required = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["team", "status", "due_at"], name="followup_team_queue_idx"),
            models.Index(fields=["program", "status", "due_at"], name="followup_program_queue_idx"),
            models.Index(fields=["person", "due_at"], name="followup_person_idx"),
            models.Index(
                fields=["program", "trigger", "contact_required", "anchor_at"],
                name="followup_program_anchor_idx",
            ),
            models.Index(
                fields=["status", "overdue_notified_at", "due_at"], name="followup_overdue_idx"
            ),
            models.Index(fields=["status", "due_notified_at", "due_at"], name="followup_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FollowUpStatus.values),
                name="followup_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("opens_at")),
                name="followup_window_ordered",
            ),
            models.UniqueConstraint(
                fields=["encounter", "trigger", "step"],
                condition=models.Q(encounter__isnull=False),
                name="followup_once_per_encounter_step",
            ),
        ]


class FollowUpStatusChange(BaseModel):
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class AttemptMethod(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    SOCIAL_MEDIA = "social_media", "Social media"
    DROP_IN = "drop_in", "Drop-in center"
    OTHER = "other", "Other"


class AttemptResult(models.TextChoices):
    CONTACTED = "contacted", "Contacted"
    NOT_FOUND = "not_found", "Not found"
    DECLINED = "declined", "Declined"
    MOVED = "moved", "Moved"
    DECEASED = "deceased", "Deceased"


class TeamRole(models.TextChoices):
    OFFICER = "officer", "Officer"
    CLINICIAN = "clinician", "Clinician"
    PEER = "peer", "Peer"


class FollowUpAttempt(BaseModel):
    client_uuid = models.UUIDField(unique=True)
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=AttemptMethod.choices)
    result = models.CharField(max_length=12, choices=AttemptResult.choices)
    team_composition = models.JSONField(default=list)
    note = models.CharField(max_length=500, blank=True, help_text="Non-clinical.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-attempted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=AttemptMethod.values), name="attempt_method_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=AttemptResult.values), name="attempt_result_valid"
            ),
        ]


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notice(BaseModel):
    """One message to one recipient on one channel. ``key`` is unique: a notice is made once."""

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=12)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    address = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="notice_status_idx")]


class SmsOutbox(BaseModel):
    """Where the local SMS channel writes the messages a gateway would send."""

    to = models.CharField(max_length=40)
    body = models.TextField()
    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="sms")


class NoticePreference(BaseModel):
    """How a staff member wants reminders: email (their account's address) and/or SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.BooleanField(default=True)
    sms_number = models.CharField(max_length=40, blank=True)
