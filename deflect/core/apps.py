from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "deflect.core"
    label = "core"
