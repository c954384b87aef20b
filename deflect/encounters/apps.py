from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "deflect.encounters"
    label = "encounters"
