from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin

from .models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "starts_at", "program", "attendance", "people_trained")
    list_filter = ("kind",)
