from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "deflect.audit"
    label = "audit"
