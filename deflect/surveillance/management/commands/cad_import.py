"""``deflect cad import FILE.csv --mapping MAP.json --program ID [--dry-run]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError
from deflect.programs.models import Program
from deflect.surveillance.cad import CadError, Mapping
from deflect.surveillance.services import cad_import_file


class Command(BaseCommand):
    help = "Import a dispatch (CAD) or records (RMS) CSV export through a column mapping file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--mapping", type=Path, required=True, help="The JSON column map.")
        parser.add_argument("--program", type=int, required=True, help="The program's id.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; save nothing.")

    def handle(self, *args, path: Path, mapping: Path, program: int, dry_run: bool, **options):
        found = Program.objects.filter(pk=program).first()
        if found is None:
            raise CommandError(f"no program {program}")
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            columns = Mapping.load(mapping)
        except CadError as error:
            raise CommandError(f"{mapping}: {error}") from None
        try:
            result = cad_import_file(
                actor=dangerously_as_system("imports"),
                program=found,
                path=path,
                mapping=columns,
                dry_run=dry_run,
            )
        except DomainError as error:
            raise CommandError(f"{path}: refused: {error.message}") from None
        counts = ", ".join(f"{k} {v}" for k, v in result.counts().items() if k != "dry_run")
        self.stdout.write(f"{'[dry run] ' if dry_run else ''}{path}: {counts}")
