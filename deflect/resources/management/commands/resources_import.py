import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.resources.exchange.dataset import ImportFailed
from deflect.resources.exchange.importing import import_dataset, read


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 directory: compiled JSON, a folder or .zip of HSDS CSV files, or the "
        "one-sheet CSV template. All or nothing; --dry-run checks without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        show = not options["no_progress"] and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if not show or not total:
                return
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total} records")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        try:
            dataset = read(path)
            report = import_dataset(
                dataset,
                actor=dangerously_as_system("imports"),
                dry_run=options["dry_run"],
                progress=progress,
                source=str(path),
            )
        except ImportFailed as failed:
            for error in failed.errors[:200]:
                self.stderr.write(error)
            more = len(failed.errors) - 200
            if more > 0:
                self.stderr.write(f"… and {more} more")
            raise CommandError(
                f"Nothing was imported: {len(failed.errors)} problem(s) in {path}."
            ) from None
        for line in report.duplicates:
            self.stdout.write(self.style.WARNING(line))
        counts = ", ".join(
            f"{table} {report.created[table]} new / {report.updated[table]} updated"
            for table in report.created
            if report.created[table] or report.updated[table]
        )
        verb = "Checked (dry run, nothing written)" if report.dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {counts or 'no records'}."))
        if report.duplicates:
            self.stdout.write(
                f"{len(report.duplicates)} likely duplicate(s) reported above; nothing was merged."
            )
