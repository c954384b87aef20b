from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<int:program_id>/", views.report, name="report"),
    path("programs/<int:program_id>/outcomes.csv", views.report_csv, name="report-csv"),
    path("programs/<int:program_id>/records/", views.records, name="records"),
    path("programs/<int:program_id>/imports/", views.imports, name="imports"),
    path("imports/<int:batch_id>/", views.batch, name="batch"),
    path("imports/<int:batch_id>/step", views.batch_step, name="batch-step"),
    path("imports/<int:batch_id>/import", views.batch_commit, name="batch-commit"),
]
