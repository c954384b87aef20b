from django.core.management.base import BaseCommand

from deflect.core.crypto import generate_key, parse_key


class Command(BaseCommand):
    help = "Print a new random data key (for DEFLECT_DATA_KEYS) and its key id."

    def handle(self, *args, **options):
        key = generate_key()
        self.stdout.write(key)
        self.stderr.write(f"key id {parse_key(key).key_id}: put it first in DEFLECT_DATA_KEYS.")
