from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path(
        "programs/<int:program_id>/eligibility/",
        views.eligibility_rules,
        name="eligibility",
    ),
    path(
        "programs/<int:program_id>/eligibility/preview/",
        views.eligibility_preview,
        name="eligibility-preview",
    ),
]
