"""The audit log is append-only and tamper-evident."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from deflect.audit.actions import Action, Outcome
from deflect.audit.chain import GENESIS_HASH
from deflect.audit.models import AppendOnlyError, AuditEvent
from deflect.audit.selectors import audit_chain_verify
from deflect.audit.services import audit_record
from deflect.audit.triggers import dangerously_lift_append_only

pytestmark = pytest.mark.django_db


def _three_events(world):
    first = audit_record(action=Action.AUTH_LOGIN, actor=world.officer)
    second = audit_record(
        action=Action.PROGRAM_UPDATE,
        actor=world.coordinator,
        target=world.program,
        extra={"pathways": ["self_referral"]},
    )
    third = audit_record(
        action=Action.ACCESS_DENIED,
        actor=world.prosecutor,
        outcome=Outcome.DENIED,
        extra={"capability": "audit.view"},
    )
    return first, second, third


def _raw_update(sql, params):
    """Edit the table behind the application's back, as an attacker with DB access would."""
    with dangerously_lift_append_only(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_links_to_the_one_before(world):
    first, second, third = _three_events(world)
    assert AuditEvent.objects.order_by("id").first().prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    report = audit_chain_verify()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_an_edited_row_is_named_by_verify(world):
    _, second, _ = _three_events(world)
    _raw_update(
        "UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["someone_else", second.pk]
    )
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_id == second.pk
    assert "hash" in report.reason


def test_an_edited_extra_is_detected(world):
    _, second, _ = _three_events(world)
    _raw_update(
        "UPDATE audit_auditevent SET extra = %s WHERE id = %s", ['{"pathways": []}', second.pk]
    )
    assert audit_chain_verify().broken_id == second.pk


def test_a_deleted_row_breaks_the_next_link(world):
    _, second, third = _three_events(world)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    report = audit_chain_verify()
    assert not report.ok and report.broken_id == third.pk
    assert "link" in report.reason


def test_a_recomputed_hash_without_the_key_is_detected(world):
    """Someone with database access but not the key cannot re-seal an edited row."""
    _, second, _ = _three_events(world)
    assert audit_chain_verify(key="a-guessed-key").ok is False
    assert audit_chain_verify().ok is True


def test_unregistered_actions_are_refused(world):
    with pytest.raises(ValueError):
        audit_record(action="person.secretly_read", actor=world.officer)


def test_the_application_and_the_database_refuse_changes(world):
    event = audit_record(action=Action.AUTH_LOGIN, actor=world.officer)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.AUTH_LOGOUT)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    # Below the application, the database itself refuses (triggers: PostgreSQL from migration
    # 0002, SQLite from 0005).
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action=Action.AUTH_LOGIN).exists()


def test_verify_command_passes_then_fails_on_tampering(world, capsys):
    _, second, _ = _three_events(world)
    call_command("audit_verify")
    assert "Audit chain OK" in capsys.readouterr().out
    _raw_update("UPDATE audit_auditevent SET outcome = %s WHERE id = %s", ["denied", second.pk])
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("audit_verify")


def _cut_last(count: int) -> None:
    """Remove the newest rows, as someone with database access hiding what they did would."""
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:count])
    _raw_update(
        f"DELETE FROM audit_auditevent WHERE id IN ({', '.join(['%s'] * len(newest))})",  # noqa: S608
        newest,
    )


def test_rows_cut_off_the_end_are_found_by_the_checkpoint(world, settings):
    _three_events(world)
    call_command("audit_verify")  # writes a checkpoint: 4 events (3 and the verify itself)
    _cut_last(2)
    assert audit_chain_verify().ok  # what is left still links
    with pytest.raises(CommandError, match=r"2 rows missing after checkpoint at \S+"):
        call_command("audit_verify")
    lines = settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()
    assert len(lines) == 1 and lines[0].split()[1] == "4"
    assert settings.AUDIT_CHECKPOINT_PATH.stat().st_mode & 0o777 == 0o600


def test_rows_cut_and_replaced_by_new_ones_are_found_by_the_checkpoint(world):
    _three_events(world)
    call_command("audit_verify")
    _cut_last(2)
    for _ in range(3):
        audit_record(action=Action.AUTH_LOGIN, actor=world.officer)
    assert audit_chain_verify().ok
    with pytest.raises(CommandError, match="event 4 differs from checkpoint"):
        call_command("audit_verify")


def test_a_checkpoint_line_without_the_key_is_refused(world, settings, capsys):
    _three_events(world)
    call_command("audit_verify")
    capsys.readouterr()
    with settings.AUDIT_CHECKPOINT_PATH.open("a") as handle:
        handle.write("2030-01-01T00:00:00+00:00 99 " + "a" * 64 + " " + "b" * 64 + "\n")
    with pytest.raises(CommandError, match="1 checkpoint lines have an invalid seal"):
        call_command("audit_verify")


def test_verify_appends_checkpoints_that_keep_matching(world, settings, capsys):
    _three_events(world)
    call_command("audit_verify")
    audit_record(action=Action.AUTH_LOGIN, actor=world.officer)
    call_command("audit_verify")
    assert "matches checkpoint at" in capsys.readouterr().out
    assert len(settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()) == 2


def test_the_development_audit_key_is_not_a_constant_in_the_source():
    source = (Path(__file__).resolve().parents[3] / "config" / "settings" / "base.py").read_text()
    assert django_settings.AUDIT_HMAC_KEY not in source
    assert "dev-audit-key" not in source
    assert len(django_settings.AUDIT_HMAC_KEY) >= 32


def test_the_api_verify_also_compares_the_checkpoint(world, client):
    _three_events(world)
    call_command("audit_verify")
    client.force_login(world.admin)
    assert client.post("/api/v1/audit/verify").json()["ok"] is True
    _cut_last(3)
    report = client.post("/api/v1/audit/verify").json()
    assert report["ok"] is False and "missing after checkpoint" in report["reason"]
