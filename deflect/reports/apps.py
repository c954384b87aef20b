from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "deflect.reports"
    label = "reports"
    verbose_name = "Funder reports and de-identified exports"
