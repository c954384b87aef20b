from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "deflect.people"
    label = "people"

    def ready(self) -> None:
        from . import digests  # noqa: F401  (registers the phone digests with key rotation)
