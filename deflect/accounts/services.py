"""Writes for users, agencies, memberships and API tokens. Each takes the actor and audits."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, can, clear_cache, deny, require
from deflect.accounts.revocations import revocation_append
from deflect.audit.actions import Action, Outcome
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, RateLimited, ValidationFailed
from deflect.core.logging import clean

from .models import Agency, AgencyKind, ApiToken, Membership, Role, User

TOKEN_PREFIX = "dfl_"
log = logging.getLogger("deflect.auth")


@atomic_service
def agency_create(*, actor: User, name: str, kind: str, short_name: str = "") -> Agency:
    """Create an agency. Operator commands (CLI, demo) pass the system actor."""
    require(actor, caps.AGENCY_MANAGE)
    name = name.strip()
    if not name:
        raise ValidationFailed("An agency needs a name.", fields={"name": ["Required."]})
    if kind not in AgencyKind.values:
        raise ValidationFailed(
            "Unknown agency kind.", fields={"kind": [f"Not one of {AgencyKind.values}."]}
        )
    if Agency.objects.filter(name__iexact=name).exists():
        raise Conflict(f"An agency named {name!r} already exists.", fields={"name": ["Taken."]})
    agency = Agency.objects.create(name=name, kind=kind, short_name=short_name.strip())
    audit_record(
        action=Action.AGENCY_CREATE,
        actor=actor,
        target=agency,
        agency=agency,
        extra={"name": name, "kind": kind},
    )
    return agency


@atomic_service
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a sign-in account with a validated password (Argon2-hashed)."""
    username = username.strip()
    if not username:
        raise ValidationFailed("A user needs a username.", fields={"username": ["Required."]})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken.", fields={"username": ["Taken."]})
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            "The password is not strong enough.", fields={"password": list(error.messages)}
        ) from None
    user.set_password(password)
    user.save()
    audit_record(
        action=Action.USER_CREATE,
        actor=actor,
        target=user,
        extra={"username": username, "superuser": is_superuser},
    )
    return user


def _require_may_change_roles(actor: User, *, user: User, agency: Agency, role: str) -> None:
    """The rules for granting and revoking alike: only the agency's own administrator (a role
    with staff management *at* that agency) or a global admin; the admin role only by an admin;
    never one's own memberships, whoever one is. A clinical role at a Part 2 program (a
    treatment provider) therefore comes only from that program's own administrator."""
    require(actor, caps.STAFF_MANAGE, agency)
    if role == Role.ADMIN:
        require(actor, caps.ADMIN_ROLE_GRANT)
    if user.pk == actor.pk:
        raise deny(actor, caps.STAFF_MANAGE, agency, "own membership")


@atomic_service
def membership_create(*, actor: User, user: User, agency: Agency, role: str) -> Membership:
    """Grant ``role`` at ``agency`` (see ``_require_may_change_roles`` for who may).
    Operator commands (CLI, demo) pass the system actor."""
    if role not in Role.values:
        raise ValidationFailed("Unknown role.", fields={"role": [f"Not one of {Role.values}."]})
    _require_may_change_roles(actor, user=user, agency=agency, role=role)
    existing = Membership.objects.filter(user=user, agency=agency, role=role).first()
    if existing is not None:
        if existing.is_active:
            raise Conflict(f"{user} already holds that role at {agency}.")
        existing.is_active = True
        existing.save(update_fields=["is_active", "updated_at"])
        membership = existing
    else:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=user, agency=agency, role=role)
        except IntegrityError:
            raise Conflict(f"{user} already holds that role at {agency}.") from None
    audit_record(
        action=Action.MEMBERSHIP_CREATE,
        actor=actor,
        target=membership,
        agency=agency,
        extra={"user": user.username, "role": role},
    )
    clear_cache(user)
    return membership


