"""Configuration in the admin: outreach teams and their members, follow-up policies, staff
notice preferences. Follow-ups, attempts and notices change only through the services."""

from django.contrib import admin

from .models import FollowUpPolicy, NoticePreference, OutreachTeam


@admin.register(OutreachTeam)
class OutreachTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "program")
    list_filter = ("program",)
    filter_horizontal = ("members",)


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(admin.ModelAdmin):
    list_display = ("program", "trigger", "pathway", "time_zone", "team", "is_active")
    list_filter = ("program", "trigger")


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sms_number")
