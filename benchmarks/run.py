"""Load benchmark for deflect, run by ``make bench``; writes docs/benchmarks.md.

One run starts deflect the way production runs it (``deflect serve``: gunicorn, 2 workers,
DEBUG off) on 127.0.0.1 with a fresh SQLite database holding the demo county, then drives three
targets on that one server with wrk: a bare Django view (the yardstick), the signed-in home page
and one API read. Every target gets a warm-up before it is measured.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import importlib.metadata
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
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA_SCRIPT = ROOT / "benchmarks" / "report.lua"
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"

HOST = "127.0.0.1"
PREFERRED_PORT = 8100
WORKERS = 2
DEMO_PASSWORD = "Deflect-Demo-2026!"
HOME_USER = "coordinator"
API_USER = "officer"

P95_LIMIT_MS = 50.0
MIN_THROUGHPUT_RATIO = 0.5
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


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    output: Path


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: tuple[str, ...]
    expect: str  # text a correct response contains (checked once before the load)
    yardstick: bool = False


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
    other_cpu: float | None = None  # share of the machine's CPU used by anything else

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
class Check:
    target: str
    goal: str
    measured: str
    passed: bool


# --- command line ---------------------------------------------------------------------------


def parse_options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per target (30)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per target (5)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report file")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.connections < args.threads:
        parser.error("need --duration >= 1, --warmup >= 0 and --connections >= --threads")
    return Options(args.duration, args.warmup, args.connections, args.threads, args.output)


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
        "--timeout=5s",
        f"--script={LUA_SCRIPT}",
    ]
    for header in target.headers:
        command += ["--header", header]
    command.append(base + target.path)
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
    )


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


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, load the demo county (refused in production mode) and return an API token."""
    deflect(env, "demo")
    lines = deflect(env, "token", "create", API_USER, "--name", "benchmark").strip().splitlines()
    if not lines or not lines[-1].startswith("dfl_"):
        raise BenchError("deflect token create printed no token.")
    return lines[-1].strip()


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
            status, _ = http_get(port, "/bench/bare/", ())
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


# --- CPU accounting: is anything else taking the machine's CPU? ---------------------------


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs have spent not idle since boot (Linux /proc/stat)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used so far by the live processes of one process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process has gone
            continue
        fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
        if int(fields[2]) == pgid:  # field 5: process group
            total += int(fields[11]) + int(fields[12])  # fields 14, 15: utime, stime
    return total / os.sysconf("SC_CLK_TCK")


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


# --- HTTP helpers ---------------------------------------------------------------------------


