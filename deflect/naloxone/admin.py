"""Read-only in the admin site: every change goes through the services, which keep the ledger
whole and audit it."""

from django.contrib import admin

from .models import LedgerEntry, Lot, StockLocation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
