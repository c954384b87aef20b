from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "deflect.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401, PLC0415  (audit receivers; needs the loaded app registry)
