from ninja import Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT, WITH_NOT_FOUND, Id

from . import services
from .models import Program

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    name: str
    jurisdiction: str
    description: str
    agency_ids: list[int]
    pathways: list[str]


class ProgramPatch(Schema):
    pathways: list[str]
    description: str | None = None
    jurisdiction: str | None = None


def _out(program: Program) -> ProgramOut:
    return ProgramOut(
        id=program.pk,
        name=program.name,
        jurisdiction=program.jurisdiction,
        description=program.description,
        agency_ids=sorted(a.pk for a in program.agencies.all()),
        pathways=sorted(p.pathway for p in program.pathways.all()),
    )


@router.get("", response={200: list[ProgramOut], **COMMON_ERRORS}, summary="Programs I may see")
def program_list(request: ApiRequest) -> list[ProgramOut]:
    require(request.auth, caps.PROGRAM_VIEW)
    programs = visible_to(request.auth, Program).prefetch_related("agencies", "pathways")
    return [_out(p) for p in programs]


@router.get("/{program_id}", response={200: ProgramOut, **WITH_NOT_FOUND}, summary="One program")
def program_get(request: ApiRequest, program_id: Id) -> ProgramOut:
    return _out(get_for(request.auth, Program, program_id))


@router.patch(
    "/{program_id}",
    response={200: ProgramOut, **WITH_CONFLICT},
    summary="Change enabled pathways and description",
)
def program_patch(request: ApiRequest, program_id: Id, payload: ProgramPatch) -> ProgramOut:
    program = get_for(request.auth, Program, program_id, caps.PROGRAM_MANAGE)
    services.program_update(
        actor=request.auth,
        program=program,
        pathways=payload.pathways,
        description=payload.description,
        jurisdiction=payload.jurisdiction,
    )
    return _out(program)
