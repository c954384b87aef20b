"""Training API: coverage per agency, group and course, and per shift."""

from __future__ import annotations

from ninja import Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import WITH_NOT_FOUND, Id
from deflect.programs.models import Program

from . import selectors

router = Router(tags=["training"])


class CoverageOut(Schema):
    agency: str
    group: str
    course: str
    staff: int
    trained: int
    share: float | None
    minimum: int
    below_minimum: bool


class ShiftOut(Schema):
    shift: str
    on_duty: int
    cit_trained: int
    minimum: int
    below_minimum: bool


class TrainingCoverageOut(Schema):
    coverage: list[CoverageOut]
    shifts: list[ShiftOut]


@router.get(
    "/programs/{program_id}/coverage",
    response={200: TrainingCoverageOut, **WITH_NOT_FOUND},
    summary="Share of sworn officers and dispatchers trained, and CIT coverage per shift",
)
def coverage(request: ApiRequest, program_id: Id) -> TrainingCoverageOut:
    program = get_for(request.auth, Program, program_id)
    require(request.auth, caps.TRAINING_VIEW, program)
    return TrainingCoverageOut(
        coverage=[CoverageOut(**row.__dict__) for row in selectors.coverage_report(program)],
        shifts=[ShiftOut(**row.__dict__) for row in selectors.shift_report(program)],
    )
