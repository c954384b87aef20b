from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin

from .models import Course, Shift, TrainingRecord


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("name", "program", "topic", "validity_months")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ("user", "course", "completed_on", "expires_on")
    list_select_related = ("user", "course")


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ("name", "agency", "program", "starts_at", "ends_at")
