from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
]
