from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from deflect.demo.county import demo_logins_text
from deflect.demo.loader import demo_everything_load


class Command(BaseCommand):
    help = "Migrate the database and load the synthetic demo county (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrations.")
        parser.add_argument(
            "--people",
            type=int,
            default=60,
            help="Synthetic people in the demo program (about 3 encounters each); "
            "100000 for benchmarks.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to load demo data in production mode.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        added, encounters = demo_everything_load(people=options["people"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo county loaded ({added} people and {encounters} encounters added)."
            )
        )
        self.stdout.write(demo_logins_text())
