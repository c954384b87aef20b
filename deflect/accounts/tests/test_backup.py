"""Backups are encrypted and owner-only; a restore into a fresh database reproduces every model,
verifies the audit chain, says what happened after the backup and keeps revocations."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp

from deflect.access.policy import visible_to
from deflect.accounts.backup import BackupError, backed_up_models, backup_frames, backup_write
from deflect.accounts.mfa_services import totp_enrol_confirm, totp_enrol_start
from deflect.accounts.models import ApiToken, PasskeyCredential, User
from deflect.accounts.services import api_token_create, api_token_revoke
from deflect.audit.actions import Action
from deflect.audit.checkpoint import checkpoint_write
from deflect.audit.services import audit_record
from deflect.cases.services import case_note_add, case_open
from deflect.core.crypto import generate_key
from deflect.people.models import Person
from deflect.people.services import person_alias_add
from deflect.resources import pipeline as mou_pipeline
from deflect.resources.models import Mou
from deflect.resources.services import mou_transition

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
AUDIT = "audit.AuditEvent"
# What the demo county (plus the case, note and alias the story adds) has no rows of: these
# tables round-trip empty. Every other model is compared row by row.
DEMO_LEAVES_EMPTY = {
    "admin.LogEntry",
    "auth.Group",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "cases.CaseNeed",
    "cases.PlanGoal",
    "cases.PlanTask",
    "encounters.EncounterAmendment",
    "feedback.SubmissionThrottle",
    "followups.FollowUpPolicy",
    "followups.NoticePreference",
    "followups.SmsOutbox",
    "linkage.ClusterMember",
    "linkage.LinkPair",
    "linkage.LinkRun",
    "linkage.ReviewDecision",
    "linkage.ReviewPair",
    "people.PersonMerge",
    "referrals.ReferralSettings",
    "reports.DeidentifiedExport",
    "resources.Accessibility",
    "resources.CostOption",
    "resources.Funding",
    "resources.ServiceArea",
    "screening.EligibilityRuleSet",
    "surveillance.ResponseItem",
}


def _totp_now(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def _deflect(args: list[str], database: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEFLECT_DATA_KEYS": ",".join(settings.DEFLECT_DATA_KEYS),
        "AUDIT_HMAC_KEY": settings.AUDIT_HMAC_KEY,
        "AUDIT_CHECKPOINT_PATH": str(settings.AUDIT_CHECKPOINT_PATH),
        "DEFLECT_REVOCATIONS_PATH": str(settings.DEFLECT_REVOCATIONS_PATH),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _rows(path: Path) -> dict[str, dict[object, dict]]:
    """Every row in a backup: {model label: {pk: fields}}."""
    rows: dict[str, dict[object, dict]] = {}
    for frame in backup_frames(path):
        for item in json.loads(frame):
            model = item["model"]
            rows.setdefault(model, {})[item["pk"]] = item["fields"]
    return rows


def test_every_model_round_trips_through_backup_and_restore(
    tmp_path, django_capture_on_commit_callbacks
):
    call_command("demo", "--no-migrate")
    officer = User.objects.get(username="officer")
    case_manager = User.objects.get(username="casemanager")
    person = visible_to(case_manager, Person).filter(cases__isnull=True).first()
    case = case_open(actor=case_manager, person_id=person.pk)
    case_note_add(actor=case_manager, case=case, kind="clinical", text="Started buprenorphine")
    person_alias_add(actor=case_manager, person=person, first_name="Sunny", last_name="")
    kept, _ = api_token_create(actor=officer, user=officer, name="kept")
    later, _ = api_token_create(actor=officer, user=officer, name="revoked after the backup")
    # Second factors: an authenticator app, recovery codes and a passkey.
    device = totp_enrol_start(actor=case_manager)
    totp_enrol_confirm(actor=case_manager, device=device, code=_totp_now(device))
    PasskeyCredential.objects.create(
        user=case_manager,
        name="Laptop",
        credential_id="cred-1",
        public_key=b"\x01\x02",
        sign_count=3,
    )
    # An MOU's status history.
    coordinator = User.objects.get(username="coordinator")
    mou, move = next(
        (mou, to)
        for mou in Mou.objects.order_by("pk")
        for to, who in mou_pipeline.PIPELINE.get(mou.status, {}).items()
        if mou_pipeline.COORDINATOR in ({who} if isinstance(who, str) else who)
    )
    mou_transition(actor=coordinator, mou_id=mou.pk, status=move)

    before = tmp_path / "before.backup"
    summary = backup_write(path=before)
    assert before.stat().st_mode & 0o777 == 0o600
    assert b"Marlow" not in before.read_bytes()  # encrypted, names and all
    empty = {m._meta.label for m in backed_up_models()} - {
        label for label, n in summary.counts.items() if n
    }
    assert empty == DEMO_LEAVES_EMPTY, empty

    # After the backup: a token is revoked and more happens.
    with django_capture_on_commit_callbacks(execute=True):
        api_token_revoke(actor=officer, token=later)
    for _ in range(3):
        audit_record(action=Action.AUTH_LOGIN, actor=officer)
    checkpoint_write()

    fresh = tmp_path / "fresh.sqlite3"
    restored = _deflect(["restore", str(before)], fresh)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "audit chain verifies" in restored.stdout
    assert "4 audit events were recorded after this backup was taken" in restored.stdout
    assert "API tokens revoked again from the revocation list: 1" in restored.stdout

    after = tmp_path / "after.backup"
    again = _deflect(["backup", str(after)], fresh)
    assert again.returncode == 0, again.stderr
    original, copy = _rows(before), _rows(after)
    assert set(original) == set(copy)
    for model, rows in original.items():
        if model == AUDIT.lower():
            # The restore and the second backup appended their own events after the originals.
            assert list(copy[model])[: len(rows)] == list(rows)
            assert all(copy[model][pk] == fields for pk, fields in rows.items())
            continue
        if model == "accounts.apitoken":
            continue
        assert copy[model] == rows, model
    tokens = copy["accounts.apitoken"]
    assert tokens[kept.pk]["revoked_at"] is None
    assert tokens[later.pk]["revoked_at"] is not None  # stays revoked
    assert ApiToken.objects.count() == len(tokens)


def test_a_backup_refuses_tampering_truncation_and_an_unknown_key(tmp_path, settings):
    audit_record(action=Action.AUTH_LOGIN, username="someone")
    path = tmp_path / "one.backup"
    backup_write(path=path)
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1

    flipped = tmp_path / "flipped.backup"
    flipped.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(BackupError, match="does not decrypt"):
        list(backup_frames(flipped))
    cut = tmp_path / "cut.backup"
    cut.write_bytes(data[: header_end + 10])
    with pytest.raises(BackupError, match="truncated"):
        list(backup_frames(cut))
    edited = tmp_path / "edited.backup"
    edited.write_bytes(data.replace(b'"database"', b'"databasE"', 1))
    with pytest.raises(BackupError, match="does not decrypt"):
        list(backup_frames(edited))

    settings.DEFLECT_DATA_KEYS = [generate_key()]
    with pytest.raises(BackupError, match="not in DEFLECT_DATA_KEYS"):
        list(backup_frames(path))


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, world):
    path = tmp_path / "b.backup"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="needs an empty database"):
        call_command("restore", str(path), "--no-migrate")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(path))
