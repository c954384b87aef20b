"""Records other systems wrote about people (jail bookings, arrests, EMS runs, ED visits,
deaths, treatment admissions and discharges) and the imports that brought them in.

An ``ExternalRecord`` keeps the person's identifiers the way the other system wrote them; the
linkage sets ``person`` (with its match probability) when it finds the deflect person the
record belongs to. ``(program, source, source_record_id)`` is unique, so importing the same
file twice adds nothing. Phone and street address are stored encrypted like ``Person.phone``;
names, date of birth and the event fields stay plain, because the outcome measures and the
linkage compare them in SQL.
"""

from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedCharField, EncryptedTextField
from deflect.core.models import BaseModel


class RecordKind(models.TextChoices):
    ARREST = "arrest", "Arrest"
    JAIL_BOOKING = "jail_booking", "Jail booking"
    EMS_OVERDOSE = "ems_overdose", "EMS overdose run"
    ED_VISIT = "ed_visit", "Emergency department visit"
    DEATH = "death", "Death"
    TREATMENT_ADMISSION = "treatment_admission", "Treatment admission"
    TREATMENT_DISCHARGE = "treatment_discharge", "Treatment discharge"


class DischargeReason(models.TextChoices):
    COMPLETED = "completed", "Completed treatment"
    LEFT = "left", "Left before completing"
    TRANSFERRED = "transferred", "Transferred"
    OTHER = "other", "Other"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing imported"


class ImportBatch(BaseModel):
    """One file brought in (or checked, with ``dry_run``). ``progress`` (rows read so far) and
    ``row_count`` drive the upload page's progress bar; ``status`` moves only through
    ``outcomes.pipeline``."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="import_batches"
    )
    source = models.CharField(max_length=64)
    kind = models.CharField(max_length=32, choices=RecordKind.choices)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    dry_run = models.BooleanField(default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    existing_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    # What went wrong, for a failed batch: [{"line", "column", "message"}, ...]
    errors = models.JSONField(default=list, blank=True)
    # The file and its mapping while the import is checked and saved; emptied when it ends.
    content = EncryptedTextField(blank=True)
    mapping_text = models.TextField(blank=True)
    checked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "created_at"], name="outcomes_batch_prog_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=RecordKind.values), name="outcomes_batch_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BatchStatus.values),
                name="outcomes_batch_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} import #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.row_count:
            return 100 if self.status in {BatchStatus.DONE, BatchStatus.FAILED} else 0
        return min(100, round(100 * self.progress / self.row_count))


class ExternalRecord(BaseModel):
    """One event another system recorded about a person, with the identifiers it wrote."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="external_records"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    source = models.CharField(max_length=64)
    source_record_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=32, choices=RecordKind.choices)
    # The person's identifiers as the other system wrote them.
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    dob = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=40, blank=True)
    race = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    phone = EncryptedCharField(max_length=40, blank=True)
    address = EncryptedCharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=10, blank=True)
    # The event.
    event_at = models.DateTimeField()
    event_type = models.CharField(max_length=100, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)  # jail_booking
    fatal = models.BooleanField(null=True, blank=True)  # ems_overdose, death
    discharge_reason = models.CharField(
        max_length=16, choices=DischargeReason.choices, blank=True
    )  # treatment_discharge
    charge = models.CharField(max_length=200, blank=True)
    disposition = models.CharField(max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # Set by the linkage (outcomes.services.record_links_apply).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_records",
    )
    link_probability = models.FloatField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-event_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "source", "source_record_id"],
                name="outcomes_record_source_key",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RecordKind.values), name="outcomes_record_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(discharge_reason__in=[*DischargeReason.values, ""]),
                name="outcomes_record_discharge_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(link_probability__isnull=True)
                | models.Q(link_probability__gte=0, link_probability__lte=1),
                name="outcomes_record_probability_range",
            ),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True)
                | models.Q(released_at__gte=models.F("event_at")),
                name="outcomes_record_release_after_event",
            ),
        ]
        indexes = [
            # The measures: one person's events of a kind in a window.
            models.Index(fields=["person", "kind", "event_at"], name="outcomes_person_kind_idx"),
            models.Index(fields=["program", "kind", "event_at"], name="outcomes_prog_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source}:{self.source_record_id}"
