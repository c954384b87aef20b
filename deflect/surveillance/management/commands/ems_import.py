"""``deflect ems import FILE.xml|DIR --program ID [--dry-run]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError
from deflect.programs.models import Program
from deflect.surveillance.services import ems_import_file


class Command(BaseCommand):
    help = "Import NEMSIS 3.5 EMS patient care reports (a file or every .xml in a folder)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--program", type=int, required=True, help="The program's id.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; save nothing.")

    def handle(self, *args, path: Path, program: int, dry_run: bool, **options):
        found = Program.objects.filter(pk=program).first()
        if found is None:
            raise CommandError(f"no program {program}")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml")
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path} is neither a file nor a folder")
        actor = dangerously_as_system("imports")
        failed = 0
        for file in files:
            try:
                result = ems_import_file(actor=actor, program=found, path=file, dry_run=dry_run)
            except DomainError as error:
                failed += 1
                self.stderr.write(f"{file}: refused: {error.message}")
                continue
            counts = ", ".join(f"{k} {v}" for k, v in result.counts().items() if k != "dry_run")
            prefix = "[dry run] " if dry_run else ""
            self.stdout.write(f"{prefix}{file}: {counts}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) refused; nothing from them saved")
