from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:program_id>/", views.overview, name="overview"),
    path("<int:program_id>/save/<str:what>/", views.save, name="save"),
    path(
        "<int:program_id>/records/<int:record_id>/certificate/",
        views.certificate,
        name="certificate",
    ),
]
