"""Configuration in the admin: outreach teams and their members, follow-up policies, staff
notice preferences, every change audited. Follow-ups, attempts and notices change only through
the services."""

from django.contrib import admin

from deflect.audit.actions import Action
from deflect.audit.admin import ConfigurationAdmin

from .models import FollowUpPolicy, NoticePreference, OutreachTeam


@admin.register(OutreachTeam)
class OutreachTeamAdmin(ConfigurationAdmin):
    audit_actions = (Action.ADMIN_CREATE, Action.FOLLOWUP_TEAM_UPDATE, Action.ADMIN_DELETE)
    list_display = ("name", "program")
    list_filter = ("program",)
    filter_horizontal = ("members",)


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(ConfigurationAdmin):
    audit_actions = (Action.ADMIN_CREATE, Action.FOLLOWUP_POLICY_UPDATE, Action.ADMIN_DELETE)
    list_display = ("program", "trigger", "pathway", "time_zone", "team", "is_active")
    list_filter = ("program", "trigger")


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ConfigurationAdmin):
    audit_actions = (Action.ADMIN_CREATE, Action.NOTICE_PREFERENCE_UPDATE, Action.ADMIN_DELETE)
    list_display = ("user", "email", "sms_number")
