from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "deflect.planning"
    label = "planning"
