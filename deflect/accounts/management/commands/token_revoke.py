from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.models import ApiToken, User
from deflect.accounts.services import api_token_revoke, api_token_revoke_all
from deflect.accounts.system import dangerously_as_system


class Command(BaseCommand):
    help = "Revoke one API token by id, or every token of a user (--user)."

    def add_arguments(self, parser):
        parser.add_argument("token_id", nargs="?", type=int)
        parser.add_argument("--user", metavar="USERNAME", help="Revoke all of this user's tokens.")

    def handle(self, *args, **o):
        if (o["token_id"] is None) == (o["user"] is None):
            raise CommandError("Give a token id or --user USERNAME (one of them).")
        if o["user"] is not None:
            user = User.objects.filter(username=o["user"]).first()
            if user is None:
                raise CommandError(f"No user {o['user']!r}.")
            count = api_token_revoke_all(actor=dangerously_as_system("cli"), user=user)
            self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
            return
        token = ApiToken.objects.select_related("user").filter(pk=o["token_id"]).first()
        if token is None:
            raise CommandError(f"No API token with id {o['token_id']}.")
        already = token.revoked_at is not None
        api_token_revoke(actor=dangerously_as_system("cli"), token=token)
        state = "was already revoked" if already else "revoked"
        self.stdout.write(f"Token {token.pk} ({token.name}) of {token.user.username} {state}.")
