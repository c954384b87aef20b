"""Anonymous participant feedback. Nothing here identifies the person who answered: no
account, no name, no contact details, no IP address (the rate limiter keeps only a keyed hash
of it for one hour, in a separate table)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Treatment(models.IntegerChoices):
    VERY_POORLY = 1, _("Very poorly")
    POORLY = 2, _("Poorly")
    OKAY = 3, _("Okay")
    WELL = 4, _("Well")
    VERY_WELL = 5, _("Very well")


class Timely(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class FeedbackResponse(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="feedback"
    )
    language = models.CharField(max_length=8)
    treated = models.PositiveSmallIntegerField(choices=Treatment.choices)
    timely = models.CharField(max_length=8, choices=Timely.choices)
    would_have_helped = models.TextField(blank=True)
    # The day only: a timestamp could be matched against an encounter's time.
    submitted_on = models.DateField()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["program", "submitted_on"], name="feedback_program_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(treated__gte=1, treated__lte=5), name="feedback_treated_range"
            ),
            models.CheckConstraint(
                condition=models.Q(timely__in=Timely.values), name="feedback_timely_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback #{self.pk} ({self.submitted_on})"


class SubmissionThrottle(models.Model):
    """Submissions per client in the current hour: ``key`` is an HMAC of the client address
    and the hour, so it cannot be turned back into an address and changes every hour."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} in the hour from {self.window_start:%H:%M}"
