"""The outcome measures' SQL: one query builds, for every person of a cohort, the days from
the index encounter to the first event of each kind; a second sums those rows by pathway
into numerators and denominators. Both run in the database (SQLite or PostgreSQL), never in
a Python loop; only the per-person durations the survival curves need come back to Python.

Definitions (docs/outcomes.md has them with their numerators and denominators):

- The **index encounter** of a person is their first encounter in the period whose outcome
  deflected them (``DEFLECTED_OUTCOMES``); its pathway and agency are the person's.
- The **comparison** cohort is either people who were screened eligible in the period but
  never deflected in it (index: their first such encounter), or the people deflected in
  another period the analyst picks (e.g. the year before the program).
- Follow-up runs from the index encounter to the earliest of ``as_of``, 365 days, and death.
- An event counts when it happened strictly after the index encounter.
"""

# The SQL here is assembled from constants, table names and vendor snippets only; every value
# travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from deflect.encounters.choices import Outcome
from deflect.encounters.models import Encounter, OverdoseDetail
from deflect.screening.models import EligibilityScreening

from .models import DischargeReason, ExternalRecord, RecordKind

WINDOWS = (30, 90, 180, 365)
RETENTION_DAYS = (30, 90, 180)
INITIATION_DAYS = 14
ENGAGEMENT_DAYS = 34
ENGAGEMENT_CONTACTS = 2
MAX_FOLLOW_UP = 365
DEFLECTED_OUTCOMES = (Outcome.REFERRED, Outcome.HARM_REDUCTION_ONLY, Outcome.TRANSPORTED_ED)

# The events each person's row records the first day of (and how many there were).
FIRST_EVENTS = ("nfod", "fod", "death", "arrest", "booking", "ed", "tx", "done")
COUNTED_EVENTS = ("nfod", "arrest", "booking", "ed")


@dataclass(frozen=True)
class Cohort:
    """Which index encounters make up a cohort."""

    program_id: int
    start: dt.datetime
    end: dt.datetime
    pathway: str = ""
    agency_id: int | None = None
    eligible_not_deflected: bool = False