@atomic_service
def membership_revoke(*, actor: User, membership: Membership) -> Membership:
    """Revoke a role; the same rules as granting it."""
    _require_may_change_roles(
        actor, user=membership.user, agency=membership.agency, role=membership.role
    )
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action=Action.MEMBERSHIP_REVOKE,
        actor=actor,
        target=membership,
        agency=membership.agency,
        extra={"user": membership.user.username, "role": membership.role},
    )
    return membership


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@atomic_service
def api_token_create(
    *,
    actor: User,
    user: User,
    name: str,
    read_only: bool = False,
    program: Any = None,  # a programs.Program or None (accounts sits below programs)
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored.
    ``read_only`` tokens may only read; a ``program`` token sees only that program, which
    the user must be able to see."""
    if actor.pk != user.pk:
        require(actor, caps.STAFF_MANAGE, user)
    if program is not None and not can(user, caps.PROGRAM_VIEW, program):
        raise ValidationFailed(
            "A token can only be scoped to a program its user belongs to.",
            fields={"program": ["Not one of this user's programs."]},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        prefix=secret[:12],
        digest=_digest(secret),
        expires_at=timezone.now() + timedelta(days=settings.DEFLECT_API_TOKEN_TTL_DAYS),
        read_only=read_only,
        program=program,
    )
    audit_record(
        action=Action.TOKEN_CREATE,
        actor=actor,
        target=token,
        extra={
            "user": user.username,
            "name": token.name,
            "read_only": read_only,
            "program": program.pk if program is not None else None,
        },
    )
    return token, secret


@atomic_service
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id:
        require(actor, caps.STAFF_MANAGE, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        # Also outside the database, so that restoring an older backup keeps it revoked.
        revoked = (token.digest, token.revoked_at)
        transaction.on_commit(
            lambda: revocation_append(kind="token", value=revoked[0], at=revoked[1])
        )
        audit_record(
            action=Action.TOKEN_REVOKE,
            actor=actor,
            target=token,
            extra={"user": token.user.username},
        )
    return token


@atomic_service
def api_token_revoke_all(*, actor: User, user: User) -> int:
    """Revoke every live token of ``user``; the number revoked."""
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in live:
        api_token_revoke(actor=actor, token=token)
    return len(live)


def _throttle_key(client_ip: str) -> str:
    return f"deflect:token-failures:{client_ip or 'unknown'}"


def _token_failure(*, client_ip: str, reason: str, user: User | None = None) -> None:
    """Count a refused token against the client address and audit it (never the secret)."""
    key = _throttle_key(client_ip)
    window = settings.DEFLECT_TOKEN_FAILURE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        failures = 1
    audit_record(
        action=Action.TOKEN_AUTH_FAILED,
        outcome=Outcome.DENIED,
        actor=user,
        username=user.get_username() if user is not None else "",
        extra={"reason": reason, "failures": failures},
    )
    log.warning("api token refused reason=%s ip=%s failures=%d", reason, clean(client_ip), failures)


def api_token_authenticate(secret: str, *, client_ip: str, request: Any = None) -> ApiToken | None:
    """The live token ``secret`` names, with its user, or None.

    Refused when the token is unknown, revoked or expired, or its user is deactivated or
    locked out by failed sign-ins (django-axes). Each refusal is audited and counted against
    ``client_ip``; after ``DEFLECT_TOKEN_FAILURE_LIMIT`` refusals in the window, every token
    attempt from that address raises ``RateLimited`` until the window ends."""
    key = _throttle_key(client_ip)
    if (cache.get(key) or 0) >= settings.DEFLECT_TOKEN_FAILURE_LIMIT:
        audit_record(
            action=Action.TOKEN_THROTTLED,
            outcome=Outcome.DENIED,
            extra={"limit": settings.DEFLECT_TOKEN_FAILURE_LIMIT},
        )
        raise RateLimited(
            "Too many failed token attempts from this address; try again later.",
            retry_after=settings.DEFLECT_TOKEN_FAILURE_WINDOW_SECONDS,
        )
    if not secret.startswith(TOKEN_PREFIX):
        _token_failure(client_ip=client_ip, reason="malformed")
        return None
    token = (
        ApiToken.objects.select_related("user", "program").filter(digest=_digest(secret)).first()
    )
    now = timezone.now()
    reason = ""
    if token is None:
        reason = "unknown"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at <= now:
        reason = "expired"
    elif not token.user.is_active:
        reason = "account_inactive"
    elif _locked_out(token.user, request):
        reason = "account_locked"
    if reason:
        _token_failure(
            client_ip=client_ip, reason=reason, user=token.user if token is not None else None
        )
        return None
    assert token is not None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _locked_out(user: User, request: Any) -> bool:
    """Whether django-axes holds ``user`` locked after failed sign-ins."""

    probe = request if request is not None else HttpRequest()
    return AxesProxyHandler.is_locked(probe, {"username": user.get_username()})


@atomic_service
def user_password_change(*, actor: User, user: User, new_password: str) -> User:
    """Set a validated new password on the actor's own account; audited as password.change.
    (The caller keeps the session valid with ``update_session_auth_hash``.)"""
    if actor.pk != user.pk:
        raise deny(actor, caps.STAFF_MANAGE, user, "password of another account")
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationFailed(
            "The password is not strong enough.", fields={"new_password1": list(error.messages)}
        ) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(action=Action.AUTH_PASSWORD_CHANGE, actor=actor, target=user)
    return user
