from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.models import User
from deflect.accounts.services import api_token_create
from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError

# Named by label: the programs app is a domain app, above the ground floor.
PROGRAM_MODEL = "programs.Program"


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API token")
        parser.add_argument(
            "--read-only", action="store_true", help="The token may only read (GET)."
        )
        parser.add_argument(
            "--program", type=int, metavar="ID", help="The token sees only this program."
        )

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {o['username']!r}.")
        program = None
        if o["program"] is not None:
            program = apps.get_model(PROGRAM_MODEL).objects.filter(pk=o["program"]).first()
            if program is None:
                raise CommandError(f"No program with id {o['program']}.")
        try:
            token, secret = api_token_create(
                actor=dangerously_as_system("cli"),
                user=user,
                name=o["name"],
                read_only=o["read_only"],
                program=program,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Token {token.pk} for {user.username} ({token.scope_label}; expires "
            f"{token.expires_at:%Y-%m-%d}); it is shown only now:"
        )
        self.stdout.write(secret)
