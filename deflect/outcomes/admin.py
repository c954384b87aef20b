"""Read-only in the admin site: only the import batches (file, counts, status). Outside
records carry people's identifiers and are read through the audited pages, never the admin."""

from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "program", "source", "kind", "status", "row_count")
    list_filter = ("kind", "status")
