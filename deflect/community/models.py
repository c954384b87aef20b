"""Community education: public sessions, drop-in centers, support meetings and school or
faith-group sessions. Kits an event hands out are naloxone ledger entries pointing at it."""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel


class EventKind(models.TextChoices):
    PUBLIC_INFORMATION = "public_information", "Public information session"
    DROP_IN_CENTER = "drop_in_center", "Drop-in center"
    SUPPORT_MEETING = "support_meeting", "Community support meeting"
    SCHOOL_SESSION = "school_session", "School session"
    FAITH_SESSION = "faith_session", "Faith-group session"


class Event(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="community_events"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300)
    partners = models.TextField(
        blank=True, help_text="Providers and organizations on site, one per line."
    )
    attendance = models.PositiveIntegerField(default=0)
    people_trained = models.PositiveIntegerField(
        default=0, help_text="People trained to use naloxone."
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["program", "starts_at"], name="event_program_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="event_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(people_trained__lte=models.F("attendance")),
                name="event_trained_within_attendance",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]
