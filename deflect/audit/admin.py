"""The audit log in the admin site (read-only), and the audited base for the few configuration
models the admin site may change (docs/security.md lists them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from deflect.core.admin import ReadOnlyAdmin

from .actions import Action
from .models import AuditEvent
from .services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
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


class AuditedAdminMixin:
    """Writes an audit event for every save and delete made through the admin site, and for
    every row an inline adds, changes or deletes (under the parent's update action)."""

    # (create, update, delete); the generic admin actions unless the model has its own.
    audit_actions: tuple[Action, Action, Action] = (
        Action.ADMIN_CREATE,
        Action.ADMIN_UPDATE,
        Action.ADMIN_DELETE,
    )

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]  # a ModelAdmin mixin
        action = self.audit_actions[1] if change else self.audit_actions[0]
        audit_record(
            action=action,
            actor=request.user,  # type: ignore[arg-type]  # the admin site requires a signed-in user
            target=obj,
            extra={"via": "admin", "changed": sorted(form.changed_data)},
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        # Deleting a row clears its primary key: read the ids first.
        deleted = [str(f.instance.pk) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)  # type: ignore[misc]  # a ModelAdmin mixin
        rows: dict[str, list[Any]] = {
            "added": [str(obj.pk) for obj in getattr(formset, "new_objects", [])],
            "changed": [
                {"id": str(obj.pk), "fields": sorted(fields)}
                for obj, fields in getattr(formset, "changed_objects", [])
            ],
            "deleted": deleted if getattr(formset, "deleted_objects", []) else [],
        }
        if not any(rows.values()):
            return
        audit_record(
            action=self.audit_actions[1],
            actor=request.user,  # type: ignore[arg-type]  # the admin site requires a signed-in user
            target=form.instance,
            extra={"via": "admin", "inline": formset.model._meta.label, **rows},  # type: ignore[attr-defined]  # a model formset
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        target = (obj._meta.label_lower, str(obj.pk))
        super().delete_model(request, obj)  # type: ignore[misc]  # a ModelAdmin mixin
        audit_record(
            action=self.audit_actions[2],
            actor=request.user,  # type: ignore[arg-type]  # the admin site requires a signed-in user
            target=target,
            extra={"via": "admin"},
        )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ConfigurationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A configuration model the admin site may change: every save, delete and inline row is
    audited."""
