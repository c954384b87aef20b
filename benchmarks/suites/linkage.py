"""Record linkage at scale: 200,000 outside records against 100,000 people on DuckDB.

The tuned model (``deflect.linkage.engine.tuned_settings``: nicknames, transposed and mistyped
birth dates, double surnames, swapped names, term frequencies, suffixes, look-alike levels) and
Splink's untuned configuration (its library comparisons on the raw columns) run on the same
labelled data (``deflect.linkage.tests.labelled``) in the same run, each in its own process so
that its peak memory is its own. Each is timed from the prepared rows to the clusters: training
(u by random sampling, m by EM), scoring the blocked pairs, clustering the links at 0.95. Both
clusterings are scored against the truth (pairwise F1). Goal: the tuned F1 at least 0.05 above
the untuned one, in no more than 1.5 times its time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import DEFAULT_OUTPUT, machine_table, write_section  # noqa: E402

FULL = (100_000, 200_000)
QUICK = (2_000, 4_000)
LINK = 0.95
F1_GAIN, TIME_RATIO = 0.05, 1.5


def child(configuration: str, people: int, records: int) -> dict:
    """One configuration, measured in this process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from deflect.linkage import engine, features
    from deflect.linkage.evaluation import pairwise_scores
    from deflect.linkage.tests.labelled import generate

    data = generate(people=people, records=records)
    tuned = configuration == "tuned"
    prepare = features.prepare if tuned else engine.raw_row
    start = time.perf_counter()
    rows = [prepare(p, f"p{p['id']}") for p in data.people]
    rows += [prepare(r, f"r{r['id']}") for r in data.records]
    result = engine.predict(rows, tuned=tuned, threshold=0.5, max_pairs=1e7)
    links = [(p.left, p.right) for p in result.pairs if p.probability >= LINK]
    clusters = engine.clusters([r["unique_id"] for r in rows], links)
    seconds = time.perf_counter() - start
    record_id = {(r["source"], r["source_record_id"]): r["id"] for r in data.records}
    truth = [
        (f"p{sid}" if source == "deflect" else f"r{record_id[(source, sid)]}", entity)
        for source, sid, entity in data.truth
    ]
    scores = pairwise_scores(truth, clusters.items())
    return {
        "configuration": configuration,
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "pairs": len(result.pairs),
    }


def run(configuration: str, people: int, records: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.suites.linkage", "--child", configuration]
    command += ["--people", str(people), "--records", str(records)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 people, 4,000 records")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--people", type=int)
    parser.add_argument("--records", type=int)
    parser.add_argument("--child", choices=["tuned", "untuned"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    people, records = QUICK if args.quick else FULL
    people, records = args.people or people, args.records or records
    if args.child:
        print(json.dumps(child(args.child, people, records)))
        return 0
    tuned, untuned = run("tuned", people, records), run("untuned", people, records)
    gain = tuned["f1"] - untuned["f1"]
    ratio = tuned["seconds"] / untuned["seconds"]
    met = gain >= F1_GAIN and ratio <= TIME_RATIO
    lines = [
        "## Record linkage (Splink on DuckDB)",
        "",
        f"{records:,} outside records against {people:,} people (the labelled set of "
        "`deflect.linkage.tests.labelled`), from prepared rows to clusters at 0.95.",
        "",
        "| configuration | wall time | peak memory | precision | recall | F1 | pairs scored |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in (tuned, untuned):
        lines.append(
            f"| {r['configuration']} | {r['seconds']:.1f} s | {r['peak_mib']:.0f} MiB | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['pairs']:,} |"
        )
    lines += [
        "",
        f"F1 gain {gain:+.4f} (goal ≥ +{F1_GAIN}), time ratio {ratio:.2f}× (goal ≤ {TIME_RATIO}×): "
        f"{'met' if met else 'NOT met'}.",
    ]
    if (people, records) != FULL:
        lines.append("")
        lines.append("A smaller try than the benchmark's full size (100,000 / 200,000).")
    text = "\n".join(lines) + "\n\nMachine:\n\n" + "\n".join(machine_table()) + "\n"
    write_section("linkage", text, args.output)
    print(text)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
