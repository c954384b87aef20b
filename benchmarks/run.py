"""Load benchmark for deflect, run by ``make bench``; writes docs/benchmarks.md.

Two scenarios, each on a fresh SQLite database served the way production runs it (``deflect
serve``: gunicorn, 2 workers, DEBUG off) on 127.0.0.1 and driven with wrk. Every target gets a
warm-up before it is measured, and the server's memory is sampled while it runs.

Suite `http` is measured here; the in-process suites live in `benchmarks/suites/` and
write their own sections of the page (`benchmarks/report.py`).

1. Pages, on the demo county: a bare Django view (the yardstick), the signed-in home page and
   one API read.
2. Encounters at scale, on the demo county grown to 100,000 people (``--people``) with about
   three encounters each: a bare insert (the yardstick), creating an encounter through the API
   and person lookup.
"""

from __future__ import annotations

import argparse
import ast
import http.client
import http.cookiejar
import importlib.metadata
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCRIPTS = ROOT / "benchmarks"
LUA_SCRIPT = SCRIPTS / "report.lua"  # counts errors; the other scripts build on it
POST_SCRIPT = SCRIPTS / "post_encounter.lua"
SEARCH_SCRIPT = SCRIPTS / "person_search.lua"
DEMO_PEOPLE = ROOT / "deflect" / "demo" / "people.py"
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
sys.path.insert(0, str(ROOT))
from benchmarks.report import write_section  # noqa: E402

HOST = "127.0.0.1"
PREFERRED_PORT = 8100
WORKERS = 2
DEMO_PASSWORD = "Deflect-Demo-2026!"
HOME_USER = "coordinator"
API_USER = "officer"
DEFAULT_PEOPLE = 100_000
UUID_SLOT = "@CLIENT_UUID@"  # where post_encounter.lua puts each request's client_uuid
ENCOUNTER_AGE = timedelta(minutes=20)  # occurred_at of the posted encounters, before the run

P95_LIMIT_MS = 50.0  # pages (issue 2)
CREATE_P95_LIMIT_MS = 150.0  # encounter creation at scale
LOOKUP_P95_LIMIT_MS = 200.0  # person lookup at scale
MIN_THROUGHPUT_RATIO = 0.5
MEMORY_INTERVAL = 0.5  # seconds between samples of the server's memory
TIMEOUT_S = 5  # wrk gives up on a response after this long
IDLE_CPU = 0.05  # the server's CPU share below which it has caught up after a target
WIDTH = 100  # line width of the report's paragraphs
BUSY_MACHINE = 0.10  # other programs' share of the CPU above which the run is flagged

# Settings from the caller's environment that would change what is measured.
CLEARED_VARIABLES = (
    "DATABASE_URL",
    "DEFLECT_ENV",
    "DEFLECT_URLCONF",
    "DEFLECT_BIND",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECRET_KEY",
    "AUDIT_HMAC_KEY",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "WEB_WORKERS",
    "LOG_LEVEL",
)

# Rows reported for the scale scenario's database: label, then table names or LIKE patterns.
COUNTED_TABLES = (
    ("People", ("people_person",)),
    ("Encounters", ("encounters_encounter",)),
    ("Pathway details", ("encounters_%detail",)),
    ("Screenings", ("screening_%screening",)),
    ("Audit events", ("audit_auditevent",)),
    ("Bare insert rows", ("bench_insert",)),
)


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    people: int
    output: Path
    suites: tuple[str, ...] = ()
    quick: bool = False


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: tuple[str, ...]
    expect: str  # text a correct response contains (checked once before the load)
    yardstick: bool = False
    short: str = ""  # a yardstick's name in the comparisons
    p95_limit_ms: float | None = None
    min_ratio: float | None = None  # of the yardstick's requests/s
    method: str = "GET"
    status: int = 200  # the status of a correct response
    probe: str | None = None  # the path checked before the load, when not ``path``
    body: str | None = None  # a JSON body with UUID_SLOT where the client_uuid goes
    script: Path = LUA_SCRIPT
    script_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    target: Target
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    timeouts: int = 0  # responses wrk waited longer than TIMEOUT_S for (part of errors)
    unexpected: int = 0  # 2xx responses with another status than the target's (replays)
    other_cpu: float | None = None  # share of the machine's CPU used by anything else
    worker_peak_kib: int = 0  # the largest resident size of one worker while measured
    server_peak_kib: int = 0  # the largest resident size of master and workers together

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Server:
    base: str
    port: int
    pgid: int  # gunicorn's master and workers share this process group


@dataclass(frozen=True)
class CpuSample:
    at: float
    busy: float  # CPU seconds the whole machine has been busy
    server: float
    wrk: float


@dataclass(frozen=True)
class ProcessMemory:
    role: str  # "master" or "worker 1", "worker 2", …
    peak_kib: int  # VmHWM: the largest resident size in the process's life
    final_kib: int  # VmRSS when the scenario ended


