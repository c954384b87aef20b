"""Authorization-matrix rows for a user's own account pages: API tokens and password.

Every signed-in user manages their own tokens and password (also ``nobody``, who has no role:
their tokens are refused by the API anyway). Another user's token id answers 404.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

from deflect.access.tests.matrix import Row, expect
from deflect.accounts.models import PasskeyCredential
from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system


def _officer_token(w) -> dict:
    token, _ = api_token_create(actor=dangerously_as_system("tests"), user=w.officer, name="phone")
    return {"token_id": token.pk}


WEB_ROWS: list[Row] = [
    Row("api-tokens", "GET", expect(200, anonymous=302)),
    Row("api-tokens", "POST", expect(201, anonymous=302), body=lambda w: {"name": "cad"}),
    Row(
        "api-token-revoke",
        "POST",
        expect(404, anonymous=302, officer=302),
        args=_officer_token,
    ),
    Row("password-change", "GET", expect(200, anonymous=302)),
    # An empty form is re-shown with its errors; nothing changes.
    Row("password-change", "POST", expect(200, anonymous=302), body=lambda w: {}),
]


def _officer_totp(w) -> dict:
    return {
        "device_id": TOTPDevice.objects.create(user=w.officer, name="phone", confirmed=False).pk
    }


def _officer_user(w) -> dict:
    return {"user_id": w.officer.pk}


# Second factors: each user manages their own (another user's device id changes nothing and
# redirects back with a message); only the admin resets someone else's factors.
WEB_ROWS += [
    Row("mfa-setup", "GET", expect(200, anonymous=302)),
    Row("mfa-totp", "GET", expect(200, anonymous=302)),
    Row("mfa-totp", "POST", expect(422, anonymous=302), body=lambda w: {"code": "not-a-code"}),
    Row("mfa-totp-remove", "POST", expect(302), args=_officer_totp),
    # Without an authenticator there is nothing to back up: back to the page with a message.
    Row("mfa-recovery-codes", "POST", expect(302)),
    # Without a pending second step the verification page sends the user home.
    Row("mfa-verify", "GET", expect(302)),
    Row("mfa-verify", "POST", expect(302), body=lambda w: {"code": "not-a-code"}),
    Row(
        "mfa-reset",
        "POST",
        expect(404, anonymous=302, coordinator=403, admin=302),
        args=_officer_user,
    ),
]


def _officer_passkey(w) -> dict:
    passkey = PasskeyCredential.objects.create(
        user=w.other_officer, name="key", credential_id="abc", public_key=b"-"
    )
    return {"passkey_id": passkey.pk}


# Passkeys: JSON endpoints for the signed-in user's own passkeys. A malformed registration
# answers 400; the sign-in endpoints answer 409 when no second step is waiting; removing
# someone else's passkey changes nothing (back to the page with a message).
WEB_ROWS += [
    Row("passkey-register-options", "POST", expect(200, anonymous=302)),
    Row("passkey-register", "POST", expect(400, anonymous=302), body=lambda w: {}),
    Row("passkey-verify-options", "POST", expect(409, anonymous=302)),
    Row("passkey-verify", "POST", expect(409, anonymous=302), body=lambda w: {}),
    Row("passkey-remove", "POST", expect(302), args=_officer_passkey),
]
