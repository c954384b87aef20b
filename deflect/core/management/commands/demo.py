from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from deflect.core.demo import PROGRAM_NAME, demo_load, demo_logins_text
from deflect.core.demo_operations import demo_operations_load
from deflect.core.demo_people import demo_people_load
from deflect.followups.demo import followups_demo_schedule, followups_demo_work
from deflect.referrals.demo import abeyance_demo_consents, referrals_demo_load


class Command(BaseCommand):
    help = "Migrate the database and load the synthetic demo county (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Skip migrations.")
        parser.add_argument(
            "--people",
            type=int,
            default=60,
            help="Synthetic people in the demo program (about 3 encounters each); "
            "100000 for benchmarks.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to load demo data in production mode.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        demo_load()
        added, encounters = demo_people_load(people=options["people"])
        demo_operations_load(PROGRAM_NAME)  # links naloxone given to the overdose encounters
        # The most recent overdoses and held charges get their follow-ups and abeyance cases.
        followups_demo_schedule(program_name=PROGRAM_NAME)
        followups_demo_work(program_name=PROGRAM_NAME)  # the team's attempts on them
        # The most recent referred encounters get a consent and a referral to the demo provider.
        referrals_demo_load(program_name=PROGRAM_NAME)
        # Two abeyance cases with treatment met: one under a §2.35 consent, one without.
        abeyance_demo_consents(program_name=PROGRAM_NAME)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo county loaded ({added} people and {encounters} encounters added)."
            )
        )
        self.stdout.write(demo_logins_text())
