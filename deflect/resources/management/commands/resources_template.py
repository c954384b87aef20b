from django.core.management.base import BaseCommand

from deflect.resources.exchange.template import template_csv


class Command(BaseCommand):
    help = "Print the one-sheet CSV template (one row per service) with an example row."

    def handle(self, *args, **options):
        self.stdout.write(template_csv(), ending="")
