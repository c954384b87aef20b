"""Funder reports: the templates (data files) and the report a template gives for one period.
Reads only; the figures come from ``reports.measures`` over the rows the actor may see."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from deflect.access import capabilities as caps
from deflect.access.policy import can, require
from deflect.accounts.models import User
from deflect.programs.models import Program

from .errors import ReportError, ReportErrorCode, ReportNotFound
from .measures import MEASURES, PATHWAY_LABELS, Measure, Scope, Value

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "report_templates"
SMALL_CELL = 11
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Section:
    title: str
    measures: tuple[str, ...]
    by_pathway: bool = False
    chart: bool = False


@dataclass(frozen=True)
class ReportTemplate:
    slug: str
    title: str
    funder: str
    description: str
    sections: tuple[Section, ...]
    source: Path


def template_dirs() -> list[Path]:
    return [BUILTIN_TEMPLATES, *getattr(settings, "DEFLECT_REPORT_TEMPLATE_DIRS", [])]


def _invalid(path: Path, why: str) -> ReportError:
    return ReportError(f"Report template {path.name}: {why}", code=ReportErrorCode.TEMPLATE_INVALID)


def template_parse(path: Path) -> ReportTemplate:
    """One template file: a slug, a title, and sections that name measures by key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _invalid(path, f"cannot be read ({error})") from error
    slug = str(data.get("slug") or path.stem)
    if not SLUG.match(slug):
        raise _invalid(path, "the slug must be lower-case letters, digits and dashes")
    if not data.get("title"):
        raise _invalid(path, "a title is required")
    sections = []
    for raw in data.get("sections", []):
        keys = tuple(raw.get("measures", []))
        unknown = [key for key in keys if key not in MEASURES]
        if unknown:
            raise _invalid(path, f"unknown measures {', '.join(unknown)}")
        if not raw.get("title") or not keys:
            raise _invalid(path, "every section needs a title and at least one measure")
        sections.append(
            Section(
                title=str(raw["title"]),
                measures=keys,
                by_pathway=bool(raw.get("by_pathway", False)),
                chart=bool(raw.get("chart", False)),
            )
        )
    if not sections:
        raise _invalid(path, "at least one section is required")
    return ReportTemplate(
        slug=slug,
        title=str(data["title"]),
        funder=str(data.get("funder", "")),
        description=str(data.get("description", "")),
        sections=tuple(sections),
        source=path,
    )


def template_list(dirs: list[Path] | None = None) -> list[ReportTemplate]:
    """Every template file (``*.toml``) in the template folders; a later folder's template
    replaces a built-in one with the same slug, so a state can adapt a report."""
    found: dict[str, ReportTemplate] = {}
    for folder in dirs if dirs is not None else template_dirs():
        for path in sorted(Path(folder).glob("*.toml")):
            template = template_parse(path)
            found[template.slug] = template
    return sorted(found.values(), key=lambda t: t.title)


def template_get(slug: str) -> ReportTemplate:
    for template in template_list():
        if template.slug == slug:
            return template
    raise ReportNotFound(f"There is no report template {slug!r}.")


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    label: str

    @property
    def key(self) -> str:
        return self.label if QUARTER.match(self.label) else f"{self.first}..{self.last}"


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    next_first = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return Period(first, next_first - dt.timedelta(days=1), f"{year}-Q{quarter}")


def period_parse(text: str | None, *, today: dt.date | None = None) -> Period:
    """A quarter ("2026-Q3") or a range ("2026-01-01..2026-06-30"); default: the last full
    quarter before ``today``."""
    today = today or timezone.localdate()
    if not text:
        quarter = (today.month - 1) // 3 + 1
        year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
        return quarter_period(year, quarter)
    match = QUARTER.match(text.strip())
    if match:
        return quarter_period(int(match[1]), int(match[2]))
    try:
        first_text, last_text = text.split("..")
        first, last = dt.date.fromisoformat(first_text), dt.date.fromisoformat(last_text)
    except ValueError as error:
        raise ReportError(
            "The period is a quarter like 2026-Q3 or dates like 2026-01-01..2026-03-31.",
            code=ReportErrorCode.PERIOD_INVALID,
            fields={"period": ["Not a quarter or a date range."]},
        ) from error
    if last < first:
        raise ReportError(
            "The period ends before it starts.",
            code=ReportErrorCode.PERIOD_INVALID,
            fields={"period": ["The end is before the start."]},
        )
    return Period(first, last, f"{first.isoformat()} to {last.isoformat()}")


