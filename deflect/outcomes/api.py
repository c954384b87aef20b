"""Outcomes API: the measures (the same as the Outcomes page), and importing a CSV file of
outside records (checked and saved in one call; all or nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require
from deflect.accounts.http import ApiRequest
from deflect.core.errors import ValidationFailed
from deflect.core.models import Pathway
from deflect.core.schemas import WITH_CONFLICT, WITH_NOT_FOUND, Id, IsoDate
from deflect.programs.models import Program

from . import selectors, services
from .errors import OutcomesErrorCode
from .forms import local_start
from .models import BatchStatus, ImportBatch, RecordKind
from .stats import Proportion, Rate

router = Router(tags=["outcomes"])

Comparison = Literal["", "eligible", "period"]
NOT_RANDOMIZED = (
    "This is not a randomized comparison: the groups may differ in ways the records do not "
    "show, so a difference is not proof that deflection caused it."
)


class OutcomeCellOut(Schema):
    group: str
    suppressed: bool = Field(description="A count from 1 to 10: no figure is given.")
    numerator: int | None = Field(None, description="People with the outcome, or events.")
    denominator: float | None = Field(None, description="People followed, or person-days.")
    value: float | None = Field(None, description="A proportion (0-1) or a rate per 1,000.")
    ci_low: float | None = None
    ci_high: float | None = None


class OutcomeMeasureOut(Schema):
    key: str
    label: str
    unit: Literal["proportion", "rate"]
    cells: list[OutcomeCellOut]


class CurvePointOut(Schema):
    day: float
    survival: float
    ci_low: float
    ci_high: float
    at_risk: int


class CurveOut(Schema):
    measure: str
    group: str
    people: int
    events: int
    median_days: float | None
    points: list[CurvePointOut]


class ComparisonOut(Schema):
    measure: str
    kind: str
    suppressed: bool
    value: float | None
    ci_low: float | None
    ci_high: float | None
    note: str


class OutcomesOut(Schema):
    program_id: int
    start: dt.date
    end: dt.date
    groups: dict[str, str] = Field(description="Group key -> label.")
    people: dict[str, int | None] = Field(description="People per group (None: under 11).")
    measures: list[OutcomeMeasureOut]
    curves: list[CurveOut]
    comparisons: list[ComparisonOut]
    not_randomized: str = NOT_RANDOMIZED


def _cell(group: str, cell: Proportion | Rate) -> OutcomeCellOut:
    if isinstance(cell, Proportion):
        return OutcomeCellOut(
            group=group,
            suppressed=cell.suppressed,
            numerator=None if cell.suppressed else cell.numerator,
            denominator=None if cell.suppressed else cell.denominator,
            value=cell.value,
            ci_low=cell.low,
            ci_high=cell.high,
        )
    return OutcomeCellOut(
        group=group,
        suppressed=cell.suppressed,
        numerator=None if cell.suppressed else cell.events,
        denominator=round(cell.person_days, 2),
        value=cell.per_1000,
        ci_low=cell.low,
        ci_high=cell.high,
    )


def _program(request: ApiRequest, program_id: int, capability: str) -> Program:
    require(request.auth, capability)
    program = get_for(request.auth, Program, program_id)
    require(request.auth, capability, program)
    return program


@router.get(
    "/programs/{program_id}/measures",
    response={200: OutcomesOut, **WITH_NOT_FOUND},
    summary="Outcome measures with 95% intervals, curves and the comparison (small cells hidden)",
)
def measures(
    request: ApiRequest,
    program_id: Id,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
    pathway: Literal[tuple(Pathway.values)] | None = None,  # type: ignore[valid-type]
    agency_id: Id | None = None,
    comparison: Comparison = "",
    compare_start: IsoDate | None = None,
    compare_end: IsoDate | None = None,
) -> OutcomesOut:
    program = _program(request, program_id, caps.OUTCOMES_VIEW)
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=365)
    report = selectors.outcomes_report(
        actor=request.auth,
        program=program,
        start=local_start(start),
        end=local_start(end) + selectors.ONE_DAY,
        pathway=pathway or "",
        agency_id=agency_id,
        comparison=comparison,
        compare_start=local_start(compare_start) if compare_start else None,
        compare_end=local_start(compare_end) + selectors.ONE_DAY if compare_end else None,
    )
    return OutcomesOut(
        program_id=program.pk,
        start=start,
        end=end,
        groups=dict(report.columns),
        people={k: (None if 0 < n < 11 else n) for k, n in report.people.items()},
        measures=[
            OutcomeMeasureOut(
                key=row.key,
                label=row.label,
                unit=row.unit,  # type: ignore[arg-type]
                cells=[_cell(group, cell) for group, cell in row.cells.items()],
            )
            for row in report.rows
        ],
        curves=[
            CurveOut(
                measure=title,
                group=curve.group,
                people=curve.people,
                events=curve.events,
                median_days=curve.median,
                points=[
                    CurvePointOut(day=p[0], survival=p[1], ci_low=p[2], ci_high=p[3], at_risk=p[4])
                    for p in curve.points
                ],
            )
            for title, curves in report.curves.items()
            for curve in curves
        ],
        comparisons=[
            ComparisonOut(
                measure=c.measure,
                kind=c.kind,
                suppressed=c.suppressed,
                value=c.value,
                ci_low=c.low,
                ci_high=c.high,
                note=c.note,
            )
            for c in report.comparisons
        ],
    )


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=64)
    kind: Literal[tuple(RecordKind.values)]  # type: ignore[valid-type]
    csv: str = Field(min_length=1, max_length=services.MAX_FILE_BYTES)
    mapping: str = Field("", max_length=20_000, description="A TOML mapping file, if any.")
    file_name: str = Field("", max_length=255)
    dry_run: bool = False


class ProblemOut(Schema):
    line: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    status: str
    dry_run: bool
    rows: int
    new: int
    existing: int
    problems: list[ProblemOut]


def _batch_out(batch: ImportBatch) -> ImportOut:
    return ImportOut(
        id=batch.pk,
        status=batch.status,
        dry_run=batch.dry_run,
        rows=batch.row_count,
        new=batch.created_count,
        existing=batch.existing_count,
        problems=[ProblemOut(**p) for p in batch.errors],
    )


@router.post(
    "/programs/{program_id}/imports",
    response={201: ImportOut, **WITH_CONFLICT},
    summary="Import a CSV file of outside records (all or nothing; 422 names every bad row)",
)
def import_create(request: ApiRequest, program_id: Id, payload: ImportIn) -> Status[ImportOut]:
    program = _program(request, program_id, caps.OUTSIDE_RECORD_IMPORT)
    batch = services.records_import(
        actor=request.auth,
        program=program,
        source=payload.source,
        kind=payload.kind,
        content=payload.csv.encode("utf-8"),
        file_name=payload.file_name,
        mapping_text=payload.mapping,
        dry_run=payload.dry_run,
    )
    if batch.status == BatchStatus.FAILED:
        fields: dict[str, list[str]] = {}
        for problem in batch.errors:
            where = f"line {problem['line']}"
            column = f", column {problem['column']}" if problem["column"] else ""
            fields.setdefault(where, []).append(f"{where}{column}: {problem['message']}")
        raise ValidationFailed(
            f"Nothing was imported: {len(batch.errors)} problem(s) (import {batch.pk}).",
            fields=fields,
            code=OutcomesErrorCode.IMPORT_INVALID_ROW,
        )
    return Status(201, _batch_out(batch))


@router.get(
    "/imports/{batch_id}",
    response={200: ImportOut, **WITH_NOT_FOUND},
    summary="One import: status, progress and problems",
)
def import_get(request: ApiRequest, batch_id: Id) -> ImportOut:
    require(request.auth, caps.OUTSIDE_RECORD_IMPORT)
    batch = get_for(request.auth, ImportBatch, batch_id)
    require(request.auth, caps.OUTSIDE_RECORD_IMPORT, batch)
    return _batch_out(batch)
