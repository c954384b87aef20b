from django.urls import path

from . import views

app_name = "encounters"
urlpatterns = [
    path("", views.encounter_list, name="list"),
    path("new/", views.encounter_new, name="new"),
    path("<int:encounter_id>/", views.encounter_detail, name="detail"),
    path("<int:encounter_id>/amend/", views.encounter_amend_page, name="amend"),
]
