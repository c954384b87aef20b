"""The resource directory, in Open Referral HSDS 3.0 names and relationships.

Every HSDS object's ``id`` is a UUID (the primary key here), so an export can hand it on and an
import can keep it. An organization may be run by an agency of deflect (``agency``): that agency's
provider staff answer the organization's referrals and keep its capacity current.
"""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from deflect.core.models import BaseModel


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Organization(BaseModel):
    """HSDS ``organization``: the body that provides services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
        help_text="The deflect agency whose provider staff act for this organization.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(BaseModel):
    """HSDS ``service``: what an organization offers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(
        null=True, blank=True, help_text="When a person last checked this entry."
    )
    assurer_email = models.EmailField(blank=True)
    alert = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ServiceStatus]),
                name="service_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(BaseModel):
    """HSDS ``location``: where services are delivered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(BaseModel):
    """HSDS ``service_at_location``: a service as delivered at one location."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_here")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]


# ---------------------------------------------------------------------------------------------
# The rest of HSDS 3.0: addresses, phones, schedules, languages, service areas, costs, funding,
# accessibility, taxonomies and attributes. Field names are the specification's.
# ---------------------------------------------------------------------------------------------


class AddressType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class ScheduleFrequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class ExtentType(models.TextChoices):
    GEOJSON = "geojson", "GeoJSON"
    TOPOJSON = "topojson", "TopoJSON"
    KML = "kml", "KML"
    TEXT = "text", "Text"


def _hsds_id() -> models.UUIDField:
    return models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)


class Address(BaseModel):
    """HSDS ``address`` of a location."""

    id = _hsds_id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=300, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)
    state_province = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    address_type = models.CharField(
        max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    class Meta:
        ordering = ["address_1"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(address_type__in=AddressType.values),
                name="address_type_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}, {self.state_province} {self.postal_code}"


class Phone(BaseModel):
    """HSDS ``phone``, of a location, service, organization or service at a location."""

    id = _hsds_id()
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="text, voice, fax, cell, …")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(BaseModel):
    """HSDS ``schedule``: iCal-style opening hours of a service, location or service at a
    location. ``byday`` is a comma-separated list of MO,TU,WE,TH,FR,SA,SU; a schedule with no
    times opens all day on its days. Times are kept as the location's local time (an offset
    given on import is dropped); ``timezone`` is the HSDS UTC offset, kept as given."""

    id = _hsds_id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True, help_text="UTC offset in hours."
    )
    until = models.DateField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, choices=ScheduleFrequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=40, blank=True)
    bymonthday = models.CharField(max_length=40, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(freq__in=["", *ScheduleFrequency.values]),
                name="schedule_freq_valid",
            )
        ]


class Language(BaseModel):
    """HSDS ``language`` spoken at a service or location (``code``: ISO 639-1)."""

    id = _hsds_id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)


class ServiceArea(BaseModel):
    """HSDS ``service_area``: where a service's clients come from."""

    id = _hsds_id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas"
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=10, choices=ExtentType.choices, blank=True)
    uri = models.URLField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extent_type__in=["", *ExtentType.values]),
                name="service_area_extent_type_valid",
            )
        ]


class CostOption(BaseModel):
    """HSDS ``cost_option`` of a service."""

    id = _hsds_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)


class Funding(BaseModel):
    """HSDS ``funding`` of an organization or service."""

    id = _hsds_id()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="funding"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="funding"
    )
    source = models.TextField(blank=True)


class Accessibility(BaseModel):
    """HSDS ``accessibility`` of a location."""

    id = _hsds_id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"


class Taxonomy(BaseModel):
    """HSDS ``taxonomy``: a vocabulary of terms (deflect ships one, see ``taxonomy.py``)."""

    id = _hsds_id()
    name = models.CharField(max_length=300)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(BaseModel):
    """HSDS ``taxonomy_term``. ``code`` is unique within its taxonomy."""

    id = _hsds_id()
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=300)
    description = models.TextField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    language = models.CharField(max_length=10, blank=True)
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~models.Q(code=""),
                name="taxonomy_term_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(BaseModel):
    """HSDS ``attribute``: tags any object (``link_id`` of the ``link_entity`` table) with a
    taxonomy term. deflect's matching reads the attributes of services and locations."""

    id = _hsds_id()
    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    value = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "taxonomy_term"], name="attribute_unique"
            )
        ]


