"""Naloxone inventory as a ledger. Stock on hand is the sum of a location's ledger entries
for a lot; nobody types it.

``Balance`` is the per-location-and-lot row that ``services.movement_record`` locks before it
writes a movement: it carries the same running total (never below zero, enforced by the
database) so that two draws of the last kit serialize on it and one of them is refused.
"""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel


class Product(models.TextChoices):
    NASAL_4MG = "nasal_4mg", "Nasal spray 4 mg"
    NASAL_8MG = "nasal_8mg", "Nasal spray 8 mg"
    INTRAMUSCULAR = "intramuscular", "Intramuscular injection"
    AUTO_INJECTOR = "auto_injector", "Auto-injector"


class LocationKind(models.TextChoices):
    CENTRAL = "central", "Central stock"
    STATION = "station", "Station"
    VEHICLE = "vehicle", "Vehicle"
    OFFICER = "officer", "Officer's kit"


class Movement(models.TextChoices):
    ACQUIRED = "acquired", "Acquired"
    ISSUED = "issued", "Issued (transfer)"
    DISTRIBUTED = "distributed", "Distributed to the public"
    ADMINISTERED = "administered", "Administered"
    DISPOSED = "disposed", "Disposed"


class Source(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    GRANT = "grant", "Grant"
    FREE_PROGRAM = "free_program", "Free program"


class Channel(models.TextChoices):
    LEAVE_BEHIND = "leave_behind", "Leave-behind kit"
    DROP_IN = "drop_in", "Drop-in center"
    COMMUNITY_TRAINING = "community_training", "Community training"


class DisposalReason(models.TextChoices):
    EXPIRED = "expired", "Expired"
    DAMAGED = "damaged", "Damaged"


class StockLocation(BaseModel):
    """Where kits are: central stock, a station, a vehicle or one officer's kit."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="naloxone_locations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=LocationKind.choices)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="naloxone_kits",
        help_text="The officer who carries this kit.",
    )
    reorder_threshold = models.PositiveIntegerField(
        default=0, help_text="Warn when this location holds fewer kits than this."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="naloxone_location_unique"),
            models.UniqueConstraint(
                fields=["program", "holder"],
                condition=models.Q(kind="officer"),
                name="naloxone_one_kit_per_officer",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=LocationKind.values), name="naloxone_location_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lot(BaseModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="naloxone_lots"
    )
    product = models.CharField(max_length=20, choices=Product.choices)
    lot_number = models.CharField(max_length=60)
    expires_on = models.DateField()

    class Meta:
        ordering = ["expires_on", "lot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "product", "lot_number"], name="naloxone_lot_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(product__in=Product.values), name="naloxone_lot_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} lot {self.lot_number} (exp. {self.expires_on})"


class Balance(models.Model):
    """The lock row (and running total) of one lot at one location."""

    location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="+")
    quantity = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "lot"], name="naloxone_balance_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="naloxone_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of lot {self.lot_id} at location {self.location_id}"


class LedgerEntry(models.Model):
    """One movement of kits into (+) or out of (−) one location. Append-only.

    An issue from one location to another is two entries sharing ``transfer_id``.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="naloxone_ledger"
    )
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="ledger")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=16, choices=Movement.choices)
    quantity = models.IntegerField()
    source = models.CharField(max_length=16, choices=Source.choices, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    disposal_reason = models.CharField(max_length=10, choices=DisposalReason.choices, blank=True)
    counterpart = models.ForeignKey(
        StockLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_id = models.UUIDField(null=True, blank=True, default=None)
    encounter = models.ForeignKey(
        "encounters.Encounter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="naloxone_entries",
    )
    event = models.ForeignKey(
        "community.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="naloxone_entries",
    )
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            # Covering index for a program's stock on hand: SUM(quantity) GROUP BY location, lot.
            models.Index(
                fields=["program", "location", "lot", "quantity"], name="naloxone_stock_idx"
            ),
            models.Index(fields=["location", "lot"], name="naloxone_location_lot_idx"),
            models.Index(fields=["program", "kind", "occurred_at"], name="naloxone_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(quantity=0), name="naloxone_qty_nonzero"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Movement.values), name="naloxone_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="acquired")
                | models.Q(quantity__gt=0) & ~models.Q(source=""),
                name="naloxone_acquired_in_with_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="distributed")
                | models.Q(quantity__lt=0) & ~models.Q(channel=""),
                name="naloxone_distributed_out_with_channel",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="administered")
                | models.Q(quantity__lt=0) & models.Q(encounter__isnull=False),
                name="naloxone_administered_out_with_encounter",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="disposed")
                | models.Q(quantity__lt=0) & ~models.Q(disposal_reason=""),
                name="naloxone_disposed_out_with_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="issued")
                | models.Q(transfer_id__isnull=False, counterpart__isnull=False),
                name="naloxone_issued_is_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} at {self.location_id}"
