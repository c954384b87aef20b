"""Reads for naloxone: stock on hand from the ledger, expiring stock, reorder warnings, and
the reports (administrations and reversals from the encounters, kits distributed).

Every figure is an aggregate in SQL over the ledger (or the encounters' overdose details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from deflect.encounters.choices import NaloxoneResponse
from deflect.encounters.models import OverdoseDetail
from deflect.programs.models import Program

from .models import LedgerEntry, Lot, Movement, Product, StockLocation

EXPIRY_WARNING_DAYS = 60


def stock_by_location(program: Program) -> dict[int, int]:
    """Kits on hand per location id (every lot), summed from the ledger."""
    rows = (
        LedgerEntry.objects.filter(program=program)
        .values("location_id")
        .annotate(on_hand=Sum("quantity"))
        .order_by()
    )
    return {row["location_id"]: row["on_hand"] for row in rows}


def stock_all_locations() -> dict[int, int]:
    """Kits on hand per location id across every program (the county-wide view)."""
    rows = LedgerEntry.objects.values("location_id").annotate(on_hand=Sum("quantity")).order_by()
    return {row["location_id"]: row["on_hand"] for row in rows}


def stock_by_location_and_lot(program: Program) -> list[dict]:
    """(location id, lot id, on hand) for every lot still held somewhere."""
    return list(
        LedgerEntry.objects.filter(program=program)
        .values("location_id", "lot_id")
        .annotate(on_hand=Sum("quantity"))
        .filter(on_hand__gt=0)
        .order_by()
    )


def stock_by_product(program: Program) -> list[tuple[str, int]]:
    """Kits on hand per product across the program's locations, with the product's label."""
    rows = (
        LedgerEntry.objects.filter(program=program)
        .values("lot__product")
        .annotate(on_hand=Sum("quantity"))
        .order_by("lot__product")
    )
    return [(Product(r["lot__product"]).label, r["on_hand"]) for r in rows if r["on_hand"]]


def on_hand(*, location: StockLocation, lot: Lot) -> int:
    total = LedgerEntry.objects.filter(location=location, lot=lot).aggregate(n=Sum("quantity"))
    return total["n"] or 0


@dataclass
class LotStock:
    lot: Lot
    on_hand: int
    expired: bool
    expiring: bool


@dataclass
class LocationStock:
    location: StockLocation
    on_hand: int
    lots: list[LotStock]

    @property
    def below_threshold(self) -> bool:
        return self.on_hand < self.location.reorder_threshold

    @property
    def expiring_kits(self) -> int:
        return sum(s.on_hand for s in self.lots if s.expiring or s.expired)


def stock_report(program: Program, today: date | None = None) -> list[LocationStock]:
    """Every active location with its lots on hand, expiry and reorder warnings."""
    today = today or timezone.localdate()
    warn_until = today + timedelta(days=EXPIRY_WARNING_DAYS)
    locations = list(
        StockLocation.objects.filter(program=program, is_active=True).select_related(
            "agency", "holder"
        )
    )
    rows = stock_by_location_and_lot(program)
    lots = Lot.objects.in_bulk({row["lot_id"] for row in rows})
    by_location: dict[int, list[LotStock]] = {}
    for row in rows:
        lot = lots[row["lot_id"]]
        by_location.setdefault(row["location_id"], []).append(
            LotStock(
                lot=lot,
                on_hand=row["on_hand"],
                expired=lot.expires_on < today,
                expiring=today <= lot.expires_on <= warn_until,
            )
        )
    report = []
    for location in locations:
        held = sorted(by_location.get(location.pk, []), key=lambda s: s.lot.expires_on)
        report.append(LocationStock(location, sum(s.on_hand for s in held), held))
    return report


def _since_filter(since: datetime | None) -> Q:
    return Q(occurred_at__gte=since) if since else Q()


def kits_distributed(program: Program, since: datetime | None = None) -> dict:
    """Kits given to the public, by channel."""
    rows = (
        LedgerEntry.objects.filter(program=program, kind=Movement.DISTRIBUTED)
        .filter(_since_filter(since))
        .values("channel")
        .annotate(kits=Sum("quantity"))
        .order_by("channel")
    )
    by_channel = {row["channel"]: -row["kits"] for row in rows}
    return {"by_channel": by_channel, "total": sum(by_channel.values())}


def administrations_report(program: Program, since: datetime | None = None) -> dict:
    """Naloxone administrations and reversals, from the encounters that recorded them."""
    details = OverdoseDetail.objects.filter(encounter__program=program)
    if since:
        details = details.filter(encounter__occurred_at__gte=since)
    given = (
        Q(naloxone_doses_responder__gt=0)
        | Q(naloxone_doses_ems__gt=0)
        | Q(naloxone_doses_bystander__gt=0)
    )
    figures = details.aggregate(
        overdoses=Count("pk"),
        with_naloxone=Count("pk", filter=given),
        doses_responder=Sum("naloxone_doses_responder"),
        doses_ems=Sum("naloxone_doses_ems"),
        doses_bystander=Sum("naloxone_doses_bystander"),
        reversals=Count("pk", filter=given & Q(naloxone_response=NaloxoneResponse.RESPONDED)),
        partial=Count("pk", filter=given & Q(naloxone_response=NaloxoneResponse.PARTIAL)),
        fatal=Count("pk", filter=Q(fatal=True)),
        leave_behind=Count("pk", filter=Q(leave_behind_kit=True)),
    )
    kits = LedgerEntry.objects.filter(program=program, kind=Movement.ADMINISTERED).filter(
        _since_filter(since)
    )
    ledger = kits.aggregate(kits=Sum("quantity"), encounters=Count("encounter", distinct=True))
    figures = {k: v or 0 for k, v in figures.items()}
    figures["kits_from_stock"] = -(ledger["kits"] or 0)
    figures["encounters_linked"] = ledger["encounters"] or 0
    return figures


def ledger_page(
    program: Program, location: StockLocation | None = None, limit: int = 200
) -> list[LedgerEntry]:
    entries = LedgerEntry.objects.filter(program=program).select_related(
        "location", "lot", "counterpart", "recorded_by", "event"
    )
    if location is not None:
        entries = entries.filter(location=location)
    return list(entries[:limit])
