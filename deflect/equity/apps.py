from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "deflect.equity"
    label = "equity"
    verbose_name = "Equity at every decision point"
