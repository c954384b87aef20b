from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "deflect.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
