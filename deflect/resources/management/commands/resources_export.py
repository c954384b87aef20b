from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.resources.exchange.export import export_to


class Command(BaseCommand):
    help = (
        "Export the directory as HSDS 3.0: compiled JSON (default, to stdout or --output) or the "
        "tabular package (--format csv --output FOLDER or FILE.zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", type=Path, default=None)

    def handle(self, *args, **options):
        try:
            text = export_to(
                options["output"],
                options["format"],
                actor=dangerously_as_system("cli"),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if text is not None:
            self.stdout.write(text)
        else:
            self.stderr.write(f"Exported to {options['output']}.")
