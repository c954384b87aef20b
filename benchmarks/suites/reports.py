"""Funder reports and the de-identified export at county scale.

100,000 people with 300,000 encounters over two years and 20,000 referrals (``--quick``:
5,000 people, 15,000 encounters): the quarterly performance report for one quarter, as the
coordinator (exact counts) and as the analyst (small cells suppressed) (target p95 under 1 s),
and a de-identified export of every row (target under 60 s with peak memory under 500 MB).
Run it on PostgreSQL with ``--database-url``.

Data is bulk-loaded in batches on a fresh, migrated database.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

from benchmarks.suites import _django as bench

REPORT_LIMIT_MS = 1000.0
EXPORT_LIMIT_S = 60.0
EXPORT_MEMORY_LIMIT_MIB = 500.0
BATCH = 5_000
PATHWAYS = [
    "self_referral",
    "active_outreach",
    "naloxone_plus",
    "first_responder_referral",
    "officer_intervention",
    "community_response",
]
RACES = ["white", "black", "asian", "american_indian_alaska_native", "two_or_more", "unknown"]
GENDERS = ["woman", "man", "man", "woman", "unknown"]
ZIPS = ["21201", "21202", "21205", "21211", "21215", "21217", "21224", "21229"]


EXPORT_SCRIPT = """
import datetime as dt, json, resource, sys, time
import django
django.setup()
from deflect.accounts.models import User
from deflect.reports.services import deidentified_export_create
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = peak()
actor = User.objects.get(username=sys.argv[1])
today = dt.date.fromisoformat(sys.argv[2])
start = time.perf_counter()
export = deidentified_export_create(
    actor=actor, date_from=today - dt.timedelta(days=800), date_to=today
)
print(json.dumps({
    "seconds": time.perf_counter() - start, "peak": peak(), "before": before,
    "rows": export.record.row_count, "suppressed": export.record.suppressed_rows,
    "bytes": len(export.content),
}))
"""


def _batches(items, size=BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load(people: int, encounters_each: int, rng: random.Random):
    from django.db import connection, transaction
    from django.utils import timezone

    from deflect.accounts.models import AgencyKind, Role
    from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
    from deflect.encounters.models import Encounter
    from deflect.people.models import Person
    from deflect.programs.models import Program, ProgramAgency
    from deflect.referrals.models import Referral
    from deflect.referrals.tests.factories import service_for

    start = time.perf_counter()
    program = Program.objects.create(name="County reports benchmark")
    police = AgencyFactory(name="Bench Police", kind=AgencyKind.LAW_ENFORCEMENT)
    treatment = AgencyFactory(name="Bench Treatment", kind=AgencyKind.TREATMENT_PROVIDER)
    for agency in (police, treatment):
        ProgramAgency.objects.create(program=program, agency=agency)
    users = {}
    for name, role in (("coordinator", Role.COORDINATOR), ("analyst", Role.ANALYST)):
        users[name] = UserFactory(username=f"bench-{name}")
        MembershipFactory(user=users[name], agency=police, role=role)
    officer = UserFactory(username="bench-officer")
    MembershipFactory(user=officer, agency=police, role=Role.RESPONDER)
    service = service_for(treatment)
    now = timezone.now()

    def person_rows():
        for n in range(people):
            yield Person(
                program=program,
                first_name=f"Given{n}",
                last_name="Bench",
                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000)),
                race=rng.choice(RACES),
                gender=rng.choice(GENDERS),
                residence_zip=rng.choice(ZIPS),
            )

    for batch in _batches(person_rows()):
        with transaction.atomic():
            Person.objects.bulk_create(batch)
    person_ids = list(Person.objects.filter(program=program).values_list("pk", flat=True))

    def encounter_rows():
        for pk in person_ids:
            for _ in range(encounters_each):
                yield Encounter(
                    client_uuid=uuid.uuid4(),
                    fingerprint="",
                    program=program,
                    agency=police,
                    pathway=rng.choice(PATHWAYS),
                    occurred_at=now - timedelta(minutes=rng.randint(0, 730 * 24 * 60)),
                    person_id=pk,
                    outcome="referred",
                    recorded_by=officer,
                )

    for batch in _batches(encounter_rows()):
        with transaction.atomic():
            Encounter.objects.bulk_create(batch)

    def referral_rows():
        for pk in rng.sample(person_ids, len(person_ids) // 5):
            sent = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
            yield Referral(
                client_uuid=uuid.uuid4(),
                program=program,
                person_id=pk,
                service=service,
                recipient_agency=treatment,
                requesting_agency=police,
                requested_by=officer,
                status="in-progress" if rng.random() < 0.5 else "requested",
                status_changed_at=sent,
                need="Treatment",
                sent_at=sent,
                intake_at=sent + timedelta(hours=rng.randint(1, 96))
                if rng.random() < 0.5
                else None,
            )

    for batch in _batches(referral_rows()):
        with transaction.atomic():
            Referral.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return program, users, time.perf_counter() - start


def main() -> int:
    args = bench.arguments(__doc__)
    bench.setup(args)
    from django.utils import timezone

    from deflect.encounters.models import Encounter
    from deflect.reports import selectors

    rng = random.Random(2026)
    people = 5_000 if args.quick else 100_000
    program, users, load_s = _load(people, 3, rng)
    encounters = Encounter.objects.filter(program=program).count()
    template = selectors.template_get("cossup-quarterly")
    today = timezone.localdate()
    period = selectors.recent_quarters(today=today)[1]

    def report(actor):
        return selectors.report_build(actor=actor, template=template, period=period)

    contacted = next(f.value.total for f in report(users["coordinator"]).sections[0].figures)
    coordinator_samples = bench.timed(lambda: report(users["coordinator"]), repeat=10)
    analyst_samples = bench.timed(lambda: report(users["analyst"]), repeat=10)
    # The export runs in a fresh process so that its peak memory is its own, not the loader's.
    result = subprocess.run(
        [sys.executable, "-c", EXPORT_SCRIPT, users["analyst"].username, str(today)],
        check=True,
        capture_output=True,
        text=True,
        cwd=bench.ROOT,
        env=os.environ.copy(),
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    export_s, rss_after, rss_before = figures["seconds"], figures["peak"], figures["before"]

    report_ok = max(bench.p95(coordinator_samples), bench.p95(analyst_samples)) < REPORT_LIMIT_MS
    export_ok = export_s < EXPORT_LIMIT_S and rss_after < EXPORT_MEMORY_LIMIT_MIB
    verdict = {True: "meets the target", False: "**misses the target**"}
    data = f"{people:,} people, {encounters:,} encounters"
    rows = [
        ("Quarterly performance report, coordinator", coordinator_samples),
        ("Quarterly performance report, analyst (suppressed)", analyst_samples),
    ]
    table = "\n".join(
        f"| {what} | {data} | {bench.p50(s):.0f} ms | {bench.p95(s):.0f} ms "
        f"| < {REPORT_LIMIT_MS:.0f} ms: {verdict[report_ok]} |"
        for what, s in rows
    )
    markdown = f"""
## Funder reports and the de-identified export (suite `reports`)

Measured in process on a fresh {bench.database_label()} database
(`.venv/bin/python -m benchmarks.suites.reports{" --quick" if args.quick else ""}`), on a shared
2-core machine.

| what | data | p50 | p95 | target |
|---|---|---|---|---|
{table}

The quarter ({period.label}) counted {contacted:,} people contacted. A de-identified export of
every row ({figures["rows"]:,} people written, {figures["suppressed"]:,} left out for
k-anonymity, {figures["bytes"] / 1e6:.1f} MB zipped), run in its own process, took
{export_s:.1f} s (target < {EXPORT_LIMIT_S:.0f} s) with that process's peak resident memory at
{rss_after:.0f} MiB ({rss_before:.0f} MiB once Django was set up; target
< {EXPORT_MEMORY_LIMIT_MIB:.0f} MiB): {verdict[export_ok]}. Loading took {load_s:.1f} s.
"""
    bench.write("reports", markdown, args)
    return 0 if report_ok and export_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
