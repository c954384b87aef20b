"""Admin pieces every app may use."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only in the admin site: the model's changes go through its app's services, which
    validate and audit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
