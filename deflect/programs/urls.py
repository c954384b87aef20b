from django.urls import path

from . import planning_views, views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/sign-in-security/", views.program_mfa, name="mfa"),
    # Planning and the Sequential Intercept map.
    path("<int:program_id>/planning/", planning_views.planning, name="planning"),
    path(
        "<int:program_id>/planning/<int:adoption_id>/",
        planning_views.planning_model,
        name="planning-model",
    ),
    path(
        "<int:program_id>/planning/<int:adoption_id>/readiness/",
        planning_views.planning_readiness,
        name="planning-readiness",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/",
        planning_views.activity_edit,
        name="activity-edit",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/status/",
        planning_views.activity_status,
        name="activity-status",
    ),
    path(
        "<int:program_id>/planning/activities/<int:activity_id>/evidence/",
        planning_views.activity_evidence,
        name="activity-evidence",
    ),
    path("<int:program_id>/intercepts/", planning_views.intercept_map, name="intercepts"),
    path(
        "<int:program_id>/intercepts/print/",
        planning_views.intercept_map_print,
        name="intercepts-print",
    ),
    path(
        "<int:program_id>/intercepts/actions/<int:item_id>/done/",
        planning_views.intercept_action_done,
        name="intercept-action-done",
    ),
    path(
        "<int:program_id>/intercepts/<str:kind>/<int:item_id>/remove/",
        planning_views.intercept_item_remove,
        name="intercept-remove",
    ),
]
