from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "deflect.feedback"
    label = "feedback"
