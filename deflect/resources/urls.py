from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("guide/", views.guide, name="guide"),
    path("guide.pdf", views.guide_pdf, name="guide-pdf"),
    path("match/", views.match, name="match"),
    path("capacity/", views.capacity, name="capacity"),
    path("mous/", views.mous, name="mous"),
    path("mous/<int:mou_id>/status/", views.mou_transition, name="mou-transition"),
    path("mous/<int:mou_id>/document/", views.mou_document, name="mou-document"),
    path("sites/", views.sites, name="sites"),
]
