"""Signing in and out: lockout, session rotation and timeouts, all audited (CJIS / ASVS)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.settings import base
from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system
from deflect.accounts.tests.factories import PASSWORD
from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_officer_signs_in_and_the_login_is_audited(client, world):
    response = _sign_in(client, "officer")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    event = AuditEvent.objects.filter(action=Action.AUTH_LOGIN).latest("id")
    assert event.actor == world.officer and event.ip == "127.0.0.1"


def test_a_wrong_password_gets_a_clear_message_and_an_audit_row(client, world):
    response = _sign_in(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    failed = AuditEvent.objects.get(action=Action.AUTH_LOGIN_FAILED)
    assert failed.actor_username == "officer" and failed.outcome == Outcome.DENIED


def test_five_failures_lock_the_account_for_ten_minutes(client, world):
    for _ in range(5):
        _sign_in(client, "officer", "wrong-password")
    locked = _sign_in(client, "officer")  # even the right password is refused now
    assert locked.status_code == 429
    assert "locked for 10 minutes" in locked.content.decode()
    assert AuditEvent.objects.filter(action=Action.AUTH_LOCKOUT, actor_username="officer").exists()
    assert pytest.approx(10) == django_settings.AXES_COOLOFF_TIME * 60
    # Another account is not affected by the officer's lockout.
    assert _sign_in(client, "coordinator").status_code == 302


def test_the_session_is_rotated_at_sign_in(client, world):
    client.get(reverse("login"))
    client.session["marker"] = "pre-login"
    before = client.cookies.get("sessionid")
    _sign_in(client, "officer")
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after


def test_idle_timeout_is_thirty_minutes_and_renewed_by_activity(client, world):
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(world.officer)
    key = client.session.session_key
    session = client.session
    session["activity_at"] = time.time() - 120  # last renewed two minutes ago
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=28)
    )
    client.get(reverse("home"))
    renewed = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert timedelta(minutes=29) < renewed <= timedelta(minutes=30)


def test_activity_within_a_minute_does_not_rewrite_the_session(client, world):
    client.force_login(world.officer)
    client.get(reverse("home"))

    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == before


def test_an_expired_idle_session_requires_signing_in_again(client, world):
    client.force_login(world.officer)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_twelve_hours_after_sign_in_the_session_ends(client, world):
    client.force_login(world.officer)
    session = client.session
    session["authenticated_at"] = time.time() - 12 * 60 * 60 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert AuditEvent.objects.filter(
        action=Action.AUTH_SESSION_EXPIRED, actor=world.officer
    ).exists()
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_ends_the_session_server_side(client, world):
    client.force_login(world.officer)
    session_key = client.session.session_key
    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=session_key).exists()
    assert AuditEvent.objects.filter(action=Action.AUTH_LOGOUT, actor=world.officer).exists()
    assert client.get(reverse("home")).status_code == 302


def test_disabling_an_account_ends_its_sessions(client, world):
    client.force_login(world.officer)
    assert client.get(reverse("home")).status_code == 200
    world.officer.is_active = False
    world.officer.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2_by_default(settings):
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("a long enough password").startswith("argon2$")


def test_log_lines_cannot_be_forged_with_newlines(client, world, caplog):
    _sign_in(client, "officer\n2026-01-01 INFO deflect.auth login user=admin", "x")
    lines = [r.getMessage() for r in caplog.records if r.name == "deflect.auth"]
    assert lines and all("\n" not in line for line in lines)


def test_token_api_calls_create_no_sessions(world):
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="cad"
    )
    api = Client()
    for _ in range(3):
        response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200 and "sessionid" not in response.cookies
    assert Session.objects.count() == 0
