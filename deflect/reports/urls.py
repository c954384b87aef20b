from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("funder/", views.report_list, name="list"),
    path("funder/<slug:slug>/", views.report_detail, name="detail"),
    path("funder/<slug:slug>.pdf", views.report_pdf, name="pdf"),
    path("funder/<slug:slug>.xlsx", views.report_xlsx, name="xlsx"),
    path("export/deidentified/", views.export_deidentified, name="export"),
]
