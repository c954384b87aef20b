"""``deflect operations check``: what needs a coordinator's attention, for cron or by hand.

For every active program (or one, with ``--program``): naloxone lots expired or expiring within
60 days at each location, locations below their reorder threshold, staff due for a training
refresher, training coverage below the program's minimums, shifts short of crisis-intervention
trained staff, and overdue planning activities. Exits 1 when anything needs attention.
"""

from django.core.management.base import BaseCommand, CommandError

from deflect.naloxone import selectors as naloxone
from deflect.planning import selectors as planning
from deflect.programs.models import Program
from deflect.training import selectors as training


class Command(BaseCommand):
    help = "List naloxone expiry and reorder warnings, refreshers due and overdue planning."

    def add_arguments(self, parser):
        parser.add_argument("--program", help="Only this program (name).")

    def handle(self, *args, **options):
        programs = Program.objects.filter(is_active=True).order_by("name")
        if options["program"]:
            programs = programs.filter(name=options["program"])
            if not programs.exists():
                raise CommandError(f"No active program named {options['program']!r}.")
        found = 0
        for program in programs:
            lines = self._warnings(program)
            found += len(lines)
            self.stdout.write(f"{program.name}: {len(lines) or 'nothing'} to look at")
            for line in lines:
                self.stdout.write(f"  - {line}")
        if found:
            raise SystemExit(1)

    def _warnings(self, program) -> list[str]:
        lines = []
        for row in naloxone.stock_report(program):
            if row.below_threshold:
                lines.append(
                    f"naloxone: {row.location} has {row.on_hand} kits, "
                    f"reorder below {row.location.reorder_threshold}"
                )
            for held in row.lots:
                if held.expired or held.expiring:
                    state = "expired" if held.expired else "expires"
                    lines.append(
                        f"naloxone: {row.location} holds {held.on_hand} of lot "
                        f"{held.lot.lot_number}, {state} {held.lot.expires_on:%Y-%m-%d}"
                    )
        for due in training.refreshers_due(program):
            state = "expired" if due["expired"] else "expires"
            lines.append(
                f"training: {due['name']}: {due['course']} {state} {due['expires_on']:%Y-%m-%d}"
            )
        for gap in training.coverage_report(program):
            if gap.below_minimum:
                lines.append(
                    f"training: {gap.agency} {gap.group} {gap.course}: {gap.share}% trained, "
                    f"minimum {gap.minimum}%"
                )
        for shift in training.shift_report(program):
            if shift.below_minimum:
                lines.append(
                    f"training: {shift.shift}: {shift.cit_trained} CIT-trained on duty, "
                    f"minimum {shift.minimum}"
                )
        for view in planning.adoption_views(program):
            for activity in view.overdue:
                lines.append(
                    f"planning: {view.adoption.name}: overdue since {activity.due_date:%Y-%m-%d}: "
                    f"{activity.title[:80]}"
                )
        return lines
