"""Notice channels. ``EmailChannel`` sends through Django's email backend; ``SmsChannel`` is the
interface a gateway implements; ``OutboxSmsChannel`` (the default) writes each message to the
``SmsOutbox`` table and the log instead of sending it. ``DEFLECT_SMS_CHANNEL`` names the class."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Notice, SmsOutbox

log = logging.getLogger("deflect.notices")


class Channel(Protocol):
    name: str

    def send(self, notice: Notice) -> None: ...


class EmailChannel:
    name = "email"

    def send(self, notice: Notice) -> None:
        send_mail(
            notice.subject,
            notice.body,
            getattr(settings, "DEFAULT_FROM_EMAIL", "deflect@localhost"),
            [notice.address],
        )


class SmsChannel(ABC):
    """Implement ``send`` for a gateway (e.g. an HTTP API) and name the class in settings."""

    name = "sms"

    @abstractmethod
    def send(self, notice: Notice) -> None:
        """Hand ``notice`` to the gateway (``notice.address`` is the number)."""


class OutboxSmsChannel(SmsChannel):
    def send(self, notice: Notice) -> None:
        SmsOutbox.objects.get_or_create(
            notice=notice, defaults={"to": notice.address, "body": notice.body}
        )
        log.info("sms queued notice=%s", notice.pk)


def channels() -> dict[str, Channel]:
    sms_class = import_string(
        getattr(settings, "DEFLECT_SMS_CHANNEL", "deflect.followups.channels.OutboxSmsChannel")
    )
    return {"email": EmailChannel(), "sms": sms_class()}
