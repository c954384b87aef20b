"""API tokens: lockout and deactivation stop them, failures are throttled and audited,
scopes (read-only, one program) hold, and users manage their own tokens and password."""

import pytest
from axes.utils import reset
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deflect.accounts.models import ApiToken
from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system
from deflect.accounts.tests.factories import PASSWORD
from deflect.audit.actions import Action, Outcome
from deflect.audit.models import AuditEvent
from deflect.cli import resolve, usage
from deflect.core.errors import ValidationFailed
from deflect.programs.models import ProgramAgency
from deflect.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _get(secret, path="/api/v1/me", **extra):
    return Client().get(path, headers={"Authorization": f"Bearer {secret}"}, **extra)


def _post(secret, path, body):
    return Client().post(
        path,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_deactivated_officers_token_stops_working(world):
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    assert _get(secret).status_code == 200
    world.officer.is_active = False
    world.officer.save()
    assert _get(secret).status_code == 401
    event = AuditEvent.objects.filter(action=Action.TOKEN_AUTH_FAILED).latest("id")
    assert event.extra["reason"] == "account_inactive" and event.outcome == Outcome.DENIED


def test_a_locked_out_officers_token_stops_working_until_the_lock_ends(world, settings):
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    browser = Client()
    for _ in range(5):
        browser.post(reverse("login"), {"username": "officer", "password": "wrong-password"})
    assert _get(secret).status_code == 401
    assert AuditEvent.objects.filter(
        action=Action.TOKEN_AUTH_FAILED, actor=world.officer, extra__reason="account_locked"
    ).exists()

    reset(username="officer")
    assert _get(secret).status_code == 200


def test_failed_token_attempts_are_audited_without_the_secret(world, caplog):
    guess = "dfl_" + "x" * 43
    assert _get(guess).status_code == 401
    event = AuditEvent.objects.get(action=Action.TOKEN_AUTH_FAILED)
    assert event.extra["reason"] == "unknown" and event.actor is None
    assert guess not in str(event.extra)
    assert all(guess not in record.getMessage() for record in caplog.records)


def test_repeated_token_failures_from_one_address_get_429_with_retry_after(world, settings):
    settings.DEFLECT_TOKEN_FAILURE_LIMIT = 3
    settings.DEFLECT_TOKEN_FAILURE_WINDOW_SECONDS = 120
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    for _ in range(3):
        assert _get("dfl_wrong").status_code == 401
    throttled = _get("dfl_wrong")
    assert throttled.status_code == 429 and throttled["Retry-After"] == "120"
    assert throttled.json()["code"] == "rate_limited"
    # While throttled, even a good token from that address waits: guessing gains nothing.
    assert _get(secret).status_code == 429
    assert AuditEvent.objects.filter(action=Action.TOKEN_THROTTLED).count() == 2
    # Another address is not affected.
    assert _get(secret, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_read_only_token_reads_but_cannot_write(world):
    _, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.coordinator, name="bi", read_only=True
    )
    assert _get(secret, "/api/v1/staff/memberships").status_code == 200
    police = world.agencies["police"]
    body = {"user_id": world.analyst.pk, "agency_id": police.pk, "role": "analyst"}
    response = _post(secret, "/api/v1/staff/memberships", body)
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert not world.analyst.memberships.filter(agency=world.agencies["police"]).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=world.coordinator, extra__reason="read-only token"
    ).exists()
    _, writer = api_token_create(
        actor=dangerously_as_system("tests"), user=world.coordinator, name="admin tool"
    )
    assert _post(writer, "/api/v1/staff/memberships", body).status_code == 201


def test_a_program_token_sees_only_that_program(world):

    # The city police also take part in a second program of the county.
    second = ProgramFactory(name="Marlow Youth Diversion", agencies=[world.agencies["police"]])
    _, everything = api_token_create(
        actor=dangerously_as_system("tests"), user=world.coordinator, name="all"
    )
    _, scoped = api_token_create(
        actor=dangerously_as_system("tests"),
        user=world.coordinator,
        name="one",
        program=world.program,
    )
    listed_all = {p["id"] for p in _get(everything, "/api/v1/programs").json()}
    assert {world.program.pk, second.pk} <= listed_all
    assert {p["id"] for p in _get(scoped, "/api/v1/programs").json()} == {world.program.pk}
    assert _get(scoped, f"/api/v1/programs/{second.pk}").status_code == 404
    assert _get(scoped, f"/api/v1/programs/{world.program.pk}").status_code == 200


def test_a_program_token_narrows_even_the_admin(world):
    ProgramAgency.objects.create(program=world.program, agency=world.agencies["county_it"])
    _, scoped = api_token_create(
        actor=dangerously_as_system("tests"), user=world.admin, name="one", program=world.program
    )
    assert {p["id"] for p in _get(scoped, "/api/v1/programs").json()} == {world.program.pk}
    assert _get(scoped, f"/api/v1/programs/{world.other_program.pk}").status_code == 404


def test_a_token_cannot_be_scoped_to_a_program_its_user_does_not_belong_to(world):
    with pytest.raises(ValidationFailed):
        api_token_create(
            actor=dangerously_as_system("tests"),
            user=world.officer,
            name="x",
            program=world.other_program,
        )


def test_the_token_commands_create_scoped_tokens_and_revoke_them(world, capsys):
    call_command(
        "token_create",
        "coordinator",
        "--name",
        "bi",
        "--read-only",
        "--program",
        str(world.program.pk),
    )
    token = ApiToken.objects.get(name="bi")
    assert token.read_only and token.program == world.program
    call_command("token_revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None
    api_token_create(actor=dangerously_as_system("tests"), user=world.officer, name="a")
    api_token_create(actor=dangerously_as_system("tests"), user=world.officer, name="b")
    call_command("token_revoke", "--user", "officer")
    assert not ApiToken.objects.filter(user=world.officer, revoked_at__isnull=True).exists()
    assert "Revoked 2 token(s) of officer." in capsys.readouterr().out
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKE).count() == 3


def test_the_cli_lists_token_revoke():
    assert resolve(["token", "revoke", "7"]) == ["token_revoke", "7"]
    assert "token revoke" in usage()


def test_the_officer_creates_sees_and_revokes_a_token_on_their_page(client, world):
    client.force_login(world.officer)
    created = client.post(reverse("api-tokens"), {"name": "phone", "read_only": "on"})
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
    secret = created.context["secret"]
    assert secret.startswith("dfl_") and secret in created.content.decode()
    token = ApiToken.objects.get(user=world.officer)
    assert token.read_only and token.program is None
    page = client.get(reverse("api-tokens")).content.decode()
    assert "phone" in page and "read-only" in page and secret not in page
    assert _get(secret).status_code == 200
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert _get(secret).status_code == 401


def test_nobody_can_revoke_another_users_token(client, world):
    token, secret = api_token_create(
        actor=dangerously_as_system("tests"), user=world.officer, name="phone"
    )
    client.force_login(world.coordinator)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert _get(secret).status_code == 200


def test_the_officer_changes_their_password_and_stays_signed_in(client, world):
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    before = client.session.session_key
    response = client.post(
        reverse("password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # the session is still valid
    assert client.session.session_key != before  # and was rotated
    world.officer.refresh_from_db()
    assert world.officer.check_password("a-new-long-passphrase-2026")
    assert AuditEvent.objects.filter(
        action=Action.AUTH_PASSWORD_CHANGE, actor=world.officer
    ).exists()


def test_a_wrong_old_password_changes_nothing(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "not-it",
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 200
    world.officer.refresh_from_db()
    assert world.officer.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.AUTH_PASSWORD_CHANGE).exists()
