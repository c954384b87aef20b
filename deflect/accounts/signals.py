"""Audit receivers for authentication events (CJIS: log logins, failures and lockouts)."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from deflect.audit.actions import Action, Outcome
from deflect.audit.services import audit_record
from deflect.core.logging import clean

from .mfa_services import PENDING, gate_state

log = logging.getLogger("deflect.auth")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session["authenticated_at"] = timezone.now().timestamp()
        state = gate_state(user)
        if state is not None:
            request.session[PENDING] = state
        else:
            request.session.pop(PENDING, None)
    audit_record(action=Action.AUTH_LOGIN, actor=user)
    log.info("login user=%s", clean(user.get_username()))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.AUTH_LOGOUT, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(action=Action.AUTH_LOGIN_FAILED, outcome=Outcome.DENIED, username=username)
    log.warning("failed login username=%s", clean(username))


@receiver(user_locked_out)
def on_lockout(sender, request, username=None, ip_address=None, **kwargs):
    name = str(username or "")[:150]
    audit_record(
        action=Action.AUTH_LOCKOUT,
        outcome=Outcome.DENIED,
        username=name,
        extra={"locked_minutes": 10},
    )
    log.warning("account locked username=%s ip=%s", clean(name), clean(ip_address))
