from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.backup import BackupError, backup_restore
from deflect.core.crypto import DataKeyError


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database (creating the tables first), verify the audit "
        "chain, report the audit events recorded after the backup, re-apply revocations and "
        "end every session."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--no-migrate", action="store_true", help="The tables exist already; do not migrate."
        )

    def handle(self, *args, file: str, no_migrate: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = backup_restore(path=path)
        except (BackupError, DataKeyError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Restored {rows} rows of {len(summary.counts)} models, taken at {summary.taken_at}."
        )
        self.stdout.write(f"Audit: {summary.chain_message}.")
        if summary.missing_message:
            self.stdout.write(self.style.WARNING(f"MISSING: {summary.missing_message}."))
        else:
            self.stdout.write("Nothing recorded after the backup is missing (per the checkpoint).")
        self.stdout.write(
            f"Sessions ended: {summary.sessions_deleted}; API tokens revoked again from the "
            f"revocation list: {summary.tokens_revoked}."
        )
        if not summary.chain_ok:
            raise CommandError(f"The restored {summary.chain_message}.")