@dataclass(frozen=True)
class Scenario:
    results: list[Result]
    memory: list[ProcessMemory]  # gunicorn's processes at the end of the scenario


@dataclass(frozen=True)
class Population:
    people: int  # what --people asked for
    load_seconds: float  # ``deflect demo --people``: migrations, demo county, synthetic people
    loaded: dict[str, int]  # rows once loaded
    final: dict[str, int]  # rows when the scenario ended
    database_bytes: int  # the SQLite file once loaded


@dataclass(frozen=True)
class Check:
    target: str
    goal: str
    measured: str
    passed: bool


@dataclass
class MemoryPeak:
    worker_kib: int = 0
    server_kib: int = 0
    samples: int = 0


@dataclass(frozen=True)
class Outcome:
    pages: Scenario
    scale: Scenario
    population: Population


# --- command line ---------------------------------------------------------------------------


def parse_options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per target (30)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per target (5)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--people",
        type=int,
        default=DEFAULT_PEOPLE,
        help=f"people in the scale scenario's database ({DEFAULT_PEOPLE}); fewer for a quick try",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report file")
    parser.add_argument(
        "--only",
        action="append",
        choices=["http", *suite_names()],
        help="run only this suite (repeatable); default: every suite",
    )
    parser.add_argument(
        "--quick", action="store_true", help="the other suites: a smaller, faster try"
    )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.connections < args.threads:
        parser.error("need --duration >= 1, --warmup >= 0 and --connections >= --threads")
    if args.people < 1:
        parser.error("need --people >= 1")
    return Options(
        args.duration,
        args.warmup,
        args.connections,
        args.threads,
        args.people,
        args.output,
        tuple(args.only or ["http", *suite_names()]),
        args.quick,
    )


def suite_names() -> list[str]:
    """The in-process suites: ``benchmarks/suites/NAME.py``, each run as
    ``python -m benchmarks.suites.NAME [--quick] [--output FILE]``, writing its own section."""
    folder = SCRIPTS / "suites"
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))


