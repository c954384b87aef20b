from django.core.management.base import BaseCommand

from deflect.accounts.system import dangerously_as_system
from deflect.resources.services import mou_expire_overdue


class Command(BaseCommand):
    help = "Mark active MOUs past their expiry date as expired (audited). Run daily from cron."

    def handle(self, *args, **options):
        count = mou_expire_overdue(actor=dangerously_as_system("jobs"))
        self.stdout.write(f"{count} MOU(s) marked expired.")
