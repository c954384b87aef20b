"""Funder reports API: the templates, and a report's figures for one period."""

from __future__ import annotations

from ninja import Query, Router, Schema

from deflect.access import capabilities as caps
from deflect.access.policy import get_for, require
from deflect.accounts.http import ApiRequest
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.schemas import WITH_NOT_FOUND, Id
from deflect.programs.models import Program

from . import selectors

router = Router(tags=["reports"])


class TemplateOut(Schema):
    slug: str
    title: str
    funder: str
    description: str


class FigureOut(Schema):
    section: str
    measure: str
    name: str
    value: str  # "<11" suppressed, "needs jail data", "no data", a count or a percentage
    interval: str
    base: str
    by_pathway: dict[str, str]


class ReportOut(Schema):
    slug: str
    title: str
    period: str
    first_day: str
    last_day: str
    program_id: int | None
    suppressed: bool
    figures: list[FigureOut]


class ReportQuery(Schema):
    period: str | None = None
    program_id: Id | None = None


@router.get("/templates", response={200: list[TemplateOut], **WITH_NOT_FOUND})
def templates(request: ApiRequest) -> list[TemplateOut]:
    require(request.auth, caps.REPORT_VIEW)
    return [
        TemplateOut(slug=t.slug, title=t.title, funder=t.funder, description=t.description)
        for t in selectors.template_list()
    ]


@router.get(
    "/{slug}",
    response={200: ReportOut, **WITH_NOT_FOUND},
    summary="A funder report's figures for a quarter (2026-Q3) or a range (from..to)",
)
def report(request: ApiRequest, slug: str, query: Query[ReportQuery]) -> ReportOut:
    require(request.auth, caps.REPORT_VIEW)
    program = (
        get_for(request.auth, Program, query.program_id, caps.REPORT_VIEW)
        if query.program_id
        else None
    )
    template = selectors.template_get(slug)
    period = selectors.period_parse(query.period)
    built = selectors.report_build(
        actor=request.auth, template=template, period=period, program=program
    )
    audit_record(
        action=Action.REPORT_VIEW,
        actor=request.auth,
        extra={"report": slug, "period": period.key, "program": query.program_id, "format": "api"},
    )
    return ReportOut(
        slug=template.slug,
        title=template.title,
        period=period.label,
        first_day=period.first.isoformat(),
        last_day=period.last.isoformat(),
        program_id=program.pk if program else None,
        suppressed=built.suppressed,
        figures=[
            FigureOut(
                section=result.section.title,
                measure=figure.measure.key,
                name=figure.measure.name,
                value=figure.shown,
                interval=figure.interval,
                base=figure.base,
                by_pathway={p: figure.pathway_shown(p) for p in result.pathways},
            )
            for result in built.sections
            for figure in result.figures
        ],
    )
