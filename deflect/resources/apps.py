from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "deflect.resources"
    label = "resources"
    verbose_name = "Resource directory"
