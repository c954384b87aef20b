from django.contrib import admin

from .actions import Action
from .models import AuditEvent
from .services import audit_record


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


class AuditedAdminMixin:
    """Writes an audit event for every save and delete made through the admin site."""

    audit_actions: tuple[Action, Action, Action]  # (create, update, delete)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = self.audit_actions[1] if change else self.audit_actions[0]
        audit_record(
            action=action,
            actor=request.user,
            target=obj,
            extra={"via": "admin", "changed": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        target = (obj._meta.label_lower, str(obj.pk))
        super().delete_model(request, obj)
        audit_record(
            action=self.audit_actions[2], actor=request.user, target=target, extra={"via": "admin"}
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
