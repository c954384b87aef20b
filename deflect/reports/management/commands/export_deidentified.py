"""``deflect export deidentified``: a de-identified person-level export (zip) for evaluators.

Runs as a named user (``--user``), whose access decides which programs' rows are exported and
who the audit log records; the zip is written owner-only.
"""

import datetime as dt
import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.models import User
from deflect.core.errors import DomainError
from deflect.programs.models import Program
from deflect.reports.services import DATE_MODES, deidentified_export_create


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Write a de-identified person-level export (zip with its data dictionary)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", required=True, help="First day (YYYY-MM-DD)."
        )
        parser.add_argument("--to", dest="date_to", required=True, help="Last day (YYYY-MM-DD).")
        parser.add_argument("--user", required=True, help="Username of the analyst exporting.")
        parser.add_argument("--program", type=int, help="Only this program (id).")
        parser.add_argument("--dates", choices=DATE_MODES, default="shift")
        parser.add_argument("--output", help="Zip file to write (default: in the current folder).")

    def handle(self, *args, **options):
        try:
            actor = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"No active user {options['user']!r}.") from error
        program = None
        if options["program"]:
            program = Program.objects.filter(pk=options["program"]).first()
            if program is None:
                raise CommandError(f"No program with id {options['program']}.")
        try:
            export = deidentified_export_create(
                actor=actor,
                date_from=_date(options["date_from"]),
                date_to=_date(options["date_to"]),
                program=program,
                dates=options["dates"],
            )
        except PermissionDenied as error:
            raise CommandError(f"{actor.username} may not make de-identified exports.") from error
        except DomainError as error:
            raise CommandError(str(error)) from error
        path = Path(options["output"] or export.filename)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(export.content)
        record = export.record
        self.stdout.write(
            f"Wrote {path}: {record.row_count} rows, {record.suppressed_rows} left out "
            f"for k-anonymity (export {record.pk}, sha256 {record.sha256})."
        )
        for change in record.changes:
            self.stdout.write(f"  - {change}")
