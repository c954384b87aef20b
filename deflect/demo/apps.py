from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "deflect.demo"
    label = "demo"
