"""Print the spike detectors' evaluation on the synthetic series (fixed seed), as Markdown."""

from django.core.management.base import BaseCommand

from deflect.surveillance import synthetic


class Command(BaseCommand):
    help = "Evaluate EARS C1/C2/C3 and the threshold on a synthetic series with injected spikes."

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=int, default=200)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--spikes", type=int, default=60)
        parser.add_argument("--seed", type=int, default=synthetic.SEED)

    def handle(self, *args, areas: int, days: int, spikes: int, seed: int, **options):
        series = synthetic.generate(areas=areas, days=days, spikes=spikes, seed=seed)
        self.stdout.write(f"{areas} areas × {days} days, {spikes} injected spikes (seed {seed}):\n")
        self.stdout.write(synthetic.evaluation_table(series))