def http_get(port: int, path: str, headers: tuple[str, ...]) -> tuple[int, str]:
    """One GET without following redirects, so a redirect to the login page shows."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        fields = dict(header.split(": ", 1) for header in headers)
        connection.request("GET", path, headers=fields)
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
    status, body = http_get(port, target.path, target.headers)
    if status != 200 or target.expect not in body:
        excerpt = body[:500]
        raise BenchError(f"{target.path} answered {status} without {target.expect!r}:\n{excerpt}")


# --- the run --------------------------------------------------------------------------------


def build_targets(session: str, token: str) -> list[Target]:
    return [
        Target("Bare Django view", "/bench/bare/", (), "ok", yardstick=True),
        Target(
            f"Home page (signed in as {HOME_USER})",
            "/",
            (f"Cookie: sessionid={session}",),
            "Your roles",
        ),
        Target(
            f"API read: GET /api/v1/programs ({API_USER}'s token)",
            "/api/v1/programs",
            (f"Authorization: Bearer {token}",),
            '"pathways"',
        ),
    ]


def measure(wrk: str, server: Server, targets: list[Target], options: Options) -> list[Result]:
    results = []
    for target in targets:
        print(f"  {target.name}: ", end="", flush=True)
        if options.warmup:
            run_wrk(wrk, server.base, target, options.warmup, options)
        before = cpu_sample(server.pgid)
        result = run_wrk(wrk, server.base, target, options.duration, options)
        result = replace(result, other_cpu=other_cpu_share(before, cpu_sample(server.pgid)))
        print(f"{result.rps:,.0f} req/s, p95 {result.p95_ms:.1f} ms, {result.errors} errors")
        results.append(result)
        time.sleep(1)
    return results


def run(options: Options, wrk: str) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="deflect-bench-") as folder:
        data_dir = Path(folder)
        env = clean_environment(data_dir)
        print(f"Fresh SQLite database in {data_dir}; loading the demo county …", flush=True)
        token = prepare_database(env)
        port = free_port()
        server_env = production_environment(env)
        print(f"Starting deflect serve (gunicorn, {WORKERS} workers) on {HOST}:{port} …")
        with running_server(server_env, port, data_dir / "server.log") as server:
            session = sign_in(server.base, HOME_USER)
            targets = build_targets(session, token)
            for target in targets:
                verify(port, target)
            print(
                f"Measuring {options.duration} s per target after a {options.warmup} s warm-up "
                f"({options.connections} connections, {options.threads} wrk threads):"
            )
            return measure(wrk, server, targets, options)


# --- evaluation and report ------------------------------------------------------------------


def evaluate(results: list[Result]) -> list[Check]:
    bare = next(result for result in results if result.target.yardstick)
    checks = []
    for result in results:
        if result.target.yardstick:
            continue
        ratio = result.rps / bare.rps if bare.rps else 0.0
        name = result.target.name
        checks += [
            Check(
                name,
                f"p95 under {P95_LIMIT_MS:.0f} ms",
                f"{result.p95_ms:.1f} ms",
                result.p95_ms < P95_LIMIT_MS,
            ),
            Check(name, "zero errors", str(result.errors), result.errors == 0),
            Check(
                name,
                f"at least {MIN_THROUGHPUT_RATIO:.0%} of the bare view's requests/s",
                f"{ratio:.0%}",
                ratio >= MIN_THROUGHPUT_RATIO,
            ),
        ]
    return checks


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


def contention_warning(results: list[Result]) -> str | None:
    worst = max((r.other_cpu for r in results if r.other_cpu is not None), default=None)
    if worst is None or worst <= BUSY_MACHINE:
        return None
    return (
        f"Warning: other programs took up to {worst:.0%} of the machine's CPU during this "
        "run, so these figures are lower than the machine can do; rerun on a quiet machine."
    )


def results_table(results: list[Result]) -> list[str]:
    bare = next(result for result in results if result.target.yardstick)
    rows = [
        "| Target | Requests/s | vs bare view | p50 | p95 | p99 | Errors | Other CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        ratio = r.rps / bare.rps if bare.rps else 0.0
        rows.append(
            f"| {r.target.name} | {r.rps:,.0f} | {ratio:.0%} | {r.p50_ms:.1f} ms "
            f"| {r.p95_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.errors} | {share(r.other_cpu)} |"
        )
    return rows


def checks_table(checks: list[Check]) -> list[str]:
    rows = ["| Target | Goal | Measured | Result |", "|---|---|--:|---|"]
    for check in checks:
        verdict = "pass" if check.passed else "**FAIL**"
        rows.append(f"| {check.target} | {check.goal} | {check.measured} | {verdict} |")
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
            f"One run starts `deflect serve` (gunicorn, {WORKERS} sync workers, "
            "`DEFLECT_ENV=production`, DEBUG off, access log on) on 127.0.0.1 with a fresh "
            "SQLite database holding the demo county, and measures three targets on that "
            "same server:"
        ),
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
        paragraph(
            f"Each target gets {options.connections} concurrent connections from wrk "
            f"({options.threads} threads) for {options.duration} s, after a "
            f"{options.warmup} s warm-up that is not counted. gunicorn's sync workers close "
            "the connection after each response, so every request opens a new TCP "
            "connection. The load generator runs on the same machine as the server and takes "
            "CPU from it. The bare view touches no database, so the throughput ratio shows "
            "what a real page costs on top of the server and the middleware."
        ),
        "",
        paragraph(
            "An error is any response that is not 2xx (a redirect from a signed-in page "
            "would mean the session was lost) and any socket error or timeout (5 s). Other "
            "CPU is the share of the machine's CPU time that went neither to the server nor "
            "to wrk while a target was measured (other programs and the kernel's share of "
            "loopback networking); more than a few percent means something else competed for "
            "the CPU and the figures are lower than the machine can do."
        ),
        "",
        *settings_note(),
    ]


def report(
    results: list[Result], checks: list[Check], facts: list[tuple[str, str]], options: Options
) -> str:
    passed = all(check.passed for check in checks)
    lines = [
        "# Benchmarks",
        "",
        paragraph(
            "How fast deflect answers under load, measured the way production runs it. "
            "`make bench` reruns the whole measurement (about two minutes) and rewrites this "
            "page; a shorter try can write elsewhere:"
        ),
        "",
        "```sh",
        "make bench",
        ".venv/bin/python benchmarks/run.py --duration 5 --output /tmp/bench.md",
        "```",
        "",
        "## What is measured",
        "",
        *method(options),
        "## Results",
        "",
        *results_table(results),
        "",
        *([f"**{paragraph(warning)}**", ""] if (warning := contention_warning(results)) else []),
        "## Targets",
        "",
        f"Overall: **{'all targets met' if passed else 'targets missed'}**.",
        "",
        *checks_table(checks),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in facts),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    try:
        wrk = ensure_wrk()
        results = run(options, wrk)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    checks = evaluate(results)
    facts = machine(wrk)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(report(results, checks, facts, options))
    print()
    print("\n".join(results_table(results)))
    print()
    print("\n".join(checks_table(checks)))
    warning = contention_warning(results)
    if warning:
        print(f"\n{warning}", file=sys.stderr)
    print(f"\nWritten to {options.output}")
    return 0 if all(check.passed for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
