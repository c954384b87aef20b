#!/usr/bin/env python3
"""Type-check deflect with mypy: zero errors, apart from those still listed in the baseline.

    scripts/mypy-check.py            fail on any mypy error that is not in mypy-baseline.txt
    scripts/mypy-check.py --update   shrink the baseline after errors were fixed (never adds;
                                     deletes the file once it is empty)

The target is no baseline at all: without mypy-baseline.txt every mypy error fails the check. The
file only lists the errors of modules not yet fixed, and may only shrink.

Each error is normalized to ``path: [code] message`` without line numbers, so that moving code
does not churn the baseline. The baseline is a sorted multiset: an error that occurs twice in a
file is listed twice, and fixing one of them shrinks the baseline by one line.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
TARGETS = ["deflect", "config"]
# Messages that cite another line ("already defined on line 12") would churn with every edit above.
LINE_REFERENCE = re.compile(r"\bline \d+")


def run_mypy() -> Counter[str]:
    """Run mypy and return the normalized errors with their counts."""
    completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "mypy",
            "--output",
            "json",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *TARGETS,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # 0: clean, 1: type errors found; anything else is a crash or a bad configuration.
    if completed.returncode not in (0, 1):
        sys.stderr.write(completed.stdout + completed.stderr)
        sys.exit(f"mypy failed to run (exit status {completed.returncode})")
    errors: Counter[str] = Counter()
    for raw in completed.stdout.splitlines():
        if not raw.startswith("{"):
            continue
        item = json.loads(raw)
        if item.get("severity") != "error":
            continue
        message = LINE_REFERENCE.sub("line N", item["message"])
        errors[f"{item['file']}: [{item.get('code') or 'misc'}] {message}"] += 1
    return errors


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line.strip())


def write_baseline(errors: Counter[str]) -> None:
    lines = sorted(errors.elements())
    if not lines:
        BASELINE.unlink(missing_ok=True)
        return
    BASELINE.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--update",
        action="store_true",
        help="shrink mypy-baseline.txt to the current errors; refuses to add entries",
    )
    args = parser.parse_args(argv)

    current = run_mypy()
    baseline = read_baseline()
    new = current - baseline
    gone = baseline - current
    total = sum(current.values())

    if new:
        print(f"mypy: {sum(new.values())} error(s):")
        for line in sorted(new.elements()):
            print(f"  {line}")
        print("Fix them; the baseline never takes new entries.")
        if args.update:
            print("Refusing to --update: the baseline may only shrink.")
        return 1

    if args.update:
        write_baseline(current)
        if total:
            print(
                f"mypy: {BASELINE.name} shrunk to {total} entries ({sum(gone.values())} removed)."
            )
        else:
            print(f"mypy: no errors; {BASELINE.name} deleted.")
        return 0

    if gone:
        # A stale entry would let its error come back unnoticed.
        print(
            f"mypy: {sum(gone.values())} baseline entries are fixed; "
            f"run `scripts/mypy-check.py --update` to shrink {BASELINE.name}."
        )
        return 1
    if total:
        print(f"mypy: no new errors ({total} left in {BASELINE.name}, to be fixed).")
    else:
        print("mypy: no errors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
