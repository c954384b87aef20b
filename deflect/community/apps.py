from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "deflect.community"
    label = "community"
