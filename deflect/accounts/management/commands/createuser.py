import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.models import Agency, Role
from deflect.accounts.services import membership_create, user_create
from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user with a role at an agency (password from a prompt or stdin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", required=True, help="Agency name (exact).")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--superuser", action="store_true", help="Also allow the Django admin site."
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args, **o):
        agency = Agency.objects.filter(name=o["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency named {o['agency']!r}.")
        if o["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user = user_create(
                actor=dangerously_as_system("cli"),
                username=o["username"],
                password=password,
                first_name=o["first_name"],
                last_name=o["last_name"],
                email=o["email"],
                is_superuser=o["superuser"],
            )
            membership_create(
                actor=dangerously_as_system("cli"), user=user, agency=agency, role=o["role"]
            )
        except DomainError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} as {o['role']} at {agency.name}.")
        )
