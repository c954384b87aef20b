from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin site can never add, change or delete audit rows."""

    list_display = (
        "id",
        "occurred_at",
        "actor_username",
        "action",
        "target_type",
        "target_id",
        "outcome",
    )
    list_filter = ("action", "outcome")
    search_fields = ("actor_username", "target_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
