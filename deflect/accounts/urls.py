from django.urls import path

from . import mfa_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:membership_id>/revoke/", views.staff_revoke, name="staff-revoke"),
    path("account/tokens/", views.api_token_list, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/mfa/", mfa_views.mfa_setup, name="mfa-setup"),
    path("account/mfa/totp/", mfa_views.mfa_totp, name="mfa-totp"),
    path(
        "account/mfa/totp/<int:device_id>/remove/",
        mfa_views.mfa_totp_remove,
        name="mfa-totp-remove",
    ),
    path("account/mfa/recovery-codes/", mfa_views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("account/mfa/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path(
        "account/mfa/passkeys/register/options/",
        mfa_views.passkey_register_options,
        name="passkey-register-options",
    ),
    path("account/mfa/passkeys/register/", mfa_views.passkey_register, name="passkey-register"),
    path(
        "account/mfa/passkeys/verify/options/",
        mfa_views.passkey_verify_options,
        name="passkey-verify-options",
    ),
    path("account/mfa/passkeys/verify/", mfa_views.passkey_verify, name="passkey-verify"),
    path(
        "account/mfa/passkeys/<int:passkey_id>/remove/",
        mfa_views.passkey_remove,
        name="passkey-remove",
    ),
    path("staff/users/<int:user_id>/mfa-reset/", mfa_views.mfa_reset, name="mfa-reset"),
]
