"""Multi-factor authentication: TOTP authenticator apps and one-time recovery codes
(django-otp devices), WebAuthn passkeys (py_webauthn), the per-program requirement, and the
session gate's states.

A user *requires* MFA when an active program marks one of their roles at a member agency, or
their agency, as requiring it (``Program.mfa_required_roles`` / ``mfa_required_agencies``).
Every staff user may enrol. Writes take ``actor=`` and audit ``mfa.*`` in their transaction.
"""

from __future__ import annotations

import secrets
from base64 import urlsafe_b64encode

import webauthn
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.audit.actions import Action, Outcome
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed

from .models import Membership, PasskeyCredential, User

# Session keys of the sign-in gate (see ``middleware.MfaGateMiddleware``).
PENDING = "mfa_pending"
VERIFY = "verify"  # the user has a factor: ask for it before anything else
ENROL = "enrol"  # the user must have a factor and has none: enrol before anything else
RECOVERY_DEVICE_NAME = "Recovery codes"


def mfa_required(user: User) -> bool:
    """Whether an active program requires ``user`` to sign in with a second factor."""
    Program = apps.get_model("programs", "Program")  # named: accounts is below programs

    memberships = list(
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True).values_list(
            "role", "agency_id"
        )
    )
    if not memberships:
        return False
    agency_ids = {agency_id for _, agency_id in memberships}
    programs = Program.objects.filter(is_active=True, agencies__in=agency_ids).distinct()
    if programs.filter(mfa_required_agencies__in=agency_ids).exists():
        return True
    for program_id, roles in programs.values_list("pk", "mfa_required_roles"):
        members = set(
            Program.agencies.through.objects.filter(program_id=program_id).values_list(
                "agency_id", flat=True
            )
        )
        if any(role in (roles or []) and agency in members for role, agency in memberships):
            return True
    return False


def totp_devices(user: User) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_factor(user: User) -> bool:
    """A confirmed authenticator app or a passkey (recovery codes alone are not a factor)."""
    return totp_devices(user).exists() or PasskeyCredential.objects.filter(user=user).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def gate_state(user: User) -> str | None:
    """What a fresh password sign-in must do next: ``VERIFY``, ``ENROL`` or nothing."""
    if has_factor(user):
        return VERIFY
    if mfa_required(user):
        return ENROL
    return None


@atomic_service
def totp_enrol_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``actor`` (replacing any earlier unconfirmed one);
    it counts only once ``totp_enrol_confirm`` has seen a code from it."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)


@atomic_service
def totp_enrol_confirm(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a current code; returns new recovery codes if the user had
    none (shown once)."""
    if device.user_id != actor.pk or device.confirmed:
        raise Conflict("That authenticator setup is no longer open; start again.")
    if not device.verify_token(_digits(code)):
        audit_record(
            action=Action.MFA_VERIFY_FAILED,
            actor=actor,
            outcome=Outcome.DENIED,
            extra={"factor": "totp", "step": "enrol"},
        )
        raise ValidationFailed(
            "That code does not match. Check the time on your phone and try the newest code.",
            fields={"code": ["Wrong code."]},
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action=Action.MFA_ENROL, actor=actor, target=device, extra={"factor": "totp"})
    if recovery_codes_left(actor) == 0:
        return _recovery_codes_replace(actor)
    return []


@atomic_service
def recovery_codes_generate(*, actor: User) -> list[str]:
    """Replace ``actor``'s recovery codes with a new set (shown once)."""
    if not has_factor(actor):
        raise Conflict("Set up an authenticator first; recovery codes back it up.")
    return _recovery_codes_replace(actor)


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(settings.DEFLECT_MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        action=Action.MFA_ENROL, actor=user, target=device, extra={"factor": "recovery_codes"}
    )
    return codes


# 31 letters and digits without look-alikes (0/o, 1/l/i): 12 of them carry 59 bits. A code is
# three groups of four ("abcd-efgh-jkmn", 14 characters: StaticToken holds at most 16).
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _digits(code: str) -> str:
    return "".join(code.split())


def mfa_verify(*, actor: User, code: str) -> bool:
    """Check a code from the user's authenticator, or a one-time recovery code (used up).
    Success and failure are audited; django-otp throttles repeated failures per device."""
    code = code.strip()[:32]
    with transaction.atomic():
        for device in totp_devices(actor).select_for_update():
            if code and device.verify_token(_digits(code)):
                audit_record(action=Action.MFA_VERIFY, actor=actor, extra={"factor": "totp"})
                return True
        for device in StaticDevice.objects.filter(user=actor, confirmed=True).select_for_update():
            if code and device.verify_token(code.lower()):
                audit_record(
                    action=Action.MFA_RECOVERY_USE,
                    actor=actor,
                    extra={"left": recovery_codes_left(actor)},
                )
                return True
    audit_record(action=Action.MFA_VERIFY_FAILED, actor=actor, outcome=Outcome.DENIED)
    return False


@atomic_service
def totp_remove(*, actor: User, device: TOTPDevice) -> None:
    """Remove one of ``actor``'s authenticators; the last one cannot go while a program
    requires MFA of them (an administrator resets factors instead)."""
    if device.user_id != actor.pk:
        raise Conflict("That authenticator is not yours.")
    last = totp_devices(actor).count() + PasskeyCredential.objects.filter(user=actor).count() == 1
    if device.confirmed and last and mfa_required(actor):
        raise Conflict("Your program requires a second factor; add another before removing this.")
    device.delete()
    if not has_factor(actor):
        StaticDevice.objects.filter(user=actor).delete()
    audit_record(action=Action.MFA_REMOVE, actor=actor, extra={"factor": "totp"})


@atomic_service
def mfa_reset(*, actor: User, user: User) -> int:
    """An administrator removes every factor of ``user`` (a lost phone); the user enrols
    again at the next sign-in if a program requires it. Operator commands pass the system actor."""
    require(actor, caps.MFA_RESET, user)
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    removed += PasskeyCredential.objects.filter(user=user).delete()[0]
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=Action.MFA_RESET, actor=actor, target=user, extra={"user": user.username})
    return removed


