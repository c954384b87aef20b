"""Admin-site writes are audited like service writes."""

from deflect.audit.actions import Action
from deflect.audit.services import audit_record


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
