from django.contrib import admin

from deflect.audit.actions import Action
from deflect.audit.admin import ConfigurationAdmin

from .models import Program, ProgramAgency, ProgramPathway


class ProgramAgencyInline(admin.TabularInline):
    model = ProgramAgency
    extra = 0


class ProgramPathwayInline(admin.TabularInline):
    model = ProgramPathway
    extra = 0


@admin.register(Program)
class ProgramAdmin(ConfigurationAdmin):
    audit_actions = (Action.PROGRAM_CREATE, Action.PROGRAM_UPDATE, Action.PROGRAM_DELETE)
    list_display = ("name", "jurisdiction", "is_active")
    inlines = [ProgramAgencyInline, ProgramPathwayInline]
