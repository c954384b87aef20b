"""Read-only in the admin site: every change goes through the services, which keep the ledger
whole and audit it."""

from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin as ReadOnlyAdmin

from .models import LedgerEntry, Lot, StockLocation


@admin.register(StockLocation)
class StockLocationAdmin(ReadOnlyAdmin):
    list_display = ("name", "program", "kind", "agency", "holder", "reorder_threshold")
    list_filter = ("kind",)


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ("lot_number", "product", "expires_on", "program")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "location", "kind", "quantity", "lot", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("location", "lot", "recorded_by")
