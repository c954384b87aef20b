"""What every in-process suite shares: its command line, a fresh migrated database, timing.

A suite module ``benchmarks/suites/NAME.py`` looks like::

    from benchmarks.suites import _django as bench

    def main() -> int:
        args = bench.arguments(__doc__)            # --quick, --output, --database-url
        bench.setup(args)                          # fresh SQLite (or DATABASE_URL), migrated
        ...                                        # load data in bulk, time with bench.timed()
        bench.write("NAME", markdown, args)        # its own section of docs/benchmarks.md
        return 0 if all_targets_met else 1

    if __name__ == "__main__":
        raise SystemExit(main())
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import (  # noqa: E402
    DEFAULT_OUTPUT,
    machine_table,
    percentile,
    write_section,
)


def arguments(doc: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster try")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report file")
    parser.add_argument(
        "--database-url",
        default="",
        help="measure on this database (e.g. PostgreSQL) instead of a fresh SQLite file",
    )
    return parser.parse_args()


def setup(args: argparse.Namespace) -> Path:
    """Point Django at a fresh database in a temporary folder, migrate it, and return the folder."""
    folder = Path(tempfile.mkdtemp(prefix="deflect-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEFLECT_DATA_DIR"] = str(folder)
    os.environ["AUDIT_HMAC_KEY"] = os.environ.get("AUDIT_HMAC_KEY") or "bench-audit-key"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return folder


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.pg_version  # e.g. 150018 for 15.18
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"sqlite {connection.Database.sqlite_version}"


def timed(func: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds per call of ``func``, ``repeat`` times after ``warmup`` uncounted calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return percentile(samples, 0.95)


def p50(samples: list[float]) -> float:
    return percentile(samples, 0.50)


def peak_rss_mib() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write(name: str, markdown: str, args: argparse.Namespace) -> None:
    """Write the suite's section, with the machine it ran on, and echo it."""
    text = f"{markdown.strip()}\n\nMachine:\n\n" + "\n".join(machine_table()) + "\n"
    write_section(name, text, args.output)
    print(text)
