"""Writes for users, agencies, memberships and API tokens. Each takes the actor and audits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, clear_cache, deny, require
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.core.revocations import revocation_append

from .models import Agency, AgencyKind, ApiToken, Membership, Role, User

TOKEN_PREFIX = "dfl_"


@atomic_service
def agency_create(*, actor: User | None, name: str, kind: str, short_name: str = "") -> Agency:
    """Create an agency. ``actor=None`` is reserved for operator commands (CLI, demo)."""
    if actor is not None:
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
    actor: User | None,
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
def membership_create(*, actor: User | None, user: User, agency: Agency, role: str) -> Membership:
    """Grant ``role`` at ``agency`` (see ``_require_may_change_roles`` for who may).
    ``actor=None`` is reserved for operator commands (CLI, demo)."""
    if role not in Role.values:
        raise ValidationFailed("Unknown role.", fields={"role": [f"Not one of {Role.values}."]})
    if actor is not None:
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
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    if actor is not None and actor.pk != user.pk:
        require(actor, caps.STAFF_MANAGE, user)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        prefix=secret[:12],
        digest=_digest(secret),
        expires_at=timezone.now() + timedelta(days=settings.DEFLECT_API_TOKEN_TTL_DAYS),
    )
    audit_record(
        action=Action.TOKEN_CREATE,
        actor=actor,
        target=token,
        extra={"user": user.username, "name": token.name},
    )
    return token, secret


@atomic_service
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
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


def api_token_authenticate(secret: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
