from django.urls import path

from . import views

app_name = "equity"
urlpatterns = [
    path("", views.equity_page, name="page"),
    path("equity.csv", views.equity_csv, name="csv"),
]
