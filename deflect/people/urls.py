from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_search_page, name="search"),
    path("search/", views.person_search_results, name="search-results"),
    path("new/", views.person_create, name="new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/aliases/", views.alias_add, name="alias-add"),
    path("<int:person_id>/consents/", views.consent_create, name="consent-create"),
    path(
        "<int:person_id>/consents/<int:consent_id>/revoke/",
        views.consent_revoke,
        name="consent-revoke",
    ),
]
