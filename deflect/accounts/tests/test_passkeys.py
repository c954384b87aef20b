"""Passkeys (WebAuthn) as a second factor: registration and the sign-in assertion, checked
by the server against its own challenge, with a software authenticator."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from deflect.accounts.models import PasskeyCredential
from deflect.accounts.tests.factories import PASSWORD
from deflect.accounts.tests.webauthn_soft import SoftAuthenticator
from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent
from deflect.programs.services import program_mfa_update

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"


def _post_json(client, name, body=None):
    return client.post(reverse(name), data=json.dumps(body or {}), content_type="application/json")


def _register(client, authenticator, name="blue key"):
    options = _post_json(client, "passkey-register-options").json()
    credential = authenticator.register(options, ORIGIN)
    return _post_json(client, "passkey-register", {"name": name, "credential": credential})


def _password(client, username="officer"):
    client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _assert(client, authenticator, origin=ORIGIN, rp_id="testserver"):
    options = _post_json(client, "passkey-verify-options").json()
    assertion = authenticator.assert_(options, origin, rp_id=rp_id)
    return _post_json(client, "passkey-verify", {"credential": assertion})


def test_the_officer_registers_a_passkey_and_signs_in_with_it(client, world):
    key = SoftAuthenticator()
    client.force_login(world.officer)
    registered = _register(client, key)
    assert registered.status_code == 201 and len(registered.json()["codes"]) == 10
    passkey = PasskeyCredential.objects.get(user=world.officer)
    assert passkey.name == "blue key"
    assert AuditEvent.objects.filter(action=Action.MFA_ENROL, extra__factor="passkey").exists()

    browser = Client()
    _password(browser)
    assert browser.get(reverse("home"))["Location"] == reverse("mfa-verify")
    assert "Use a passkey" in browser.get(reverse("mfa-verify")).content.decode()
    done = _assert(browser, key)
    assert done.status_code == 200 and done.json()["redirect"] == reverse("home")
    assert browser.get(reverse("home")).status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert AuditEvent.objects.filter(
        action=Action.MFA_VERIFY, actor=world.officer, extra__factor="passkey"
    ).exists()


def test_another_authenticator_or_another_site_is_refused(client, world):
    key = SoftAuthenticator()
    client.force_login(world.officer)
    _register(client, key)
    stranger = SoftAuthenticator()
    stranger.credential_id = key.credential_id  # the same id, but not the registered key
    browser = Client()
    _password(browser)
    assert _assert(browser, stranger).status_code == 403
    assert _assert(browser, key, origin="https://phish.example").status_code == 403
    assert _assert(browser, key, rp_id="phish.example").status_code == 403
    assert browser.get(reverse("home"))["Location"] == reverse("mfa-verify")
    assert (
        AuditEvent.objects.filter(
            action=Action.MFA_VERIFY_FAILED, outcome=Outcome.DENIED, extra__factor="passkey"
        ).count()
        == 3
    )


def test_a_challenge_is_good_for_one_answer(client, world):
    key = SoftAuthenticator()
    client.force_login(world.officer)
    _register(client, key)
    browser = Client()
    _password(browser)
    options = _post_json(browser, "passkey-verify-options").json()
    assertion = key.assert_(options, ORIGIN, rp_id="testserver")
    assert _post_json(browser, "passkey-verify", {"credential": assertion}).status_code == 200
    other = Client()
    _password(other)
    _post_json(other, "passkey-verify-options")
    # Replaying the first session's signed answer against a new challenge fails.
    assert _post_json(other, "passkey-verify", {"credential": assertion}).status_code == 403


def test_a_passkey_satisfies_the_programs_requirement_at_enrolment(world):
    program_mfa_update(
        actor=world.coordinator, program=world.program, roles=["responder"], agencies=[]
    )
    browser = Client()
    _password(browser)
    assert browser.get(reverse("home"))["Location"] == reverse("mfa-setup")
    assert _register(browser, SoftAuthenticator()).status_code == 201
    assert browser.get(reverse("home")).status_code == 200


def test_a_forged_registration_is_refused(client, world):
    client.force_login(world.officer)
    options = _post_json(client, "passkey-register-options").json()
    credential = SoftAuthenticator().register({**options, "challenge": "AAAA"}, ORIGIN)
    response = _post_json(client, "passkey-register", {"credential": credential})
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "fields"}
    assert not PasskeyCredential.objects.exists()


def test_the_admin_reset_removes_passkeys_too(client, world):
    client.force_login(world.officer)
    _register(client, SoftAuthenticator())
    admin = Client()
    admin.force_login(world.admin)
    admin.post(reverse("mfa-reset", args=[world.officer.pk]))
    assert not PasskeyCredential.objects.filter(user=world.officer).exists()
