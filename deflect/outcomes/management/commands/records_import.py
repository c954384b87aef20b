import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError
from deflect.outcomes.models import BatchStatus, RecordKind
from deflect.outcomes.services import records_import
from deflect.programs.models import Program

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = (
        "Import outside records (jail bookings, arrests, EMS runs, ED visits, deaths, treatment) "
        "from a CSV file. All or nothing; importing the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="The system the file comes from.")
        parser.add_argument("--kind", required=True, choices=RecordKind.values)
        parser.add_argument("--mapping", type=Path, help="A TOML file renaming the columns.")
        parser.add_argument("--program", help="Program id or name (default: the only one).")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")

    def _program(self, wanted: str | None) -> Program:
        programs = Program.objects.filter(is_active=True)
        if wanted:
            found = (
                programs.filter(pk=int(wanted))
                if wanted.isdigit()
                else programs.filter(name=wanted)
            )
            program = found.first()
            if program is None:
                raise CommandError(f"No active program {wanted!r}.")
            return program
        if programs.count() != 1:
            raise CommandError("Name the program with --program (id or name).")
        return programs.get()

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            content = path.read_bytes()
            mapping = options["mapping"].read_text(encoding="utf-8") if options["mapping"] else ""
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}") from None
        show = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show and total:
                sys.stderr.write(f"\rChecked {done}/{total} rows")
                sys.stderr.flush()

        try:
            batch = records_import(
                actor=dangerously_as_system("imports"),
                program=self._program(options["program"]),
                source=options["source"],
                kind=options["kind"],
                content=content,
                file_name=path.name,
                mapping_text=mapping,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except DomainError as error:
            for messages in error.fields.values():
                for message in messages:
                    self.stderr.write(message)
            raise CommandError(f"Nothing was imported: {error.message}") from None
        if show:
            sys.stderr.write("\n")
        if batch.status == BatchStatus.FAILED:
            for problem in batch.errors[:SHOWN_ERRORS]:
                where = f"line {problem['line']}"
                if problem["column"]:
                    where += f", column {problem['column']}"
                self.stderr.write(f"{path.name}: {where}: {problem['message']}")
            raise CommandError(
                f"Nothing was imported: {len(batch.errors)} problem(s) in {path.name}."
            )
        verb = "Checked (dry run, nothing written)" if batch.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {batch.created_count} new, {batch.existing_count} already imported "
                f"({batch.kind} from {batch.source}, batch {batch.pk})."
            )
        )
