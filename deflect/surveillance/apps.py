from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "deflect.surveillance"
    label = "surveillance"
