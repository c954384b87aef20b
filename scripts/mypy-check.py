#!/usr/bin/env python3
"""Type-check deflect with mypy: any error fails.

    scripts/mypy-check.py            run mypy on deflect and config; exit 1 on any error

There is no baseline: every mypy error fails the check (and so `make lint` and CI). Fix the
error; where a third-party stub is wrong, use `# type: ignore[code]` with the reason beside it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["deflect", "config"]


def main() -> int:
    completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *TARGETS,
        ],
        cwd=ROOT,
        check=False,
    )
    # 0: clean, 1: type errors found (mypy printed them); anything else is a crash or a bad
    # configuration, which fails too.
    if completed.returncode not in (0, 1):
        print(f"mypy failed to run (exit status {completed.returncode})", file=sys.stderr)
    return 0 if completed.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
