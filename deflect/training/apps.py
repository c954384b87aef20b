from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "deflect.training"
    label = "training"
