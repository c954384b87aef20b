from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "deflect.reporting"
    label = "reporting"
