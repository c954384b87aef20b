"""How fast person lookup answers with a large population, on a scratch SQLite database.

    .venv/bin/python -m deflect.people.tests.bench_search            # 100,000 people
    .venv/bin/python -m deflect.people.tests.bench_search --people 20000 --searches 200

It migrates a new database in a temporary directory, loads the synthetic population, then runs
lookups of mixed difficulty (the same kinds as the evaluation set) as a responder of the program,
and prints the latency percentiles of ``person_search`` (blocking, scoring and its audit row).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2031)
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="deflect-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from deflect.accounts.models import Agency, AgencyKind, Membership, Role, User
    from deflect.people.search import person_search
    from deflect.programs.models import Program, ProgramAgency

    from .evaluation import lookup_queries
    from .population import load, population

    call_command("migrate", verbosity=0)
    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.LAW_ENFORCEMENT)
    program = Program.objects.create(name="Bench Program", jurisdiction="Bench County")
    ProgramAgency.objects.create(program=program, agency=agency)
    officer = User.objects.create(username="bench.officer")
    Membership.objects.create(user=officer, agency=agency, role=Role.RESPONDER)

    started = time.perf_counter()
    specs = population(args.people, seed=args.seed)
    ids = load(specs, program=program)
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries = lookup_queries(specs, ids, count=args.searches, seed=args.seed + 1)

    timings = []
    for query in queries:
        t0 = time.perf_counter()
        person_search(actor=officer, **query.arguments)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(round(p / 100 * (len(timings) - 1))))]

    print(f"people: {args.people:,} (loaded in {loaded:.1f} s); searches: {len(timings)}")
    print(
        f"person_search ms: p50 {pct(50):.1f}  p95 {pct(95):.1f}  p99 {pct(99):.1f}  "
        f"max {timings[-1]:.1f}  mean {statistics.mean(timings):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
