from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from deflect.audit.actions import Action
from deflect.audit.admin import AuditedAdminMixin

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


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "digest", "expires_at", "last_used_at")

    def has_add_permission(self, request):
        return False
