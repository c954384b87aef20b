from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "deflect.access"
    label = "access"
