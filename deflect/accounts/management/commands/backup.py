from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.backup import BackupError, backup_write
from deflect.core.crypto import DataKeyError


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the whole database (SQLite or PostgreSQL) to FILE or to "
        "DEFLECT_BACKUP_DIR; owner-only permissions. Safe while the application runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write (must not exist).")

    def handle(self, *args, file: str | None, **options):
        try:
            summary = backup_write(path=Path(file) if file else None)
        except (BackupError, DataKeyError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {rows} rows of {len(summary.counts)} "
                f"models, {summary.audit_events} audit events, data key {summary.key_id}."
            )
        )
