"""The Equity page at scale: 300,000 encounters of 100,000 people.

Target (issue 14): the equity page p95 under 1 s, on SQLite and on PostgreSQL
(``--database-url postgres://…``). The page is timed in-process through Django's test
``Client`` (middleware, session, templates, chart specs; no network) over the default period
(the last 12 months) and over the whole history, grouped by race, and once by age band (the
grouping with the most SQL per row). Data is loaded with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from benchmarks.suites import _django as bench

HISTORY_DAYS = 3 * 365
TARGET_P95_MS = 1000
RACES = ["white", "black", "asian", "american_indian_alaska_native", "two_or_more", "unknown"]
RACE_WEIGHTS = [50, 25, 5, 2, 3, 15]
OUTCOMES = ["referred", "declined", "harm_reduction_only", "transported_ed", "no_contact"]
PATHWAYS = ["self_referral", "naloxone_plus", "first_responder_referral", "officer_intervention"]
DECISIONS = ["treatment_in_lieu_of_arrest", "civil_citation", "not_eligible_arrest"]
STATUSES = {1: "requested", 2: "in-progress", 3: "completed"}


def load(encounters: int, people: int):  # noqa: C901 - one pass per table, kept in one place
    from django.db import connection
    from django.utils import timezone

    from deflect.accounts.models import Agency, AgencyKind, Membership, Role, User
    from deflect.encounters.models import Encounter, OfficerInterventionDetail
    from deflect.people.models import Person
    from deflect.programs.models import Program, ProgramAgency
    from deflect.referrals.models import Referral
    from deflect.resources.models import Organization, Service
    from deflect.screening.models import EligibilityScreening

    rng = random.Random(14)
    now = timezone.now()
    police = Agency.objects.create(name="Bench Police", kind=AgencyKind.LAW_ENFORCEMENT)
    sheriff = Agency.objects.create(name="Bench Sheriff", kind=AgencyKind.LAW_ENFORCEMENT)
    treatment = Agency.objects.create(name="Bench Treatment", kind=AgencyKind.TREATMENT_PROVIDER)
    program = Program.objects.create(name="Bench County")
    for agency in (police, sheriff, treatment):
        ProgramAgency.objects.create(program=program, agency=agency)
    users = {}
    for name, role in (("analyst", Role.ANALYST), ("officer", Role.RESPONDER)):
        users[name] = User.objects.create_user(
            username=name, password="bench-password-1", email=f"{name}@bench.invalid"
        )
        Membership.objects.create(user=users[name], agency=police, role=role)
    service = Service.objects.create(
        organization=Organization.objects.create(name="Org", description="x", agency=treatment),
        name="Service",
    )
    Person.objects.bulk_create(
        (
            Person(
                program=program,
                first_name=f"P{i}",
                last_name=f"L{i}",
                race=rng.choices(RACES, RACE_WEIGHTS)[0],
                gender=rng.choice(["man", "woman", "unknown"]),
                date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
                if rng.random() < 0.85
                else None,
            )
            for i in range(people)
        ),
        batch_size=5000,
    )
    person_ids = list(Person.objects.values_list("pk", flat=True))
    batch = []
    for i in range(encounters):
        batch.append(
            Encounter(
                client_uuid=uuid.uuid4(),
                fingerprint="b",
                program=program,
                agency=police if i % 4 else sheriff,
                pathway=rng.choice(PATHWAYS),
                occurred_at=now - dt.timedelta(minutes=rng.randint(1, HISTORY_DAYS * 24 * 60)),
                person_id=person_ids[i % people] if i % 20 else None,
                outcome=rng.choice(OUTCOMES),
                recorded_by=users["officer"],
            )
        )
        if len(batch) == 10000:
            Encounter.objects.bulk_create(batch)
            batch = []
    Encounter.objects.bulk_create(batch)
    screenings, details, referrals = [], [], []
    rows = Encounter.objects.values_list("pk", "person_id", "pathway", "outcome", "occurred_at")
    for enc_id, person_id, pathway, outcome, occurred in rows.iterator(chunk_size=10000):
        if rng.random() < 0.5:
            eligible = rng.random() < 0.8
            screenings.append(
                EligibilityScreening(encounter_id=enc_id, rule_eligible=eligible, eligible=eligible)
            )
        if pathway == "officer_intervention":
            details.append(
                OfficerInterventionDetail(encounter_id=enc_id, decision=rng.choice(DECISIONS))
            )
        if outcome == "referred" and person_id:
            stage = rng.choice([1, 1, 2, 2, 3])
            referrals.append(
                Referral(
                    client_uuid=uuid.uuid4(),
                    program=program,
                    person_id=person_id,
                    encounter_id=enc_id,
                    service=service,
                    recipient_agency=treatment,
                    requesting_agency=police,
                    requested_by=users["officer"],
                    status=STATUSES[stage],
                    status_changed_at=occurred,
                    need="bed",
                    sent_at=occurred,
                    intake_at=occurred + dt.timedelta(hours=6) if stage >= 2 else None,
                )
            )
        for pending, model in (
            (screenings, EligibilityScreening),
            (details, OfficerInterventionDetail),
            (referrals, Referral),
        ):
            if len(pending) >= 10000:
                model.objects.bulk_create(pending)
                pending.clear()
    EligibilityScreening.objects.bulk_create(screenings)
    OfficerInterventionDetail.objects.bulk_create(details)
    Referral.objects.bulk_create(referrals)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return users


def main() -> int:
    args = bench.arguments(__doc__)
    folder = bench.setup(args)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    encounters, people = (3_000, 1_000) if args.quick else (300_000, 100_000)
    start = time.perf_counter()
    users = load(encounters, people)
    load_s = time.perf_counter() - start
    client = Client()
    client.force_login(users["analyst"])
    from django.utils import timezone

    today = timezone.localdate()
    history = f"start={today - dt.timedelta(days=HISTORY_DAYS + 7)}&end={today}"
    views = {
        "Equity page, last 12 months, by race": "/equity/",
        "Equity page, whole history, by race": f"/equity/?{history}",
        "Equity page, whole history, by age band": f"/equity/?{history}&dimension=age",
        "Equity API, whole history, officer intervention": (
            f"/api/v1/equity?{history}&pathway=officer_intervention"
        ),
    }
    results = {}
    for label, url in views.items():
        assert client.get(url).status_code == 200, url
        results[label] = bench.p95(
            bench.timed(lambda url=url: client.get(url), repeat=10, warmup=1)
        )
    met = all(ms <= TARGET_P95_MS for ms in results.values())
    table = "\n".join(f"| {label} | {ms:.0f} ms | 1000 ms |" for label, ms in results.items())
    markdown = f"""
## Equity page at scale (`benchmarks/suites/equity.py`)

{encounters:,} encounters of {people:,} people over three years (half with an eligibility
screening, every officer-intervention contact with its decision, a referral for each "referred"
outcome at a random stage), on {bench.database_label()}; loaded with `bulk_create` in
{load_s:.0f} s. Each page is timed in-process through Django's test `Client` (p95 of 10 after a
warm-up), signed in as an analyst: one grouped SQL query, suppression, RRI intervals and the
chart specifications.

| measure | p95 | target |
|---|---|---|
{table}

Target met: {"yes" if met else "NO"}.
"""
    name = "equity" if not args.database_url else "equity-postgresql"
    if args.quick:
        name += "-quick"
    bench.write(name, markdown, args)
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
