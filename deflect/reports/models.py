from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel


class DeidentifiedExport(BaseModel):
    """One de-identified export: who made it, when, for which period and program, and which
    people's rows went into it (``person_ids``; the study ids in the file are random and are
    never stored, so the file cannot be joined back through this table). Append-only: written
    once by ``reports.services.deidentified_export_create``."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date_from = models.DateField()
    date_to = models.DateField()
    dates_mode = models.CharField(max_length=8)
    row_count = models.PositiveIntegerField()
    suppressed_rows = models.PositiveIntegerField(default=0)
    person_ids = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__gte=models.F("date_from")),
                name="deidentified_export_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(dates_mode__in=["shift", "year"]),
                name="deidentified_export_dates_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"De-identified export {self.pk} ({self.date_from}–{self.date_to})"
