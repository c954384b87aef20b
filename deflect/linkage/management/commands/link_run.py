"""``deflect link run [--backend duckdb|spark] [--program ID|NAME]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import DomainError
from deflect.linkage import services
from deflect.linkage.selectors import program_filter
from deflect.programs.models import Program


class Command(BaseCommand):
    help = "Link outside records and deflect's people with Splink; queue uncertain pairs."

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="duckdb", choices=["duckdb", "spark"])
        parser.add_argument("--program", help="program id or name (default: every active program)")
        parser.add_argument("--upper", type=float, default=services.UPPER_THRESHOLD)
        parser.add_argument("--lower", type=float, default=services.LOWER_THRESHOLD)

    def handle(self, *args, **options):
        programs = Program.objects.filter(is_active=True).order_by("pk")
        if options["program"]:
            programs = programs.filter(program_filter(options["program"]))
            if not programs.exists():
                raise CommandError(f"No active program {options['program']!r}.")
        actor = dangerously_as_system("cli")
        for program in programs:
            try:
                run = services.link_run(
                    actor=actor,
                    program=program,
                    backend=options["backend"],
                    upper=options["upper"],
                    lower=options["lower"],
                )
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                f"{program.name}: run #{run.pk} on {run.backend}: {run.people_count} people, "
                f"{run.record_count} records, {run.linked_count} records linked, "
                f"{run.review_count} pairs for review, {run.cluster_count} clusters"
            )
