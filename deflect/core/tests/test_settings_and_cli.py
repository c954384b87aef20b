"""Operators' surface: production refuses unsafe settings; the deflect command; the demo."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deflect.accounts.models import Membership, Role, User
from deflect.audit.selectors import audit_chain_verify
from deflect.cli import COMMANDS, main, resolve
from deflect.core.crypto import generate_key
from deflect.demo.county import DEMO_PASSWORD, USERS
from deflect.demo.loader import demo_load
from deflect.programs.models import Program

ROOT = Path(__file__).resolve().parents[3]
STRONG = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
    "DEFLECT_DATA_KEYS": generate_key(),
}


def _django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "AUDIT_HMAC_KEY", "DEFLECT_ENV", "DEFLECT_DATA_KEYS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = _django(["check"], DEFLECT_ENV="production")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _django(["check"], DEFLECT_ENV="production", DEBUG="1", **STRONG)
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_production_refuses_a_missing_audit_key():
    result = _django(["check"], DEFLECT_ENV="production", SECRET_KEY=STRONG["SECRET_KEY"])
    assert result.returncode != 0 and "AUDIT_HMAC_KEY" in result.stderr


def test_production_refuses_missing_data_keys():
    env = {k: v for k, v in STRONG.items() if k != "DEFLECT_DATA_KEYS"}
    result = _django(["check"], DEFLECT_ENV="production", **env)
    assert result.returncode != 0 and "DEFLECT_DATA_KEYS" in result.stderr


def test_the_deploy_check_refuses_a_malformed_data_key():
    env = {**STRONG, "DEFLECT_DATA_KEYS": "not-a-32-byte-key"}
    result = _django(["check", "--deploy"], DEFLECT_ENV="production", **env)
    assert result.returncode != 0 and "deflect.E001" in result.stderr


def test_the_deploy_check_is_clean_in_production_mode():
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"], DEFLECT_ENV="production", **STRONG
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deflect_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for words, _, text in COMMANDS:
        assert " ".join(words) in out and text in out


def test_deflect_words_map_to_management_commands():
    assert resolve(["audit", "verify"]) == ["audit_verify"]
    assert resolve(["token", "create", "officer"]) == ["token_create", "officer"]
    assert resolve(["manage", "showmigrations"]) == ["showmigrations"]
    assert resolve(["launch", "rockets"]) is None
    assert main(["launch"]) == 2


@pytest.mark.django_db
def test_the_demo_county_is_complete_idempotent_and_audited(capsys):
    call_command("demo", "--no-migrate")
    call_command("demo", "--no-migrate")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "coordinator" in out
    assert Program.objects.count() == 1
    program = Program.objects.get()
    assert program.pathways.count() == 6
    assert program.agencies.count() == 8
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for demo in USERS:
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
    assert audit_chain_verify().ok
    assert demo_load() == USERS  # a third run changes nothing


@pytest.mark.django_db
def test_createuser_command_gives_a_clear_error_for_a_weak_password(world, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="not strong enough"):
        call_command(
            "createuser",
            "newbie",
            "--agency",
            "Marlow City Police",
            "--role",
            "responder",
            "--password-stdin",
        )
    monkeypatch.setattr("sys.stdin", io.StringIO("a-sturdy-passphrase-42\n"))
    call_command(
        "createuser",
        "newbie",
        "--agency",
        "Marlow City Police",
        "--role",
        "responder",
        "--password-stdin",
    )
    assert Membership.objects.filter(user__username="newbie", role="responder").exists()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_static_files_include_the_apps_css_and_htmx(tmp_path):
    result = _django(
        ["collectstatic", "--noinput", "-v", "0"],
        DEFLECT_ENV="production",
        STATIC_ROOT=str(tmp_path),
        **STRONG,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "deflect/app.css" in manifest and "deflect/vendor/htmx-2.0.8.min.js" in manifest
