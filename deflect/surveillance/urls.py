from django.urls import path

from . import views

app_name = "surveillance"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:program_id>/events/", views.events, name="events"),
    path("events/<int:event_id>/", views.event, name="event"),
    path("<int:program_id>/ems-import/", views.ems_upload, name="ems-import"),
    path("<int:program_id>/alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert, name="alert"),
    path("alerts/<int:alert_id>/step/", views.alert_step, name="alert-step"),
    path("<int:program_id>/settings/", views.settings_page, name="settings"),
    path("<int:program_id>/map/", views.overdose_map, name="map"),
    path("<int:program_id>/map/data/", views.overdose_map_data, name="map-data"),
    path("<int:program_id>/sweeps/", views.sweep, name="sweep"),
    path("<int:program_id>/odmap.csv", views.odmap_export, name="odmap-export"),
]
