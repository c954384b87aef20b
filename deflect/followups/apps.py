from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "deflect.followups"
    label = "followups"
