"""The Django admin (superusers only) for directory records that have no page of their own,
such as self-referral sites, every change audited. Imports, capacity and MOUs have their own
audited paths."""

from django.contrib import admin

from deflect.audit.admin import ConfigurationAdmin

from .models import Organization, SelfReferralSite, Service


@admin.register(Organization)
class OrganizationAdmin(ConfigurationAdmin):
    list_display = ["name", "agency"]
    search_fields = ["name"]
    list_select_related = ["agency"]


@admin.register(Service)
class ServiceAdmin(ConfigurationAdmin):
    list_display = ["name", "organization", "status"]
    list_filter = ["status"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(SelfReferralSite)
class SelfReferralSiteAdmin(ConfigurationAdmin):
    list_display = ["location", "program", "agency", "accepts_walk_ins", "is_active"]
    list_filter = ["program", "is_active"]
    list_select_related = ["location", "program", "agency"]
