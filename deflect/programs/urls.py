from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/sign-in-security/", views.program_mfa, name="mfa"),
]
