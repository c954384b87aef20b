from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "deflect.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
