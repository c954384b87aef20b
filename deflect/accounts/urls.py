from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:membership_id>/revoke/", views.staff_revoke, name="staff-revoke"),
]
