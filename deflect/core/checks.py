"""System checks for operators (``deflect check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from .crypto import DataKeyError, parse_key


@register(Tags.security, deploy=True)
def data_keys_check(app_configs, **kwargs):
    """Every DEFLECT_DATA_KEYS entry is a 32-byte AES key, and one is set."""
    texts = list(getattr(settings, "DEFLECT_DATA_KEYS", []) or [])
    if not texts:
        return [Error("DEFLECT_DATA_KEYS is empty.", id="deflect.E001")]
    errors = []
    for position, text in enumerate(texts, start=1):
        try:
            parse_key(text)
        except DataKeyError as exc:
            errors.append(Error(f"DEFLECT_DATA_KEYS entry {position}: {exc}", id="deflect.E001"))
    return errors
