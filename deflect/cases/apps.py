from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "deflect.cases"
    label = "cases"
