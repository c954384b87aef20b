from django.contrib import admin

from deflect.core.admin import ReadOnlyAdmin

from .models import FeedbackResponse


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(ReadOnlyAdmin):
    list_display = ("submitted_on", "program", "language", "treated", "timely")
    list_filter = ("language", "timely")
