"""The anonymous feedback form's writes and its spam protection.

A submission is accepted only when (1) the hidden honeypot field is empty, (2) the form's
signed timestamp is genuine, at least ``MIN_SECONDS`` and at most ``MAX_AGE`` old, and (3) the
client has sent fewer than ``PER_HOUR`` submissions this hour. No outside service is asked.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from deflect.core.errors import DomainError, ValidationFailed
from deflect.programs.models import Program

from .models import FeedbackResponse, SubmissionThrottle, Timely, Treatment

MIN_SECONDS = 3
MAX_AGE = timedelta(hours=6)
PER_HOUR = 5
MAX_TEXT = 2000
LANGUAGES = ("en", "es")
_SALT = "deflect.feedback.form"


class Refused(DomainError):
    """Looks like spam; the page says so plainly without saying which check failed."""

    status = 429


def form_token(program: Program) -> str:
    """A signed token carrying the program and when the form was handed out."""
    return signing.TimestampSigner(salt=_SALT).sign(str(program.pk))


def _check_token(program: Program, token: str) -> None:
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value = signer.unsign(token or "")
        stamp = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    except (signing.BadSignature, IndexError, ValueError):
        raise Refused("bad token") from None
    if value != str(program.pk):
        raise Refused("wrong program")
    age = timezone.now().timestamp() - stamp
    if age < MIN_SECONDS:
        raise Refused("too fast")
    if age > MAX_AGE.total_seconds():
        raise ValidationFailed("expired")


def _throttle(client: str) -> None:
    now = timezone.now()
    window = now.replace(minute=0, second=0, microsecond=0)
    message = f"{client}|{window.isoformat()}".encode()
    key = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    with transaction.atomic():
        SubmissionThrottle.objects.filter(window_start__lt=window).delete()
        row, _ = SubmissionThrottle.objects.get_or_create(
            key=key, defaults={"window_start": window}
        )
        if row.count >= PER_HOUR:
            raise Refused("rate limit")
        SubmissionThrottle.objects.filter(pk=row.pk).update(count=F("count") + 1)


def feedback_submit(
    *,
    program: Program,
    language: str,
    treated: int,
    timely: str,
    would_have_helped: str,
    token: str,
    honeypot: str,
    client: str,
) -> FeedbackResponse:
    """Store one anonymous response. Raises Refused (spam checks) or ValidationFailed."""
    if honeypot:
        raise Refused("honeypot")
    _check_token(program, token)
    errors: dict[str, list[str]] = {}
    if treated not in Treatment.values:
        errors["treated"] = ["Choose an answer."]
    if timely not in Timely.values:
        errors["timely"] = ["Choose an answer."]
    if len(would_have_helped or "") > MAX_TEXT:
        errors["would_have_helped"] = [f"At most {MAX_TEXT} characters."]
    if errors:
        raise ValidationFailed("Some answers are missing.", fields=errors)
    _throttle(client)
    return FeedbackResponse.objects.create(
        program=program,
        language=language if language in LANGUAGES else "en",
        treated=treated,
        timely=timely,
        would_have_helped=(would_have_helped or "").strip(),
        submitted_on=timezone.localdate(),
    )
