from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.models import User
from deflect.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API token")

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {o['username']!r}.")
        token, secret = api_token_create(actor=None, user=user, name=o["name"])
        self.stdout.write(
            f"Token for {user.username} (expires {token.expires_at:%Y-%m-%d}); "
            "it is shown only now:"
        )
        self.stdout.write(secret)