# --- Passkeys (WebAuthn) ----------------------------------------------------------------------


def passkey_registration_options(*, actor: User, rp_id: str) -> tuple[str, bytes]:
    """The browser's ``navigator.credentials.create`` options (JSON) and their challenge."""

    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.OTP_TOTP_ISSUER,
        user_name=actor.get_username(),
        user_id=str(actor.pk).encode(),
        user_display_name=str(actor),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c))
            for c in PasskeyCredential.objects.filter(user=actor).values_list(
                "credential_id", flat=True
            )
        ],
    )
    return webauthn.options_to_json(options), options.challenge


@atomic_service
def passkey_register(
    *, actor: User, credential: dict, challenge: bytes, rp_id: str, origin: str, name: str
) -> tuple[PasskeyCredential, list[str]]:
    """Verify a registration response against the challenge this session issued and store
    the passkey; returns new recovery codes if the user had none (shown once)."""

    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        raise ValidationFailed(
            "The passkey could not be registered; try again.",
            fields={"credential": [str(error)[:200]]},
        ) from None
    credential_id = _b64url(verified.credential_id)
    if PasskeyCredential.objects.filter(credential_id=credential_id).exists():
        raise Conflict("That passkey is already registered.")
    passkey = PasskeyCredential.objects.create(
        user=actor,
        name=name.strip()[:100] or "Passkey",
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    audit_record(action=Action.MFA_ENROL, actor=actor, target=passkey, extra={"factor": "passkey"})
    if recovery_codes_left(actor) == 0:
        return passkey, _recovery_codes_replace(actor)
    return passkey, []


def passkey_authentication_options(*, actor: User, rp_id: str) -> tuple[str, bytes]:
    """``navigator.credentials.get`` options (JSON) for the user's passkeys, and the challenge."""

    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c))
            for c in PasskeyCredential.objects.filter(user=actor).values_list(
                "credential_id", flat=True
            )
        ],
    )
    return webauthn.options_to_json(options), options.challenge


def passkey_verify(
    *, actor: User, credential: dict, challenge: bytes, rp_id: str, origin: str
) -> bool:
    """Check a passkey assertion for ``actor``: the credential must be theirs, signed over
    this session's challenge, with a sign count that moved forward (a cloned key does not).
    Success and failure are audited."""

    credential_id = str(credential.get("id", ""))[:1024] if isinstance(credential, dict) else ""
    with transaction.atomic():
        passkey = (
            PasskeyCredential.objects.select_for_update()
            .filter(user=actor, credential_id=credential_id)
            .first()
        )
        reason = "unknown passkey"
        if passkey is not None:
            try:
                verified = webauthn.verify_authentication_response(
                    credential=credential,
                    expected_challenge=challenge,
                    expected_rp_id=rp_id,
                    expected_origin=origin,
                    credential_public_key=bytes(passkey.public_key),
                    credential_current_sign_count=passkey.sign_count,
                )
            except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
                reason = str(error)[:200]
            else:
                passkey.sign_count = verified.new_sign_count
                passkey.last_used_at = timezone.now()
                passkey.save(update_fields=["sign_count", "last_used_at", "updated_at"])
                audit_record(
                    action=Action.MFA_VERIFY,
                    actor=actor,
                    target=passkey,
                    extra={"factor": "passkey"},
                )
                return True
    audit_record(
        action=Action.MFA_VERIFY_FAILED,
        actor=actor,
        outcome=Outcome.DENIED,
        extra={"factor": "passkey", "reason": reason},
    )
    return False


@atomic_service
def passkey_remove(*, actor: User, passkey: PasskeyCredential) -> None:
    if passkey.user_id != actor.pk:
        raise Conflict("That passkey is not yours.")
    last = totp_devices(actor).count() + PasskeyCredential.objects.filter(user=actor).count() == 1
    if last and mfa_required(actor):
        raise Conflict("Your program requires a second factor; add another before removing this.")
    passkey.delete()
    if not has_factor(actor):
        StaticDevice.objects.filter(user=actor).delete()
    audit_record(action=Action.MFA_REMOVE, actor=actor, extra={"factor": "passkey"})


def _b64url(raw: bytes) -> str:
    return urlsafe_b64encode(raw).decode().rstrip("=")
