"""Overdose surveillance at county scale: the NEMSIS import, spike detection and the map.

1. Importing NEMSIS 3.5 EMS reports (100,000 in one file; ``--quick``: 1,000): records per
   second and the process's peak memory, through ``ems_import_file`` (checks, case definition,
   person lookup, follow-ups).
2. Spike detection over 3 years × 2,000 areas (``--quick``: 1 year × 200): daily counts per
   area in SQL and EARS C1, C2 and C3 on the matrix (target under 10 s).
3. The map's data for a year of 50,000 events (``--quick``: 5,000): hex cells, points and
   alerts for a coordinator (target p95 under 500 ms).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from benchmarks.suites import _django as bench

SPIKE_LIMIT_S = 10.0
MAP_LIMIT_MS = 500.0
CENTRE = (38.88, -77.10)
NALOXONE = (
    "<eMedications><eMedications.MedicationGroup><eMedications.03>7242</eMedications.03>"
    "<eMedications.07>9916001</eMedications.07></eMedications.MedicationGroup></eMedications>"
)


def _nemsis_file(folder: Path, reports: int, rng: random.Random) -> Path:
    path = folder / "ems.xml"
    now = dt.datetime.now(dt.UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('<EMSDataSet xmlns="http://www.nemsis.org"><Header>')
        for n in range(reports):
            when = (now - dt.timedelta(minutes=n * 7)).isoformat(timespec="seconds")
            situation = "T40.411A" if n % 3 else "S72.001A"  # two in three are overdoses
            named = n % 4 != 0
            name = (
                f"<ePatient.PatientNameGroup><ePatient.02>Last{n % 5000}</ePatient.02>"
                f"<ePatient.03>First{n % 700}</ePatient.03></ePatient.PatientNameGroup>"
                f"<ePatient.17>{1950 + n % 50}-0{1 + n % 9}-1{n % 9}</ePatient.17>"
                if named
                else ""
            )
            lat = CENTRE[0] + rng.uniform(-0.1, 0.1)
            lon = CENTRE[1] + rng.uniform(-0.1, 0.1)
            out.write(
                f'<PatientCareReport UUID="{uuid.UUID(int=rng.getrandbits(128), version=4)}">'
                f"<eTimes><eTimes.01>{when}</eTimes.01></eTimes><ePatient>{name}</ePatient>"
                f"<eScene><eScene.11>{lat:.6f},{lon:.6f}</eScene.11>"
                f"<eScene.19>222{n % 40:02d}</eScene.19></eScene>"
                f"<eSituation><eSituation.11>{situation}</eSituation.11></eSituation>"
                f"{NALOXONE if n % 3 else ''}</PatientCareReport>"
            )
        out.write("</Header></EMSDataSet>")
    return path


def _load_events(program, events: int, areas: int, days: int, rng: random.Random) -> float:
    import h3
    from django.db import connection, transaction
    from django.utils import timezone

    from deflect.surveillance.models import OverdoseEvent

    now = timezone.now()
    cells = [
        h3.latlng_to_cell(CENTRE[0] + rng.uniform(-0.3, 0.3), CENTRE[1] + rng.uniform(-0.3, 0.3), 8)
        for _ in range(areas)
    ]
    start = time.perf_counter()
    rows = []
    for n in range(events):
        area = rng.randrange(areas)
        lat, lon = h3.cell_to_latlng(cells[area])
        rows.append(
            OverdoseEvent(
                program=program,
                source="cad",
                external_id=f"B{n}",
                occurred_at=now - dt.timedelta(minutes=rng.randrange(days * 1440)),
                fatal=n % 11 == 0,
                naloxone_doses=n % 3,
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                scene_zip=f"Z{area:04d}",
                h3_cell=cells[area],
            )
        )
    with transaction.atomic():
        OverdoseEvent.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def main() -> int:  # noqa: PLR0915 - one report
    args = bench.arguments(__doc__)
    bench.setup(args)
    import zoneinfo

    from django.utils import timezone

    from deflect.accounts.system import dangerously_as_system
    from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
    from deflect.programs.tests.factories import ProgramFactory
    from deflect.surveillance import ears, selectors
    from deflect.surveillance.services import ems_import_file

    rng = random.Random(2026)
    quick = args.quick
    reports = 1_000 if quick else 100_000
    spike_areas, spike_days = (200, 365) if quick else (2_000, 3 * 365)
    map_events = 5_000 if quick else 50_000

    # 1. The NEMSIS import.
    program = ProgramFactory(name="EMS import benchmark")
    with tempfile.TemporaryDirectory() as folder:
        path = _nemsis_file(Path(folder), reports, rng)
        size_mib = path.stat().st_size / 2**20
        start = time.perf_counter()
        result = ems_import_file(actor=dangerously_as_system("cli"), program=program, path=path)
        import_s = time.perf_counter() - start
    peak = bench.peak_rss_mib()
    rate = result.reports / import_s

    # 2. Spike detection over the whole span.
    spike_program = ProgramFactory(name="Spike benchmark")
    spike_events = spike_areas * spike_days // 3  # about one overdose per area every 3 days
    load_spikes = _load_events(spike_program, spike_events, spike_areas, spike_days, rng)
    tz = zoneinfo.ZoneInfo("America/New_York")
    today = timezone.localdate()

    def detect():
        grid = selectors.daily_counts(
            program=spike_program,
            area_kind="zip",
            first_day=today - dt.timedelta(days=spike_days - 1),
            last_day=today,
            tz=tz,
        )
        for method, limit in ears.DEFAULT_THRESHOLDS.items():
            ears.alarms(grid.counts, method, limit)
        return grid

    grid = detect()
    spike_samples = bench.timed(detect, repeat=3, warmup=1)
    spike_s = max(spike_samples) / 1000

    # 3. The map's data for a year.
    agency = AgencyFactory(name="Map benchmark police")
    map_program = ProgramFactory(name="Map benchmark", agencies=[agency])
    load_map = _load_events(map_program, map_events, 400, 365, rng)
    coordinator = UserFactory(username="bench.coordinator")
    MembershipFactory(user=coordinator, agency=agency, role="coordinator")
    until = timezone.now()
    since = until - dt.timedelta(days=365)

    def map_data():
        return selectors.map_data(actor=coordinator, program=map_program, since=since, until=until)

    shown = map_data()
    map_samples = bench.timed(map_data, repeat=15)
    map_p95 = bench.p95(map_samples)

    verdict = {True: "meets the target", False: "**misses the target**"}
    spike_ok, map_ok = spike_s < SPIKE_LIMIT_S, map_p95 < MAP_LIMIT_MS
    rows = [
        (
            "NEMSIS 3.5 import (checks, case definition, person lookup, follow-ups)",
            f"{result.reports:,} reports, {size_mib:.1f} MiB, {result.created:,} overdoses",
            f"{rate:,.0f} reports/s, peak memory {peak:.0f} MiB",
            "100,000 reports: measured, no limit",
        ),
        (
            "Spike detection: daily counts per area in SQL + EARS C1, C2, C3",
            f"{spike_areas:,} areas × {spike_days:,} days, {spike_events:,} events",
            f"slowest of 3: {spike_s:.2f} s",
            f"< {SPIKE_LIMIT_S:.0f} s: {verdict[spike_ok]}",
        ),
        (
            "Map data (cells, points, alerts) for a year, coordinator",
            f"{map_events:,} events, {len(shown['cells'])} cells, {len(shown['points']):,} points",
            f"p50 {bench.p50(map_samples):.0f} ms, p95 {map_p95:.0f} ms",
            f"p95 < {MAP_LIMIT_MS:.0f} ms: {verdict[map_ok]}",
        ),
    ]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    scale = " **A quick run: smaller than the targets' scale.**" if quick else ""
    markdown = f"""
## Overdose surveillance: NEMSIS import, spike detection, the map (suite `surveillance`)

Measured in process on a fresh {bench.database_label()} database
(`.venv/bin/python -m benchmarks.suites.surveillance{" --quick" if quick else ""}`), while other
work ran on the same 2-core machine.{scale}

| what | data | result | target |
|---|---|---|---|
{table}

Loading took {load_spikes:.1f} s (spike data) and {load_map:.1f} s (map data) with
`bulk_create`; {len(grid.areas):,} areas had events. The map sends at most 5,000 points; above
that only the cells.
"""
    bench.write("surveillance", markdown, args)
    return 0 if spike_ok and map_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
