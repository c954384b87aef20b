from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "deflect.screening"
    label = "screening"
