"""``deflect link evaluate --truth FILE.csv [--program SLUG]``: pairwise precision, recall and
F1 of the latest run's clusters (truth columns: source, source_record_id, entity_id; deflect
people as source ``deflect``)."""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.linkage.evaluation import pairwise_scores
from deflect.linkage.models import ClusterMember, LinkRun
from deflect.linkage.selectors import program_filter
from deflect.programs.models import Program

COLUMNS = {"source", "source_record_id", "entity_id"}


class Command(BaseCommand):
    help = "Pairwise precision, recall and F1 of the current clusters against a truth file."

    def add_arguments(self, parser):
        parser.add_argument("--truth", required=True)
        parser.add_argument("--program", help="program id or name (default: the latest run's)")

    def handle(self, *args, **options):
        runs = LinkRun.objects.order_by("-started_at", "-id")
        if options["program"]:
            program = Program.objects.filter(program_filter(options["program"])).first()
            if program is None:
                raise CommandError(f"No program {options['program']!r}.")
            runs = runs.filter(program=program)
        run = runs.first()
        if run is None:
            raise CommandError("No link run yet: run 'deflect link run' first.")
        try:
            with open(options["truth"], newline="") as handle:
                reader = csv.DictReader(handle)
                if not set(reader.fieldnames or []) >= COLUMNS:
                    raise CommandError(f"The truth file needs the columns {sorted(COLUMNS)}.")
                truth = [
                    (f"{row['source']}\x1f{row['source_record_id']}", row["entity_id"])
                    for row in reader
                ]
        except OSError as error:
            raise CommandError(f"Cannot read {options['truth']}: {error}") from error
        clusters = (
            (f"{source}\x1f{rid}", cluster)
            for source, rid, cluster in ClusterMember.objects.filter(run=run).values_list(
                "source", "source_record_id", "cluster_key"
            )
        )
        scores = pairwise_scores(truth, clusters)
        audit_record(
            action=Action.LINK_EVALUATE,
            actor=dangerously_as_system("cli"),
            target=run,
            extra={"precision": scores.precision, "recall": scores.recall, "f1": scores.f1},
        )
        self.stdout.write(f"run #{run.pk} ({run.program.name}), {len(truth)} truth rows")
        self.stdout.write(scores.describe())
