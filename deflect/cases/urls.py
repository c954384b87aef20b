from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/update/", views.case_update, name="update"),
    path("people/<int:person_id>/timeline/", views.person_timeline, name="person-timeline"),
    path("abeyance/", views.abeyance_list, name="abeyance-list"),
    path("abeyance/<int:abeyance_id>/", views.abeyance_detail, name="abeyance-detail"),
    path("abeyance/<int:abeyance_id>/progress/", views.abeyance_progress, name="abeyance-progress"),
    path("prosecutor/", views.prosecutor_list, name="prosecutor-list"),
    path(
        "prosecutor/<int:abeyance_id>/disposition/",
        views.prosecutor_dispose,
        name="prosecutor-dispose",
    ),
]
