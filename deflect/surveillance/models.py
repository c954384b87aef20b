"""Overdose surveillance: overdose events from the field, EMS patient care reports (NEMSIS) and
dispatch (CAD) exports; per-program settings for areas and spike detection; spike alerts and
their response checklist.

An ``OverdoseEvent`` is one overdose, fatal or not. ``pcr_uuid`` (the NEMSIS PatientCareReport
UUID) is unique, so re-importing a report adds nothing; ``followup_started_at`` is set once, in
the same transaction that schedules the post-overdose follow-up, so it starts exactly once.
"""

from django.conf import settings
from django.db import models

from deflect.core.crypto import EncryptedCharField
from deflect.core.models import BaseModel


class Source(models.TextChoices):
    FIELD = "field_encounter", "Field encounter"
    EMS = "ems_pcr", "EMS patient care report"
    CAD = "cad", "Dispatch (CAD/RMS)"


class NaloxoneResponse(models.TextChoices):
    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "Unchanged"
    WORSE = "worse", "Worse"
    UNKNOWN = "unknown", "Unknown"
    NOT_GIVEN = "not_given", "No naloxone given"


class GivenBy(models.TextChoices):
    EMS = "ems", "EMS"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    LAY_PERSON = "lay_person", "Lay person"
    FAMILY = "family", "Family member"
    FIRE = "fire", "Fire"


class OverdoseEvent(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="overdose_events"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    pcr_uuid = models.UUIDField(null=True, blank=True, unique=True)
    external_id = models.CharField(
        max_length=80, blank=True, help_text="The PCR number or the dispatch incident number."
    )
    encounter = models.ForeignKey(
        "encounters.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField()
    fatal = models.BooleanField(default=False)
    naloxone_doses = models.PositiveSmallIntegerField(default=0)
    naloxone_response = models.CharField(
        max_length=12, choices=NaloxoneResponse.choices, default=NaloxoneResponse.NOT_GIVEN
    )
    naloxone_given_by = models.JSONField(default=list, help_text="GivenBy codes, in order.")
    doses = models.JSONField(default=list, help_text="Each dose as the report gives it.")
    situation_codes = models.JSONField(default=list)
    disposition_codes = models.JSONField(default=list)
    refused_transport = models.BooleanField(default=False)
    call_type = models.CharField(max_length=80, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    scene_address = EncryptedCharField(max_length=300, blank=True)
    scene_zip = models.CharField(max_length=10, blank=True)
    beat = models.CharField(max_length=40, blank=True)
    h3_cell = models.CharField(max_length=16, blank=True)
    patient_address = EncryptedCharField(max_length=300, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overdose_events",
        help_text="Empty: the survivor is not identified (yet).",
    )
    identified_at = models.DateTimeField(null=True, blank=True)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    followup_started_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["program", "occurred_at"], name="odevent_program_time_idx"),
            models.Index(fields=["person", "occurred_at"], name="odevent_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values), name="odevent_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(naloxone_response__in=NaloxoneResponse.values),
                name="odevent_response_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="odevent_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="odevent_longitude_range",
            ),
            models.UniqueConstraint(
                fields=["program", "source", "external_id"],
                condition=models.Q(source="cad") & ~models.Q(external_id=""),
                name="odevent_cad_incident_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Overdose event #{self.pk}"


class AreaKind(models.TextChoices):
    ZIP = "zip", "ZIP code"
    BEAT = "beat", "Police beat"
    H3 = "h3", "Hex cell (H3)"


class SurveillanceSettings(BaseModel):
    """One program's surveillance choices: the areas spikes are counted in, the methods and
    their thresholds, who is told, and the dispatch call types that mean an overdose."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="surveillance_settings"
    )
    area_kind = models.CharField(max_length=8, choices=AreaKind.choices, default=AreaKind.ZIP)
    h3_resolution = models.PositiveSmallIntegerField(default=8)
    methods = models.JSONField(default=list, help_text="Any of c1, c2, c3, threshold.")
    c1_threshold = models.FloatField(default=3.0)
    c2_threshold = models.FloatField(default=3.0)
    c3_threshold = models.FloatField(default=2.0)
    count_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Overdoses in one area within 24 hours (the plain threshold)."
    )
    notify_roles = models.JSONField(default=list)
    overdose_call_types = models.JSONField(default=list)
    behavioral_call_types = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_kind__in=AreaKind.values), name="surv_settings_area_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(h3_resolution__lte=15), name="surv_settings_h3_resolution"
            ),
        ]


class Method(models.TextChoices):
    C1 = "c1", "EARS C1"
    C2 = "c2", "EARS C2"
    C3 = "c3", "EARS C3"
    THRESHOLD = "threshold", "Count in 24 hours"


class SpikeAlert(BaseModel):
    """One spike: a run of consecutive alarm days for one method and area. ``first_day`` is
    unique per program, method and area, and a later alarm day that continues the run extends
    ``last_day`` instead of raising another alert, so a spike is told once."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="spike_alerts"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    area_kind = models.CharField(max_length=8, choices=AreaKind.choices)
    area = models.CharField(max_length=40)
    first_day = models.DateField()
    last_day = models.DateField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField()
    expected = models.FloatField()
    statistic = models.FloatField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_user_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-first_day", "-id"]
        indexes = [models.Index(fields=["program", "-first_day"], name="spike_program_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "method", "area_kind", "area", "first_day"],
                name="spike_once_per_run",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=Method.values), name="spike_method_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="spike_days_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} spike in {self.area} from {self.first_day}"


class ResponseStep(models.TextChoices):
    NOTIFY_PARTNERS = "notify_partners", "Notify partners"
    NALOXONE_SATURATION = "naloxone_saturation", "Naloxone saturation"
    OUTREACH_SWEEP = "outreach_sweep", "Outreach sweep"
    PUBLIC_WARNING = "public_warning", "Public warning"


class ResponseItem(BaseModel):
    """One step of a spike's response checklist, marked done once (audited)."""

    alert = models.ForeignKey(SpikeAlert, on_delete=models.CASCADE, related_name="checklist")
    step = models.CharField(max_length=24, choices=ResponseStep.choices)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "step"], name="spike_step_once"),
            models.CheckConstraint(
                condition=models.Q(step__in=ResponseStep.values), name="spike_step_valid"
            ),
        ]