def _days(later: str, earlier: str) -> str:
    """SQL for the days (fractional) from ``earlier`` to ``later``."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def _stamp(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _index_sql(cohort: Cohort) -> tuple[str, list[Any]]:
    encounters = Encounter._meta.db_table
    deflected = ", ".join(["%s"] * len(DEFLECTED_OUTCOMES))
    where = [
        "e.program_id = %s",
        "e.person_id IS NOT NULL",
        "e.occurred_at >= %s",
        "e.occurred_at < %s",
    ]
    params: list[Any] = [cohort.program_id, _stamp(cohort.start), _stamp(cohort.end)]
    if cohort.eligible_not_deflected:
        where.append(f"e.outcome NOT IN ({deflected})")
        params += list(DEFLECTED_OUTCOMES)
        where.append(
            f"EXISTS (SELECT 1 FROM {EligibilityScreening._meta.db_table} s "
            "WHERE s.encounter_id = e.id AND s.eligible = %s)"
        )
        params.append(True)
        where.append(
            f"NOT EXISTS (SELECT 1 FROM {encounters} d WHERE d.person_id = e.person_id "
            f"AND d.program_id = e.program_id AND d.outcome IN ({deflected}) "
            "AND d.occurred_at >= %s AND d.occurred_at < %s)"
        )
        params += [*DEFLECTED_OUTCOMES, _stamp(cohort.start), _stamp(cohort.end)]
    else:
        where.append(f"e.outcome IN ({deflected})")
        params += list(DEFLECTED_OUTCOMES)
    if cohort.pathway:
        where.append("e.pathway = %s")
        params.append(cohort.pathway)
    if cohort.agency_id:
        where.append("e.agency_id = %s")
        params.append(cohort.agency_id)
    sql = (
        "SELECT person_id, index_at, pathway, agency_id FROM ("
        "SELECT e.person_id, e.occurred_at AS index_at, e.pathway, e.agency_id, "
        "ROW_NUMBER() OVER (PARTITION BY e.person_id ORDER BY e.occurred_at, e.id) AS rn "
        f"FROM {encounters} e WHERE {' AND '.join(where)}) ranked WHERE rn = 1"
    )
    return sql, params


def _events_sql(program_id: int, as_of: Any) -> tuple[str, list[Any]]:
    """Every event after each person's index encounter and before ``as_of``, within the
    longest follow-up: (person_id, k, d days after index, at, stay days in jail)."""
    records = ExternalRecord._meta.db_table
    encounters = Encounter._meta.db_table
    overdoses = OverdoseDetail._meta.db_table
    d_record = _days("r.event_at", "i.index_at")
    stay = _days("COALESCE(r.released_at, %s)", "r.event_at")
    kind_code = (
        "CASE "
        "WHEN r.kind = %s AND (r.fatal IS NULL OR r.fatal = %s) THEN 'nfod' "
        "WHEN r.kind = %s AND r.fatal = %s THEN 'fod' "
        "WHEN r.kind = %s AND LOWER(r.event_type) LIKE %s THEN 'fod' "
        "WHEN r.kind = %s THEN 'death' "
        "WHEN r.kind = %s THEN 'arrest' "
        "WHEN r.kind = %s THEN 'booking' "
        "WHEN r.kind = %s THEN 'ed' "
        "WHEN r.kind = %s THEN 'tx' "
        "WHEN r.kind = %s AND r.discharge_reason = %s THEN 'done' "
        "ELSE 'other' END"
    )
    kind_params: list[Any] = [
        RecordKind.EMS_OVERDOSE,
        False,
        RecordKind.EMS_OVERDOSE,
        True,
        RecordKind.DEATH,
        "%overdose%",
        RecordKind.DEATH,
        RecordKind.ARREST,
        RecordKind.JAIL_BOOKING,
        RecordKind.ED_VISIT,
        RecordKind.TREATMENT_ADMISSION,
        RecordKind.TREATMENT_DISCHARGE,
        DischargeReason.COMPLETED,
    ]
    outside = (
        f"SELECT i.person_id, {kind_code} AS k, {d_record} AS d, r.event_at AS at, "
        f"CASE WHEN r.kind = %s THEN {stay} ELSE 0 END AS stay "
        f"FROM idx i JOIN {records} r ON r.person_id = i.person_id "
        "WHERE r.program_id = %s AND r.event_at > i.index_at AND r.event_at <= %s "
        f"AND {d_record} <= {MAX_FOLLOW_UP}"
    )
    outside_params = [*kind_params, RecordKind.JAIL_BOOKING, as_of, program_id, as_of]
    d_own = _days("od.overdose_at", "i.index_at")
    own_overdoses = (
        f"SELECT i.person_id, CASE WHEN od.fatal = %s THEN 'fod' ELSE 'nfod' END AS k, "
        f"{d_own} AS d, od.overdose_at AS at, 0 AS stay "
        f"FROM idx i JOIN {encounters} e2 ON e2.person_id = i.person_id "
        f"JOIN {overdoses} od ON od.encounter_id = e2.id "
        "WHERE e2.program_id = %s AND od.overdose_at > i.index_at AND od.overdose_at <= %s "
        f"AND {d_own} <= {MAX_FOLLOW_UP}"
    )
    d_arrest = _days("e3.occurred_at", "i.index_at")
    own_arrests = (
        f"SELECT i.person_id, 'arrest' AS k, {d_arrest} AS d, e3.occurred_at AS at, 0 AS stay "
        f"FROM idx i JOIN {encounters} e3 ON e3.person_id = i.person_id "
        "WHERE e3.program_id = %s AND e3.outcome = %s AND e3.occurred_at > i.index_at "
        f"AND e3.occurred_at <= %s AND {d_arrest} <= {MAX_FOLLOW_UP}"
    )
    sql = f"{outside} UNION ALL {own_overdoses} UNION ALL {own_arrests}"
    params = [
        *outside_params,
        True,
        program_id,
        as_of,
        program_id,
        Outcome.ARRESTED,
        as_of,
    ]
    return sql, params


def person_rows_sql(cohort: Cohort, as_of_value: dt.datetime) -> tuple[str, list[Any]]:
    """One row per person of ``cohort``: pathway, agency, days followed (``fu``), the day of
    the first event of each kind (NULL: none), counts, treatment contacts within the
    engagement window, days in jail within each window, and the first day the person left
    treatment after their first admission."""
    as_of = _stamp(as_of_value)
    index_sql, index_params = _index_sql(cohort)
    events_sql, events_params = _events_sql(cohort.program_id, as_of)
    records = ExternalRecord._meta.db_table
    # (``_least`` repeats its first argument: the as-of parameter is passed twice.)
    fu = _least(_days("%s", "i.index_at"), str(float(MAX_FOLLOW_UP)))
    # Death: a death record or a fatal overdose, whichever came first.
    codes = {k: f"ev.k = '{k}'" for k in FIRST_EVENTS} | {"death": "ev.k IN ('death', 'fod')"}
    firsts = ", ".join(f"MIN(CASE WHEN {codes[k]} THEN ev.d END) AS {k}" for k in FIRST_EVENTS)
    counts = ", ".join(
        f"SUM(CASE WHEN ev.k = '{k}' THEN 1 ELSE 0 END) AS n_{k}" for k in COUNTED_EVENTS
    )
    jail = ", ".join(
        f"SUM(CASE WHEN ev.k = 'booking' AND ev.d <= {w} THEN "
        f"{_least('ev.stay', f'({w} - ev.d)')} ELSE 0 END) AS jail_{w}"
        for w in WINDOWS
    )
    per_person = (
        f"SELECT i.person_id, i.pathway, i.agency_id, i.index_at, {fu} AS fu, {firsts}, "
        f"{counts}, {jail}, "
        f"SUM(CASE WHEN ev.k = 'tx' AND ev.d <= {ENGAGEMENT_DAYS} THEN 1 ELSE 0 END) "
        "AS tx_contacts, "
        "MIN(CASE WHEN ev.k = 'tx' THEN ev.at END) AS tx_at "
        "FROM idx i LEFT JOIN ev ON ev.person_id = i.person_id "
        "GROUP BY i.person_id, i.pathway, i.agency_id, i.index_at"
    )
    left_after = (
        f"(SELECT MIN({_days('r.event_at', 'pp.index_at')}) FROM {records} r "
        "WHERE r.person_id = pp.person_id AND r.program_id = %s AND r.kind = %s "
        "AND r.discharge_reason IN (%s, %s) AND r.event_at >= pp.tx_at AND r.event_at <= %s)"
    )
    sql = (
        f"WITH idx AS ({index_sql}), ev AS ({events_sql}), pp AS ({per_person}) "
        f"SELECT pp.*, CASE WHEN pp.tx_at IS NULL THEN NULL ELSE {left_after} END AS left_after "
        "FROM pp"
    )
    params = [
        *index_params,
        *events_params,
        as_of,
        as_of,
        cohort.program_id,
        RecordKind.TREATMENT_DISCHARGE,
        DischargeReason.LEFT,
        DischargeReason.OTHER,
        as_of,
    ]
    return sql, params


def _sum(condition: str, value: str = "1") -> str:
    return f"SUM(CASE WHEN {condition} THEN {value} ELSE 0 END)"


def _followed(days: int) -> str:
    """Followed for ``days`` days: alive to the end of the window, or died within it."""
    return f"(p.fu >= {days} OR (p.death IS NOT NULL AND p.death <= {days}))"


def group_columns() -> list[tuple[str, str]]:
    """(name, SQL aggregate) of the per-pathway sums, over the person rows ``p``."""
    columns: list[tuple[str, str]] = [("people", "COUNT(*)")]
    for w in WINDOWS:
        followed = _followed(w)
        columns.append((f"followed_{w}", _sum(followed)))
        for k in ("nfod", "fod", "arrest", "booking", "ed", "tx"):
            columns.append((f"{k}_{w}", _sum(f"{followed} AND p.{k} <= {w}")))
        columns.append((f"jail_days_{w}", _sum(followed, f"p.jail_{w}")))
    columns.append(("followed_initiation", _sum(_followed(INITIATION_DAYS))))
    columns.append(
        (
            "initiated",
            _sum(f"{_followed(INITIATION_DAYS)} AND p.tx <= {INITIATION_DAYS}"),
        )
    )
    columns.append(("followed_engagement", _sum(_followed(ENGAGEMENT_DAYS))))
    columns.append(
        (
            "engaged",
            _sum(f"{_followed(ENGAGEMENT_DAYS)} AND p.tx_contacts >= {ENGAGEMENT_CONTACTS}"),
        )
    )
    for days in RETENTION_DAYS:
        admitted = f"(p.tx IS NOT NULL AND p.tx + {days} <= p.fu)"
        columns.append((f"admitted_{days}", _sum(admitted)))
        columns.append(
            (
                f"retained_{days}",
                _sum(f"{admitted} AND (p.left_after IS NULL OR p.left_after > p.tx + {days})"),
            )
        )
    columns.append(("admitted", _sum("p.tx IS NOT NULL")))
    columns.append(("completed", _sum("p.tx IS NOT NULL AND p.done IS NOT NULL")))
    person_days = _least("p.fu", "COALESCE(p.death, p.fu)")
    columns.append(("person_days", f"SUM({person_days})"))
    for k in COUNTED_EVENTS:
        columns.append((f"events_{k}", f"SUM(p.n_{k})"))
    return columns


def group_sums(cohort: Cohort, as_of: dt.datetime) -> dict[str, dict[str, float]]:
    """The cohort's sums by pathway (numerators, denominators, person-days), in SQL."""
    inner, params = person_rows_sql(cohort, as_of)
    columns = group_columns()
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns)
    sql = f"SELECT p.pathway, {select} FROM ({inner}) p GROUP BY p.pathway ORDER BY p.pathway"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [name for name, _ in columns]
    return {
        row[0]: {name: float(value or 0) for name, value in zip(names, row[1:], strict=True)}
        for row in rows
    }


def durations(cohort: Cohort, as_of: dt.datetime) -> list[dict[str, Any]]:
    """Per person: pathway, days followed, and the first day of death, repeat overdose,
    re-arrest and treatment admission (None: none), for the survival curves."""
    inner, params = person_rows_sql(cohort, as_of)
    sql = f"SELECT p.pathway, p.fu, p.death, p.fod, p.nfod, p.arrest, p.tx FROM ({inner}) p"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    keys = ("pathway", "fu", "death", "fod", "nfod", "arrest", "tx")
    return [
        {k: v if k == "pathway" or v is None else float(v) for k, v in zip(keys, row, strict=True)}
        for row in rows
    ]