def recent_quarters(*, today: dt.date | None = None, count: int = 8) -> list[Period]:
    today = today or timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(quarter_period(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out


# --- the report -------------------------------------------------------------------------------


@dataclass
class Figure:
    measure: Measure
    value: Value

    @property
    def shown(self) -> str:
        """The figure as text: "<11" suppressed, "needs jail data", a percentage or a count."""
        value = self.value
        if value.note:
            return value.note
        if value.suppressed:
            return "<11"
        if self.measure.kind == "share":
            if not value.denominator:
                return "no data"
            return f"{100 * (value.numerator or 0) / value.denominator:.1f}%"
        if value.total is None:
            return "no data"
        return str(value.total)

    @property
    def interval(self) -> str:
        if self.value.low is None or self.value.high is None:
            return ""
        unit = "%" if self.measure.kind == "share" else ""
        return f"{self.value.low:.1f}{unit}–{self.value.high:.1f}{unit}"

    @property
    def base(self) -> str:
        """ "n of N" for a share, "n = N" for a mean."""
        value = self.value
        if value.note or value.suppressed:
            return ""
        if self.measure.kind == "share" and value.denominator:
            return f"{value.numerator} of {value.denominator}"
        if self.measure.kind == "mean" and value.denominator:
            return f"n = {value.denominator}"
        return ""

    def pathway_shown(self, pathway: str) -> str:
        n = self.value.by_pathway.get(pathway, 0)
        return "<11" if n is None else str(n)


@dataclass
class SectionResult:
    section: Section
    figures: list[Figure]
    pathways: list[str] = field(default_factory=list)

    def pathway_rows(self) -> list[tuple[str, list[str]]]:
        return [
            (PATHWAY_LABELS.get(p, p), [f.pathway_shown(p) for f in self.figures])
            for p in self.pathways
        ]


@dataclass
class Report:
    template: ReportTemplate
    period: Period
    program: Program | None
    sections: list[SectionResult]
    suppressed: bool
    generated_at: dt.datetime


def _poisson_interval(n: int) -> tuple[float, float]:
    """Exact (Garwood) 95% interval of a count treated as a Poisson outcome."""
    low = 0.0 if n == 0 else chi2.ppf(0.025, 2 * n) / 2
    high = chi2.ppf(0.975, 2 * (n + 1)) / 2
    return float(low), float(high)


def _with_interval(measure: Measure, value: Value) -> Value:
    if value.note:
        return value
    if measure.kind == "share" and value.denominator:
        low, high = proportion_confint(value.numerator or 0, value.denominator, method="wilson")
        value.low, value.high = 100 * float(low), 100 * float(high)
    elif measure.kind in ("count", "sum") and isinstance(value.total, int):
        value.low, value.high = _poisson_interval(value.total)
    return value


def _small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL_CELL


def _suppress(measure: Measure, value: Value) -> Value:
    """Counts from 1 to 10, shares and means over fewer than 11 people, and a second pathway
    cell where one suppressed cell could be worked out from the total by subtraction."""
    if value.note:
        return value
    if measure.kind in ("share", "mean"):
        if _small(value.denominator) or _small(value.numerator):
            value.suppressed = True
            value.low = value.high = None
            value.numerator = value.denominator = None
            value.total = None if measure.kind == "mean" else value.total
        return value
    if _small(value.total if isinstance(value.total, int) else None):
        value.suppressed = True
        value.low = value.high = None
    cells = value.by_pathway
    hidden = {k for k, n in cells.items() if _small(n)}
    if len(hidden) == 1 and not value.suppressed:
        others = sorted((n, k) for k, n in cells.items() if k not in hidden and n)
        if others:
            hidden.add(others[0][1])
    for key in hidden:
        cells[key] = None
    return value


def report_build(
    *,
    actor: User,
    template: ReportTemplate,
    period: Period,
    program: Program | None = None,
) -> Report:
    """The template's figures for one period over the rows the actor may see. Without the
    small-cells capability (analysts), small counts are suppressed."""
    require(actor, caps.REPORT_VIEW, program)
    start = timezone.make_aware(dt.datetime.combine(period.first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min))
    scope = Scope(actor=actor, start=start, end=end, program=program)
    suppress = not can(actor, caps.DASHBOARD_SMALL_CELLS)
    sections = []
    for section in template.sections:
        figures = []
        for key in section.measures:
            measure = MEASURES[key]
            value = _with_interval(measure, measure.compute(scope))
            if suppress:
                value = _suppress(measure, value)
            figures.append(Figure(measure=measure, value=value))
        pathways: list[str] = []
        if section.by_pathway:
            seen = {p for f in figures for p in f.value.by_pathway}
            pathways = [p for p in PATHWAY_LABELS if p in seen]
        sections.append(SectionResult(section=section, figures=figures, pathways=pathways))
    return Report(
        template=template,
        period=period,
        program=program,
        sections=sections,
        suppressed=suppress,
        generated_at=timezone.now(),
    )


def report_rows(report: Report) -> list[list[str]]:
    """The report as rows (section, measure, pathway, value, interval, base, definition)."""
    rows = []
    for result in report.sections:
        for figure in result.figures:
            rows.append(
                [
                    result.section.title,
                    figure.measure.name,
                    "All",
                    figure.shown,
                    figure.interval,
                    figure.base,
                    figure.measure.definition,
                ]
            )
            for pathway in result.pathways:
                rows.append(
                    [
                        result.section.title,
                        figure.measure.name,
                        PATHWAY_LABELS.get(pathway, pathway),
                        figure.pathway_shown(pathway),
                        "",
                        "",
                        "",
                    ]
                )
    return rows