# ---------------------------------------------------------------------------------------------
# deflect's own tables: live capacity, MOUs, self-referral sites and the match index.
# ---------------------------------------------------------------------------------------------


class CapacityUnit(models.TextChoices):
    BED = "bed", "Beds"
    SLOT = "slot", "Intake slots"


class ServiceCapacity(BaseModel):
    """Open beds or slots of a service, the shape of HSDS 3.1's ``service_capacity``.

    ``updated`` and ``updated_by`` say who gave the figure and when; a figure older than
    ``STALE_AFTER`` (24 hours) is shown as stale. The only writer is
    ``services.capacity_update``, which also audits every change.
    """

    id = _hsds_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit = models.CharField(max_length=10, choices=CapacityUnit.choices)
    available = models.PositiveIntegerField()
    maximum = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    updated = models.DateTimeField()
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "service capacities"
        constraints = [
            models.UniqueConstraint(fields=["service", "unit"], name="capacity_one_per_unit"),
            models.CheckConstraint(
                condition=models.Q(unit__in=CapacityUnit.values), name="capacity_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(maximum__isnull=True)
                | models.Q(available__lte=models.F("maximum")),
                name="capacity_available_within_maximum",
            ),
        ]


def mou_storage():
    """Signed MOUs live under ``DEFLECT_DATA_DIR/mous``, never under a public URL: they are
    served only by the coordinators' download view."""

    return FileSystemStorage(location=settings.DATA_DIR / "mous", base_url=None)


class MouStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Mou(BaseModel):
    """A memorandum of understanding between a program and a provider organization.

    An MOU is in force when active, signed and not past ``expires_on``; matching prefers the
    services of organizations with an MOU in force with the responder's program."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="mous")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="mous")
    status = models.CharField(max_length=12, choices=MouStatus.choices, default=MouStatus.DRAFT)
    signed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    covers = models.TextField(help_text="What the agreement covers (warm handoffs, beds, data).")
    warm_handoff = models.BooleanField(
        default=False, help_text="The provider takes warm handoffs from responders."
    )
    document = models.FileField(upload_to="%Y/", storage=mou_storage, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "MOU"
        ordering = ["expires_on", "organization__name"]
        indexes = [models.Index(fields=["program", "status"], name="mou_program_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MouStatus.values), name="mou_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(signed_on__isnull=False),
                name="mou_active_is_signed",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(expires_on__gt=models.F("signed_on")),
                name="mou_expires_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"MOU {self.program} – {self.organization}"


class MouStatusChange(BaseModel):
    """One move of an MOU's status (``resources.pipeline``), by a coordinator or, when it
    expires, by the daily schedule (``actor`` empty)."""

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=MouStatus.choices)
    party = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = "MOU status change"
        ordering = ["at", "id"]


class SelfReferralSite(BaseModel):
    """A station where people may walk in and ask for help without fear of arrest (Safe
    Stations, ANGEL-style programs). Its hours are the location's HSDS schedules."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="self_referral_sites"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="self_referral_sites"
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepts_walk_ins = models.BooleanField(default=True)
    hours_description = models.CharField(max_length=300, blank=True)
    what_to_expect = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "location"], name="self_referral_site_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.location)


class MatchEntry(models.Model):
    """Derived, not HSDS: one row per service at a location with what the hard filters need,
    so that matching filters in SQL (a latitude/longitude box on an index, tag bitmasks) before
    any Python runs. ``tags`` is the bitmask of the taxonomy terms in ``taxonomy.TERMS`` that
    the service or location carries. Rebuilt only by ``services.match_index_refresh``."""

    service_at_location = models.OneToOneField(
        ServiceAtLocation, primary_key=True, on_delete=models.CASCADE, related_name="match_entry"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    tags = models.BigIntegerField(default=0)
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    languages = models.CharField(max_length=200, default=",en,", help_text=",en,es,")
    hours = models.CharField(
        max_length=500, blank=True, help_text="Weekly hours, see matching.parse_hours."
    )

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="match_entry_lat_lon_idx"),
            models.Index(fields=["service"], name="match_entry_service_idx"),
        ]

    def __str__(self) -> str:
        return f"match entry {self.service_at_location_id}"
