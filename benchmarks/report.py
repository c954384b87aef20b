"""docs/benchmarks.md is made of sections, one per benchmark suite, so that one suite can be
rerun without erasing the others' figures.

A suite writes its section with ``write_section(name, markdown)``; the text between
``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` is replaced (or appended when new). The page
keeps its title, its index of suites, and a machine section written by ``machine_section``.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

How fast deflect is, measured on this machine by `make bench`, which runs every suite below and
rewrites its section of this page. One suite alone: `.venv/bin/python benchmarks/run.py --only
NAME` (`--help` lists the suites and the options for a shorter try).
"""


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def write_section(name: str, markdown: str, output: Path = DEFAULT_OUTPUT) -> None:
    """Replace suite ``name``'s section of ``output`` with ``markdown`` (appended when new)."""
    start, end = _marker(name)
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = output.read_text() if output.exists() else HEADER
    if not text.startswith("# Benchmarks"):
        text = HEADER  # an old single-report page: start over
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text.rstrip() + "\n")


def _read_first(path: str, pattern: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            match = re.match(pattern, line)
            if match:
                return match.group(1).strip()
    except OSError:
        return None
    return None


def machine_facts() -> list[tuple[str, str]]:
    """The machine a run happened on, for every suite's section."""
    memory = _read_first("/proc/meminfo", r"MemTotal:\s+(\d+)")
    return [
        ("CPU", _read_first("/proc/cpuinfo", r"model name\s*:\s*(.*)") or platform.processor()),
        ("Cores", str(os.cpu_count())),
        ("Memory", f"{int(memory) / 1024**2:.1f} GiB" if memory else "unknown"),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("SQLite", sqlite3.sqlite_version),
    ]


def machine_table() -> list[str]:
    return ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in machine_facts())]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]
