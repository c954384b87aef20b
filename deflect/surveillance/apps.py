from django.apps import AppConfig

from deflect.core.jobs import register


class SurveillanceConfig(AppConfig):
    name = "deflect.surveillance"
    label = "surveillance"

    def ready(self) -> None:
        from .alerts import spikes_job  # noqa: PLC0415 - models load after the app registry

        register("spikes", spikes_job)
