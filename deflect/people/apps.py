from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "deflect.people"
    label = "people"
