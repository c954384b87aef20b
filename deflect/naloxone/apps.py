from django.apps import AppConfig


class NaloxoneConfig(AppConfig):
    name = "deflect.naloxone"
    label = "naloxone"
