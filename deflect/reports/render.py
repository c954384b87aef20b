"""A report as a PDF (WeasyPrint, with its charts) and as an XLSX workbook (openpyxl)."""

from __future__ import annotations

import base64
import io
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font

from deflect.reporting import charts

from .selectors import Report, SectionResult, report_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chart_items(result: SectionResult) -> list[tuple[str, float | None]]:
    """The section's figures as chart bars; a suppressed or missing figure is None."""
    items: list[tuple[str, float | None]] = []
    for figure in result.figures:
        value = figure.value
        if value.note or value.suppressed:
            items.append((figure.measure.name, None))
        elif figure.measure.kind == "share":
            items.append(
                (
                    figure.measure.name,
                    round(100 * (value.numerator or 0) / value.denominator, 1)
                    if value.denominator
                    else None,
                )
            )
        else:
            items.append((figure.measure.name, value.total))
    return items


def section_chart(result: SectionResult) -> Any:
    """The section's figures as one bar chart (Altair, from ``reporting.charts``)."""
    rows = [{"measure": name, "value": value} for name, value in chart_items(result)]
    return charts.bar(
        rows,
        category="measure",
        value="value",
        title=result.section.title,
        category_title="Measure",
        value_title="Value (percentages for shares)",
    )


def section_charts(report: Report) -> dict[int, Any]:
    """The chart of every charted section, by index in ``report.sections``."""
    return {
        index: section_chart(result)
        for index, result in enumerate(report.sections)
        if result.section.chart
    }


def report_context(report: Report, *, for_print: bool = False) -> dict:
    """The template context. On the page a chart is its Vega-Lite spec (drawn by vega-embed,
    with its table); in print it is a PNG rendered by vl-convert, as a data URI."""
    chart_of = section_charts(report)
    shown: dict[int, Any] = {}
    for index, chart in chart_of.items():
        if for_print:
            png = charts.to_png(chart)
            shown[index] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        else:
            shown[index] = charts.to_spec(chart)
    return {
        "report": report,
        "for_print": for_print,
        "sections": [(result, shown.get(i)) for i, result in enumerate(report.sections)],
    }


def report_html(report: Report, *, for_print: bool = False) -> str:
    return render_to_string(
        "reports/report_print.html" if for_print else "reports/report_body.html",
        report_context(report, for_print=for_print),
    )


def report_pdf(report: Report) -> bytes:
    # WeasyPrint takes about a second to import: only PDF requests pay for it.
    import weasyprint  # noqa: PLC0415

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    html = report_html(report, for_print=True)
    return weasyprint.HTML(string=html).write_pdf()


def report_xlsx(report: Report) -> bytes:
    """A workbook: the report (one row per figure and pathway), then the definitions."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append([report.template.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Period", report.period.label])
    sheet.append(["Program", report.program.name if report.program else "All visible programs"])
    sheet.append(["Generated", timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")])
    if report.suppressed:
        sheet.append(["Counts from 1 to 10 are shown as <11 (small-cell suppression)."])
    sheet.append([])
    header = ["Section", "Measure", "Pathway", "Value", "95% interval", "Base", "Definition"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        value = row[3]
        number: object = value
        if value.isdigit():
            number = int(value)
        sheet.append([row[0], row[1], row[2], number, row[4], row[5], row[6]])
    for column, width in zip("ABCDEFG", (40, 44, 30, 14, 18, 14, 80), strict=True):
        sheet.column_dimensions[column].width = width
    for index, chart in section_charts(report).items():
        chart_sheet = book.create_sheet(f"Chart {index + 1}")
        chart_sheet.append([report.sections[index].section.title])
        image = SheetImage(io.BytesIO(charts.to_png(chart)))
        chart_sheet.add_image(image, "A3")
    definitions = book.create_sheet("Definitions")
    definitions.append(["Measure", "Definition", "Numerator", "Denominator"])
    for result in report.sections:
        for figure in result.figures:
            m = figure.measure
            definitions.append([m.name, m.definition, m.numerator, m.denominator])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
