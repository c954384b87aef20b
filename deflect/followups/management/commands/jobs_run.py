from django.core.management.base import BaseCommand

from deflect.audit.checkpoint import checkpoint_write
from deflect.followups.jobs import jobs_run


class Command(BaseCommand):
    help = "Send reminders: follow-ups due and overdue, unanswered referrals, abeyance deadlines."

    def handle(self, *args, **options):
        report = jobs_run()
        for name, value in report.__dict__.items():
            if name != "details":
                self.stdout.write(f"{name}: {value}")
        for job, counts in report.details.items():
            for name, value in counts.items():
                self.stdout.write(f"{job}.{name}: {value}")
        # The scheduled run also records the audit chain's head outside the database.
        checkpoint_write()
