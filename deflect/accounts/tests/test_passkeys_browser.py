"""In real Chromium with a virtual authenticator (DevTools WebAuthn domain): the officer adds
a passkey on the sign-in security page, signs out, and signs in again with it."""

import pytest

from deflect.accounts.models import PasskeyCredential
from deflect.core.tests.browser import path_of, sign_in

pytestmark = pytest.mark.browser


def test_the_officer_adds_a_passkey_and_signs_in_with_it(world, open_page, problems):
    page = open_page()
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, "officer")
    page.goto("/account/mfa/")
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Passkey added").wait_for()
    assert PasskeyCredential.objects.filter(user=world.officer, name="laptop").exists()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    sign_in(page, "officer")
    assert path_of(page) == "/account/mfa/verify/"
    with page.expect_navigation():
        page.get_by_role("button", name="Use a passkey").click()
    assert path_of(page) == "/"
    assert PasskeyCredential.objects.get(user=world.officer).last_used_at is not None
    assert not problems
