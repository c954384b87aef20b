from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("reminders/", views.reminders, name="reminders"),
    path("<int:followup_id>/", views.followup_detail, name="detail"),
    path("<int:followup_id>/attempts/", views.attempt_add, name="attempt-add"),
    path("programs/<int:program_id>/policies/", views.policies, name="policies"),
    path("programs/<int:program_id>/teams/", views.teams, name="teams"),
]
