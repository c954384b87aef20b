"""Planning pages, at each program's address: ``programs/<id>/planning/``, ``…/intercepts/``."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("<int:program_id>/planning/", views.planning, name="planning"),
    path(
        "<int:program_id>/planning/<int:adoption_id>/", views.planning_model, name="planning-model"
    ),
    path(
        "<int:program_id>/planning/<int:adoption_id>/readiness/",
        views.planning_readiness,
        name="planning-readiness",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/",
        views.activity_edit,
        name="activity-edit",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/status/",
        views.activity_status,
        name="activity-status",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/evidence/",
        views.activity_evidence,
        name="activity-evidence",
    ),
    path("<int:program_id>/intercepts/", views.intercept_map, name="intercepts"),
    path("<int:program_id>/intercepts/print/", views.intercept_map_print, name="intercepts-print"),
    path(
        "<int:program_id>/intercepts/actions/<int:item_id>/done/",
        views.intercept_action_done,
        name="intercept-action-done",
    ),
    path(
        "<int:program_id>/intercepts/<str:kind>/<int:item_id>/remove/",
        views.intercept_item_remove,
        name="intercept-remove",
    ),
]
