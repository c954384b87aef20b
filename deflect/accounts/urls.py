from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:membership_id>/revoke/", views.staff_revoke, name="staff-revoke"),
    path("account/tokens/", views.api_token_list, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
]
