from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("<int:program_id>/review/", views.queue, name="queue"),
    path("review/<int:pair_id>/", views.pair, name="pair"),
    path("review/<int:pair_id>/merge/", views.merge, name="merge"),
    path("merges/<int:merge_id>/unmerge/", views.unmerge, name="unmerge"),
]