def run_suite(name: str, options: Options) -> int:
    command = [sys.executable, "-m", f"benchmarks.suites.{name}", "--output", str(options.output)]
    if options.quick:
        command.append("--quick")
    print(f"\n== suite {name}", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


# --- wrk ------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The path of wrk, installed from the distribution's packages when missing and root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BenchError(
            "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y wrk) "
            "and run make bench again."
        )
    print("Installing wrk with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("apt-get could not install wrk; install it by hand and run again.")
    return found


def wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk (?:debian/)?(\S+)", completed.stdout + completed.stderr)
    return match.group(1) if match else "unknown"


def run_wrk(wrk: str, base: str, target: Target, seconds: int, options: Options) -> Result:
    command = [
        wrk,
        f"--threads={options.threads}",
        f"--connections={options.connections}",
        f"--duration={seconds}s",
        f"--timeout={TIMEOUT_S}s",
        f"--script={target.script}",
    ]
    for header in target.headers:
        command += ["--header", header]
    # The scripts' arguments: a new run id for every wrk run (so that client_uuids never repeat
    # between the warm-up and the measurement), then the target's own.
    command += [base + target.path, "--", secrets.token_hex(4), *target.script_args]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish on {target.path}") from None
    if completed.returncode != 0:
        raise BenchError(f"wrk failed on {target.path}:\n{completed.stderr or completed.stdout}")
    return parse_wrk(target, completed.stdout)


def parse_wrk(target: Target, output: str) -> Result:
    line = next((ln for ln in output.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result line:\n{output}")
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
    errors = sum(figures[key] for key in ("not_2xx", "connect", "read", "write", "timeout"))
    return Result(
        target=target,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors=errors,
        timeouts=figures["timeout"],
        unexpected=figures.get("unexpected", 0),
    )


def latency(result: Result, percentile: int) -> tuple[float, bool]:
    """A latency percentile in ms and whether it is only a lower bound.

    wrk leaves responses slower than its timeout out of its histogram and counts them as
    timeouts instead, so when more of them timed out than the percentile leaves above it, the
    percentile is at least the timeout (and when none answered in time, there is no histogram).
    """
    value = {50: result.p50_ms, 95: result.p95_ms, 99: result.p99_ms}[percentile]
    late = result.timeouts / result.requests if result.requests else 1.0
    if late > 1 - percentile / 100 or value == 0:
        return TIMEOUT_S * 1000.0, True
    return value, False


def latency_text(result: Result, percentile: int) -> str:
    value, lower_bound = latency(result, percentile)
    return f"over {TIMEOUT_S} s" if lower_bound else f"{value:.1f} ms"


# --- the application under test -------------------------------------------------------------


def settings_module() -> str:
    return os.environ.get("DJANGO_SETTINGS_MODULE") or "config.settings"


def clean_environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module(),
        # ``deflect`` is a console script, so the checkout is not on sys.path by itself.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        DEFLECT_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        AUDIT_HMAC_KEY=secrets.token_urlsafe(30),  # 40 characters
    )
    return env


def production_environment(env: dict[str, str]) -> dict[str, str]:
    """Production mode, but plain HTTP on loopback (no TLS redirect, no Secure cookies)."""
    return {
        **env,
        "DEFLECT_ENV": "production",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DEFLECT_URLCONF": "benchmarks.bench_urls",
    }


def deflect(env: dict[str, str], *args: str) -> str:
    try:
        completed = subprocess.run(
            [str(BIN / "deflect"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"deflect {' '.join(args)} did not finish in 10 minutes") from None
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip()
        raise BenchError(f"deflect {' '.join(args)} failed:\n{output}")
    return completed.stdout


def load_demo(env: dict[str, str], people: int | None = None) -> str:
    """Migrate, load the demo county (refused in production mode) and return an API token.

    The loader's writes are flushed to disk before the server starts, so that the kernel's
    write-back of a freshly loaded database does not run during the measurements."""
    deflect(env, "demo", *(["--people", str(people)] if people is not None else []))
    lines = deflect(env, "token", "create", API_USER, "--name", "benchmark").strip().splitlines()
    if not lines or not lines[-1].startswith("dfl_"):
        raise BenchError("deflect token create printed no token.")
    os.sync()
    return lines[-1].strip()


def database_file(data_dir: Path) -> Path:
    return data_dir / "deflect.sqlite3"  # the settings' default under DEFLECT_DATA_DIR


def row_counts(database: Path) -> dict[str, int]:
    """Rows per COUNTED_TABLES label, read with a separate connection (WAL lets it)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
        counts = {}
        for label, patterns in COUNTED_TABLES:
            names = [
                name
                for name in tables
                for pattern in patterns
                if re.fullmatch(pattern.replace("%", ".*"), name)
            ]
            counts[label] = sum(
                connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
            )
        return counts
    finally:
        connection.close()


def known_person(database: Path) -> tuple[str, str]:
    """The first and last name of the newest synthetic person."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        row = connection.execute(
            "SELECT first_name, last_name FROM people_person "
            "WHERE first_name <> '' AND last_name <> '' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        raise BenchError("the scale scenario's database holds no named person")
    return row[0], row[1]


def free_port() -> int:
    for port in (PREFERRED_PORT, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise BenchError("no free TCP port on 127.0.0.1")


@contextmanager
def running_server(env: dict[str, str], port: int, log_path: Path) -> Iterator[Server]:
    """``deflect serve`` (collectstatic, then gunicorn) for the duration of the block."""
    command = [
        str(BIN / "deflect"),
        "serve",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_serving(server, port, log_path)
        yield Server(f"http://{HOST}:{port}", port, server.pid)
    except OSError as error:  # urllib and http.client errors while talking to the server
        raise BenchError(f"{error}\nserver log:\n{tail(log_path)}") from error
    finally:
        stop_server(server)


def wait_until_serving(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server exited early:\n{tail(log_path)}")
        try:
            status, _ = http_request(port, "GET", "/bench/bare/", ())
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise BenchError(f"the bare view answered {status}:\n{tail(log_path)}")
    raise BenchError(f"the server did not start within 60 s:\n{tail(log_path)}")


def stop_server(server: subprocess.Popen) -> None:
    """Graceful stop of the gunicorn master; the whole process group is killed if it hangs."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the server's processes: CPU and memory from /proc ------------------------------------


def group_stats(pgid: int) -> Iterator[tuple[int, list[str]]]:
    """(pid, fields of /proc/<pid>/stat from field 3 on) of each live process in the group."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process has gone
            continue
        fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
        if int(fields[2]) == pgid:  # field 5: process group
            yield int(stat.parent.name), fields


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs have spent not idle since boot (Linux /proc/stat)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used so far by the live processes of one process group."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in group_stats(pgid))
    return ticks / os.sysconf("SC_CLK_TCK")  # fields 14, 15: utime, stime


def cpu_sample(pgid: int) -> CpuSample | None:
    try:
        busy = machine_busy_seconds()
        server = group_cpu_seconds(pgid)
    except (OSError, ValueError, IndexError):
        return None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    return CpuSample(time.monotonic(), busy, server, children.ru_utime + children.ru_stime)


def other_cpu_share(before: CpuSample | None, after: CpuSample | None) -> float | None:
    """The share of the machine's CPU used by neither the server nor wrk between two samples."""
    if before is None or after is None or after.at <= before.at:
        return None
    ours = (after.server - before.server) + (after.wrk - before.wrk)
    others = (after.busy - before.busy) - ours
    return max(0.0, others) / ((after.at - before.at) * (os.cpu_count() or 1))


def wait_until_idle(pgid: int, limit: float = 120) -> None:
    """Wait until the server has answered what a target left queued (requests that wrk gave up
    on are still served), so that the next target starts on an idle server."""
    deadline = time.monotonic() + limit
    last = group_cpu_seconds(pgid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = group_cpu_seconds(pgid)
        if now - last < IDLE_CPU:
            return
        last = now
    print(f"  (the server was still busy {limit:.0f} s after the load stopped; going on)")


def process_memory(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) of a process in KiB, from /proc/<pid>/status; None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE))
    if len(values) != 2:
        return None
    return int(values["VmRSS"]), int(values["VmHWM"])


def group_memory(pgid: int) -> dict[int, tuple[int, int]]:
    """(VmRSS, VmHWM) per pid of the group; the master's pid is the group's id."""
    memory = {}
    for pid, _ in group_stats(pgid):
        figures = process_memory(pid)
        if figures is not None:
            memory[pid] = figures
    return memory


@contextmanager
def sampling_memory(pgid: int) -> Iterator[MemoryPeak]:
    """Samples the group's resident memory every MEMORY_INTERVAL s while the block runs."""
    peak = MemoryPeak()
    stop = threading.Event()

    def sample() -> None:
        try:
            memory = group_memory(pgid)
        except (OSError, ValueError, IndexError):
            return
        workers = [rss for pid, (rss, _) in memory.items() if pid != pgid]
        peak.worker_kib = max(peak.worker_kib, *workers, 0)
        peak.server_kib = max(peak.server_kib, sum(rss for rss, _ in memory.values()))
        peak.samples += 1

    def loop() -> None:
        sample()
        while not stop.wait(MEMORY_INTERVAL):
            sample()
        sample()

    sampler = threading.Thread(target=loop, name="memory-sampler", daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def server_memory(pgid: int) -> list[ProcessMemory]:
    memory = group_memory(pgid)
    processes = []
    if pgid in memory:
        rss, hwm = memory.pop(pgid)
        processes.append(ProcessMemory("master", hwm, rss))
    for number, pid in enumerate(sorted(memory), 1):
        rss, hwm = memory[pid]
        processes.append(ProcessMemory(f"worker {number}", hwm, rss))
    return processes


# --- HTTP helpers ---------------------------------------------------------------------------


def http_request(
    port: int, method: str, path: str, headers: tuple[str, ...], body: str | None = None
) -> tuple[int, str]:
    """One request without following redirects, so a redirect to the login page shows."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        fields = dict(header.split(": ", 1) for header in headers)
        connection.request(method, path, body=body.encode() if body else None, headers=fields)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def sign_in(base: str, username: str) -> str:
    """Sign in through the real login form and return the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/", timeout=10).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise BenchError("the login page has no CSRF token")
    form = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": DEMO_PASSWORD}
    data = urllib.parse.urlencode(form).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data=data), timeout=10).read()
    session = next((cookie.value for cookie in jar if cookie.name == "sessionid"), None)
    if session is None:
        raise BenchError(f"signing in as {username!r} gave no session cookie")
    return session


def verify(port: int, target: Target) -> None:
    """One request as wrk will send it, checked for its status and content."""
    path = target.probe or target.path
    body = target.body.replace(UUID_SLOT, str(uuid.uuid4())) if target.body else None
    status, text = http_request(port, target.method, path, target.headers, body)
    if status != target.status or target.expect not in text:
        raise BenchError(
            f"{target.method} {path} answered {status} without {target.expect!r}:\n{text[:500]}"
        )


# --- the targets ----------------------------------------------------------------------------


def page_targets(session: str, token: str) -> list[Target]:
    return [
        Target("Bare Django view", "/bench/bare/", (), "ok", yardstick=True, short="bare view"),
        Target(
            f"Home page (signed in as {HOME_USER})",
            "/",
            (f"Cookie: sessionid={session}",),
            "Your roles",
            p95_limit_ms=P95_LIMIT_MS,
            min_ratio=MIN_THROUGHPUT_RATIO,
        ),
        Target(
            f"API read: GET /api/v1/programs ({API_USER}'s token)",
            "/api/v1/programs",
            (f"Authorization: Bearer {token}",),
            '"pathways"',
            p95_limit_ms=P95_LIMIT_MS,
            min_ratio=MIN_THROUGHPUT_RATIO,
        ),
    ]


def encounter_body(now: datetime) -> str:
    """A valid submission (a first-responder referral of an unidentified person), in JSON with
    UUID_SLOT for the client_uuid. The time is fixed when the run starts: within the last
    year and not in the future for as long as the run takes."""
    occurred = (now - ENCOUNTER_AGE).replace(microsecond=0)
    return json.dumps(
        {
            "client_uuid": UUID_SLOT,
            "pathway": "first_responder_referral",
            "occurred_at": occurred.isoformat(),
            "location_text": "400 block of Main St",
            "latitude": "39.290400",
            "longitude": "-76.612200",
            "unidentified_description": "Adult man in a grey hoodie, at the bus shelter",
            "circumstance": "Met on patrol.",
            "outcome": "referred",
            "first_responder_referral": {
                "context": "patrol",
                "offered": ["treatment", "case_manager"],
            },
        }
    )


def demo_names() -> tuple[list[str], list[str]]:
    """FIRST_NAMES and LAST_NAMES of deflect/demo/people.py, read without Django."""
    found: dict[str, list[str]] = {}
    for node in ast.parse(DEMO_PEOPLE.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = getattr(node.targets[0], "id", None)
            if name in ("FIRST_NAMES", "LAST_NAMES"):
                found[name] = ast.literal_eval(node.value)
    if set(found) != {"FIRST_NAMES", "LAST_NAMES"} or not all(found.values()):
        raise BenchError(f"no FIRST_NAMES and LAST_NAMES lists in {DEMO_PEOPLE}")
    if any("," in name for names in found.values() for name in names):
        raise BenchError("a demo name contains a comma, which person_search.lua splits on")
    return found["FIRST_NAMES"], found["LAST_NAMES"]


def scale_targets(token: str, now: datetime, known: tuple[str, str]) -> list[Target]:
    """The scale scenario's targets; ``known`` is the name of a person in the database, whom
    the lookup's check before the load must find."""
    auth = f"Authorization: Bearer {token}"
    body = encounter_body(now)
    head, tail_ = body.split(UUID_SLOT)
    posting = {
        "method": "POST",
        "status": 201,
        "body": body,
        "script": POST_SCRIPT,
        "script_args": (head, tail_),
    }
    firsts, lasts = demo_names()
    today = now.date()
    return [
        Target(
            "Bare insert: POST /bench/insert/",
            "/bench/insert/",
            ("Content-Type: application/json",),
            "created",
            yardstick=True,
            short="bare insert",
            **posting,
        ),
        Target(
            f"Encounter create: POST /api/v1/encounters ({API_USER}'s token)",
            "/api/v1/encounters",
            (auth, "Content-Type: application/json"),
            '"client_uuid"',
            p95_limit_ms=CREATE_P95_LIMIT_MS,
            min_ratio=MIN_THROUGHPUT_RATIO,
            **posting,
        ),
        Target(
            f"Person lookup: GET /api/v1/people/search ({API_USER}'s token)",
            "/api/v1/people/search",
            (auth,),
            '"score"',
            p95_limit_ms=LOOKUP_P95_LIMIT_MS,
            probe="/api/v1/people/search?"
            + urllib.parse.urlencode({"first_name": known[0], "last_name": known[1]}),
            script=SEARCH_SCRIPT,
            script_args=(
                ",".join(firsts),
                ",".join(lasts),
                str(today.year - 70),
                str(today.year - 18),
            ),
        ),
    ]


# --- the run --------------------------------------------------------------------------------


def measure(wrk: str, server: Server, targets: list[Target], options: Options) -> list[Result]:
    results = []
    for target in targets:
        print(f"  {target.name}: ", end="", flush=True)
        with sampling_memory(server.pgid) as memory:
            if options.warmup:
                run_wrk(wrk, server.base, target, options.warmup, options)
            before = cpu_sample(server.pgid)
            result = run_wrk(wrk, server.base, target, options.duration, options)
            after = cpu_sample(server.pgid)
        result = replace(
            result,
            other_cpu=other_cpu_share(before, after),
            worker_peak_kib=memory.worker_kib,
            server_peak_kib=memory.server_kib,
        )
        replays = f", {result.unexpected} unexpected 2xx" if result.unexpected else ""
        print(
            f"{result.rps:,.0f} req/s, p95 {latency_text(result, 95)}, {result.errors} errors"
            f"{replays}, largest worker {mib(result.worker_peak_kib)}"
        )
        results.append(result)
        wait_until_idle(server.pgid)
    return results


def serve_and_measure(
    wrk: str, env: dict[str, str], data_dir: Path, options: Options, targets_for
) -> Scenario:
    """Start the server on ``data_dir``'s database, check every target once, measure them."""
    port = free_port()
    print(f"Starting deflect serve (gunicorn, {WORKERS} workers) on {HOST}:{port} …")
    with running_server(production_environment(env), port, data_dir / "server.log") as server:
        targets = targets_for(server)
        for target in targets:
            verify(port, target)
        print(
            f"Measuring {options.duration} s per target after a {options.warmup} s warm-up "
            f"({options.connections} connections, {options.threads} wrk threads):"
        )
        results = measure(wrk, server, targets, options)
        return Scenario(results, server_memory(server.pgid))


def run_pages(options: Options, wrk: str) -> Scenario:
    with tempfile.TemporaryDirectory(prefix="deflect-bench-") as folder:
        data_dir = Path(folder)
        env = clean_environment(data_dir)
        print(f"Pages: fresh SQLite database in {data_dir}; loading the demo county …", flush=True)
        token = load_demo(env)
        return serve_and_measure(
            wrk,
            env,
            data_dir,
            options,
            lambda server: page_targets(sign_in(server.base, HOME_USER), token),
        )


def run_scale(options: Options, wrk: str) -> tuple[Scenario, Population]:
    with tempfile.TemporaryDirectory(prefix="deflect-bench-") as folder:
        data_dir = Path(folder)
        env = clean_environment(data_dir)
        print(
            f"Encounters at scale: fresh SQLite database in {data_dir}; loading the demo county "
            f"with {options.people:,} people …",
            flush=True,
        )
        started = time.monotonic()
        token = load_demo(env, people=options.people)
        load_seconds = time.monotonic() - started
        database = database_file(data_dir)
        loaded = row_counts(database)
        size = database.stat().st_size
        print(
            f"  loaded in {load_seconds:.0f} s: {loaded['People']:,} people, "
            f"{loaded['Encounters']:,} encounters, {size / 1024**2:,.0f} MiB"
        )
        now, known = datetime.now(UTC), known_person(database)
        scenario = serve_and_measure(
            wrk, env, data_dir, options, lambda server: scale_targets(token, now, known)
        )
        final = row_counts(database)
        return scenario, Population(options.people, load_seconds, loaded, final, size)


def run(options: Options, wrk: str) -> Outcome:
    pages = run_pages(options, wrk)
    scale, population = run_scale(options, wrk)
    return Outcome(pages, scale, population)


# --- evaluation and report ------------------------------------------------------------------


def evaluate(results: list[Result]) -> list[Check]:
    yardstick = next(result for result in results if result.target.yardstick)
    checks = []
    for result in results:
        target = result.target
        if target.yardstick:
            continue
        name = target.name
        if target.p95_limit_ms is not None:
            p95, lower_bound = latency(result, 95)
            checks.append(
                Check(
                    name,
                    f"p95 under {target.p95_limit_ms:.0f} ms",
                    latency_text(result, 95),
                    p95 < target.p95_limit_ms and not lower_bound,
                )
            )
        checks.append(Check(name, "zero errors", str(result.errors), result.errors == 0))
        if target.method == "POST":
            checks.append(
                Check(
                    name,
                    f"every request answered {target.status} (no replays)",
                    f"{result.unexpected} other 2xx",
                    result.unexpected == 0,
                )
            )
        if target.min_ratio is not None:
            ratio = result.rps / yardstick.rps if yardstick.rps else 0.0
            checks.append(
                Check(
                    name,
                    f"at least {target.min_ratio:.0%} of the {yardstick_label(results)}'s "
                    "requests/s",
                    f"{ratio:.0%}",
                    ratio >= target.min_ratio,
                )
            )
    return checks


def yardstick_label(results: list[Result]) -> str:
    target = next(result for result in results if result.target.yardstick).target
    return target.short or target.name


def read_first(path: str, pattern: str) -> str | None:
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1).strip() if match else None


def machine(wrk: str) -> list[tuple[str, str]]:
    cpu = read_first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor()
    mem_kb = read_first("/proc/meminfo", r"^MemTotal:\s*(\d+) kB")
    memory = f"{int(mem_kb) / 1024**2:.1f} GiB" if mem_kb else "unknown"
    os_name = read_first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]+)"?$') or platform.system()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    packages = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("Django", "django-ninja", "gunicorn")
    )
    return [
        ("CPU", cpu or "unknown"),
        ("Cores", f"{os.cpu_count()} logical CPUs ({usable} usable by the benchmark)"),
        ("Memory", memory),
        ("OS", f"{os_name}, Linux {platform.release()} ({platform.machine()})"),
        ("Python", platform.python_version()),
        ("Packages", packages),
        ("SQLite", sqlite3.sqlite_version),
        ("Load generator", f"wrk {wrk_version(wrk)}, on the same machine"),
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB" if kib else "n/a"


def contention_warning(results: list[Result]) -> str | None:
    worst = max((r.other_cpu for r in results if r.other_cpu is not None), default=None)
    if worst is None or worst <= BUSY_MACHINE:
        return None
    return (
        f"Warning: other programs took up to {worst:.0%} of the machine's CPU during this "
        "run, so these figures are lower than the machine can do; rerun on a quiet machine."
    )


def results_table(results: list[Result]) -> list[str]:
    yardstick = next(result for result in results if result.target.yardstick)
    rows = [
        f"| Target | Requests/s | vs {yardstick_label(results)} | p50 | p95 | p99 | Errors "
        "| Largest worker | Server | Other CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        ratio = r.rps / yardstick.rps if yardstick.rps else 0.0
        rows.append(
            f"| {r.target.name} | {r.rps:,.0f} | {ratio:.0%} "
            + "".join(f"| {latency_text(r, percentile)} " for percentile in (50, 95, 99))
            + f"| {r.errors} | {mib(r.worker_peak_kib)} | {mib(r.server_peak_kib)} "
            f"| {share(r.other_cpu)} |"
        )
    return rows


def checks_table(checks: list[Check]) -> list[str]:
    rows = ["| Target | Goal | Measured | Result |", "|---|---|--:|---|"]
    for check in checks:
        verdict = "pass" if check.passed else "**FAIL**"
        rows.append(f"| {check.target} | {check.goal} | {check.measured} | {verdict} |")
    return rows


def verdict(checks: list[Check]) -> str:
    passed = all(check.passed for check in checks)
    return f"Overall: **{'all targets met' if passed else 'targets missed'}**."


def memory_table(memory: list[ProcessMemory]) -> list[str]:
    rows = [
        "| Process | Peak resident memory (VmHWM) | Resident at the end (VmRSS) |",
        "|---|--:|--:|",
    ]
    rows += [f"| {p.role} | {mib(p.peak_kib)} | {mib(p.final_kib)} |" for p in memory]
    rows.append(
        f"| all together | {mib(sum(p.peak_kib for p in memory))} "
        f"| {mib(sum(p.final_kib for p in memory))} |"
    )
    return rows


def population_table(population: Population) -> list[str]:
    rows = ["| Rows | Once loaded | When the run ended |", "|---|--:|--:|"]
    for label, _ in COUNTED_TABLES:
        loaded, final = population.loaded.get(label, 0), population.final.get(label, 0)
        rows.append(f"| {label} | {loaded:,} | {final:,} |")
    return rows


def paragraph(text: str, bullet: bool = False) -> str:
    if bullet:
        return textwrap.fill(
            text, WIDTH, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False
        )
    return textwrap.fill(text, WIDTH, break_on_hyphens=False)


def settings_note() -> list[str]:
    module = settings_module()
    if module == "config.settings":
        return []
    return [paragraph(f"Settings: `{module}`, not the product's `config.settings`."), ""]


def method(options: Options) -> list[str]:
    return [
        paragraph(
            f"Each scenario starts `deflect serve` (gunicorn, {WORKERS} sync workers, "
            "`DEFLECT_ENV=production`, DEBUG off, access log on) on 127.0.0.1 with its own "
            "fresh SQLite database and measures its targets on that one server. Each target "
            f"gets {options.connections} concurrent connections from wrk ({options.threads} "
            f"threads) for {options.duration} s, after a {options.warmup} s warm-up that is not "
            "counted. gunicorn's sync workers close the connection after each response, so every "
            "request opens a new TCP connection. The load generator runs on the same machine as "
            "the server and takes CPU from it. Each scenario has a yardstick: the cheapest "
            "request of its kind through the same server and middleware, so that the throughput "
            "ratio shows what the real work costs on top of them."
        ),
        "",
        paragraph(
            "An error is any response that is not 2xx (a redirect from a signed-in page "
            "would mean the session was lost) and any socket error or timeout "
            f"({TIMEOUT_S} s). wrk leaves timed-out requests out of its latencies, so a "
            f"percentile shown as *over {TIMEOUT_S} s* is one that more requests timed out "
            "than it leaves above it. After each target the benchmark waits until the server "
            "has caught up with the requests wrk gave up on, so the next starts idle. Other "
            "CPU is the share of the machine's CPU time that went neither to the server nor "
            "to wrk while a target was measured (other programs and the kernel's share of "
            "loopback networking); more than a few percent means something else competed for "
            "the CPU and the figures are lower than the machine can do."
        ),
        "",
        paragraph(
            "Memory is the server's resident set size (RSS) from `/proc/<pid>/status`, sampled "
            f"every {MEMORY_INTERVAL:g} s during a target's warm-up and measurement: *Largest "
            "worker* is the most one worker held, *Server* the most the master and the workers "
            "held together (pages the processes share count once per process, so this is an "
            "upper bound). Each scenario also lists every process's peak (VmHWM) over the "
            "server's whole life."
        ),
        "",
        *settings_note(),
    ]


def pages_method() -> list[str]:
    return [
        paragraph("On the demo county as `deflect demo` loads it:"),
        "",
        paragraph(
            "**Bare Django view**: a view that returns `ok` through the full middleware "
            "stack, without the database or a template. It exists only in the benchmark's "
            "URL configuration (`benchmarks/bench_urls.py`) and is the yardstick.",
            bullet=True,
        ),
        paragraph(
            f"**Home page**: `GET /` for the demo `{HOME_USER}`, with a session from a real "
            "sign-in through the login form.",
            bullet=True,
        ),
        paragraph(
            f"**API read**: `GET /api/v1/programs` with an API token of the demo "
            f"`{API_USER}` (`Authorization: Bearer …`).",
            bullet=True,
        ),
        "",
    ]


def scale_method(population: Population, options: Options) -> list[str]:
    minutes = int(ENCOUNTER_AGE.total_seconds() // 60)
    return [
        paragraph(
            "The encounters issue asks: with 100,000 people and 300,000 encounters in SQLite, "
            f"creating an encounter through the API under {options.connections} concurrent "
            f"clients has a p95 under {CREATE_P95_LIMIT_MS:.0f} ms, no errors and at least "
            f"{MIN_THROUGHPUT_RATIO:.0%} of the throughput of a bare insert in the same run; "
            f"person lookup has a p95 under {LOOKUP_P95_LIMIT_MS:.0f} ms; the server's peak "
            "memory is reported."
        ),
        "",
        paragraph(
            f"The database is the demo county grown with `deflect demo --people "
            f"{population.people}` (synthetic people with about three encounters each, "
            "`deflect/demo/people.py`), loaded once per run before the server starts. "
            "The targets, in this order, on one server:"
        ),
        "",
        paragraph(
            "**Bare insert**: `POST /bench/insert/` with the same JSON body as the encounter "
            "below, through the full middleware stack, writing the body as one row of a "
            "benchmark-only table (`bench_insert`) in its own transaction and answering 201. "
            "It exists only in `benchmarks/bench_urls.py` and is the yardstick.",
            bullet=True,
        ),
        paragraph(
            f"**Encounter create**: `POST /api/v1/encounters` with the demo `{API_USER}`'s API "
            "token: a first-responder referral of an unidentified person, which occurred "
            f"{minutes} minutes before the run started. Every request carries its own "
            "`client_uuid` (`benchmarks/post_encounter.lua`), so each one records a new "
            "encounter, a new person, the pathway details and their audit events. A 2xx other than "
            "201 (200: a replay of an earlier submission) would mean a repeated `client_uuid`.",
            bullet=True,
        ),
        paragraph(
            f"**Person lookup**: `GET /api/v1/people/search` with the `{API_USER}`'s token and "
            "a different query every request, drawn from the names of the synthetic people "
            "(`benchmarks/person_search.lua`): the exact name, the name with one typo, the name "
            "and a date of birth, first and last name swapped, the last name and a phone "
            "number. Each search writes an audit event.",
            bullet=True,
        ),
        "",
    ]


def population_facts(population: Population) -> list[str]:
    return [
        paragraph(
            f"`deflect demo --people {population.people}` (migrations, the demo county, then "
            f"the synthetic people and their encounters) took {population.load_seconds:.0f} s; "
            f"the SQLite file then held {population.database_bytes / 1024**2:,.0f} MiB. Rows:"
        ),
        "",
        *population_table(population),
        "",
    ]


def report(outcome: Outcome, facts: list[tuple[str, str]], options: Options) -> str:
    pages, scale, population = outcome.pages, outcome.scale, outcome.population
    page_checks, scale_checks = evaluate(pages.results), evaluate(scale.results)
    warning = contention_warning(pages.results + scale.results)
    lines = [
        "## HTTP under load (suite `http`)",
        "",
        paragraph(
            "How fast deflect answers under load, measured the way production runs it "
            f"(about six minutes, two of them loading {DEFAULT_PEOPLE:,} people). A shorter "
            "try, with fewer people, can write elsewhere: `.venv/bin/python benchmarks/run.py "
            "--only http --duration 5 --people 2000 --output /tmp/bench.md`."
        ),
        "",
        "### How it is measured",
        "",
        *method(options),
        *([f"**{paragraph(warning)}**", ""] if warning else []),
        "### Pages on the demo county",
        "",
        *pages_method(),
        "#### Results",
        "",
        *results_table(pages.results),
        "",
        "#### Targets",
        "",
        verdict(page_checks),
        "",
        *checks_table(page_checks),
        "",
        "#### Server memory",
        "",
        *memory_table(pages.memory),
        "",
        paragraph(
            "This scenario signs in once through the login form before the load: Argon2 "
            "password hashing (Django's default memory cost of 100 MiB) shows in the peak of "
            "the worker that answered it. The scale scenario uses API tokens only."
        ),
        "",
        f"### Encounters at scale ({population.loaded.get('People', 0):,} people)",
        "",
        *scale_method(population, options),
        "#### Database",
        "",
        *population_facts(population),
        "#### Results",
        "",
        *results_table(scale.results),
        "",
        "#### Targets",
        "",
        verdict(scale_checks),
        "",
        *checks_table(scale_checks),
        "",
        "#### Server memory",
        "",
        *memory_table(scale.memory),
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in facts),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    failed = 0
    if "http" in options.suites:
        failed += run_http(options)
    for name in suite_names():
        if name in options.suites:
            failed += 1 if run_suite(name, options) else 0
    print(f"\nWritten to {options.output}")
    return 1 if failed else 0


def run_http(options: Options) -> int:
    try:
        wrk = ensure_wrk()
        outcome = run(options, wrk)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    checks = evaluate(outcome.pages.results) + evaluate(outcome.scale.results)
    facts = machine(wrk)
    write_section("http", report(outcome, facts, options), options.output)
    for scenario in (outcome.pages, outcome.scale):
        print()
        print("\n".join(results_table(scenario.results)))
    print()
    print("\n".join(checks_table(checks)))
    print()
    print("\n".join(memory_table(outcome.scale.memory)))
    warning = contention_warning(outcome.pages.results + outcome.scale.results)
    if warning:
        print(f"\n{warning}", file=sys.stderr)
    return 0 if all(check.passed for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
