"""Accounts in the admin site: users and agencies are configuration (audited); memberships and
API tokens are read-only, since the staff page and the API grant and revoke them under the
policy's rules. Nobody changes a superuser flag here, and nobody changes their own staff flag."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deflect.audit.actions import Action
from deflect.audit.admin import AuditedAdminMixin, ConfigurationAdmin
from deflect.core.admin import ReadOnlyAdmin

from .models import Agency, ApiToken, Membership, User


class ReadOnlyMembershipsMixin:
    """Roles are granted and revoked only on the staff page or the API, through
    ``membership_create`` / ``membership_revoke``: the policy's rules (own agency, not oneself,
    admin role by admins) and their audit rows apply there. The admin site only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyMembershipsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "agency", "user", "is_active")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    audit_actions = (Action.USER_CREATE, Action.USER_UPDATE, Action.USER_DELETE)
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("deflect", {"fields": ("display_name",)}))
    # Admin rights are not handed out here: the superuser flag, groups and permissions are
    # set from the command line (``createsuperuser``) only.
    ALWAYS_READ_ONLY = ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")
    # On one's own account: no removing one's own staff access or deactivating oneself.
    OWN_READ_ONLY = ("is_staff", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.pk == request.user.pk:
            return self.ALWAYS_READ_ONLY + self.OWN_READ_ONLY
        return self.ALWAYS_READ_ONLY

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Refused: people change their own password on their account page (the service
        refuses another account's password too)."""
        raise PermissionDenied("Passwords are changed by their owner on the account page.")


@admin.register(Agency)
class AgencyAdmin(ConfigurationAdmin):
    audit_actions = (Action.AGENCY_CREATE, Action.AGENCY_UPDATE, Action.AGENCY_DELETE)
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMembershipsMixin, admin.ModelAdmin):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("user__username", "agency__name")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: tokens are created and revoked by their owners (and revocations re-applied
    after a restore) through the audited token services."""

    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    exclude = ("digest",)


# Third-party models. Groups and model permissions are not used (roles are memberships), so the
# admin site does not offer them. Second factors are enrolled and removed by their owners, and
# reset by an administrator, through the audited sign-in services: their secrets are not shown
# here. Lockouts are shown read-only; ``manage.py axes_reset_username`` lifts one.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _registered = type(admin.site._registry[_model])
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(f"ReadOnly{_registered.__name__}", (ReadOnlyAdmin, _registered), {})
    )
