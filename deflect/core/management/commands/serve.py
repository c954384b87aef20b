import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server: gunicorn, or Django's reloading server with --dev."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("DEFLECT_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        parser.add_argument("--dev", action="store_true", help="Auto-reloading development server.")

    def handle(self, *args, **options):
        if options["dev"]:
            call_command("runserver", options["bind"])
            return
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"deflect listening on http://{options['bind']}/  (Ctrl-C stops)")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        os.execv(sys.executable, argv)  # noqa: S606 (fixed argv, no shell)
