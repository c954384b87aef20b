from django.urls import path

from . import views

app_name = "naloxone"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:program_id>/", views.stock, name="stock"),
    path("<int:program_id>/ledger/", views.ledger, name="ledger"),
    path("<int:program_id>/record/<str:kind>/", views.movement, name="movement"),
    path("<int:program_id>/draw/", views.draw, name="draw"),
    path("<int:program_id>/locations/", views.locations, name="locations"),
]
