from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin

from .models import DeidentifiedExport


@admin.register(DeidentifiedExport)
class DeidentifiedExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "program", "date_from", "date_to", "row_count")
    exclude = ("person_ids",)
