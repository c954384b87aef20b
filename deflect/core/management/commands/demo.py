from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from deflect.core.demo import demo_load, demo_logins_text


class Command(BaseCommand):
    help = "Migrate the database and load the synthetic demo county (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrations.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to load demo data in production mode.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        demo_load()
        self.stdout.write(self.style.SUCCESS("Demo county loaded."))
        self.stdout.write(demo_logins_text())
