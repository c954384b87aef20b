from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/status/", views.referral_status, name="status"),
    path("inbound/", views.inbound_list, name="inbound"),
    path("inbound/<int:referral_id>/", views.inbound_detail, name="inbound-detail"),
    path("inbound/<int:referral_id>/status/", views.inbound_status, name="inbound-status"),
    path("inbound/capacity/", views.inbound_capacity, name="inbound-capacity"),
    path("people/<int:person_id>/disclosures/", views.disclosures, name="disclosures"),
    path("programs/<int:program_id>/settings/", views.program_settings, name="program-settings"),
]
