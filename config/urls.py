from django.contrib import admin
from django.urls import include, path, re_path

from config.api import api
from deflect.core import views as core_views
from deflect.programs import home

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("deflect.accounts.urls")),
    path("programs/", include("deflect.programs.urls")),
    path("programs/", include("deflect.planning.urls")),
    path("people/", include("deflect.people.urls")),
    path("encounters/", include("deflect.encounters.urls")),
    path("screening/", include("deflect.screening.urls")),
    path("audit/", include("deflect.audit.urls")),
    path("naloxone/", include("deflect.naloxone.urls")),
    path("training/", include("deflect.training.urls")),
    path("community/", include("deflect.community.urls")),
    path("feedback/", include("deflect.feedback.urls")),
    path("linkage/", include("deflect.linkage.urls")),
    path("resources/", include("deflect.resources.urls")),
    path("referrals/", include("deflect.referrals.urls")),
    path("cases/", include("deflect.cases.urls")),
    path("followups/", include("deflect.followups.urls")),
    path("reports/", include("deflect.reporting.urls")),
    path("outcomes/", include("deflect.outcomes.urls")),
    path("equity/", include("deflect.equity.urls")),
    path("reports/", include("deflect.reports.urls")),
    path("surveillance/", include("deflect.surveillance.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/.*$", core_views.api_not_found, name="api-not-found"),
    path("admin/", admin.site.urls),
]

handler400 = "deflect.core.views.bad_request"
handler403 = "deflect.access.views.permission_denied"
handler404 = "deflect.core.views.page_not_found"
handler500 = "deflect.core.views.server_error"
