from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "deflect.programs"
    label = "programs"
