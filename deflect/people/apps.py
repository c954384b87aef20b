from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "deflect.people"
    label = "people"

    def ready(self) -> None:
        from . import digests  # noqa: F401, PLC0415  (phone digests for key rotation; needs the models)
