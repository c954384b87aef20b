"""Funder reports: templates are data, render with no data, and give the program's figures as
a page, a PDF with its charts and an XLSX workbook."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image as PILImage
from pypdf import PdfReader

from deflect.audit.models import AuditEvent
from deflect.outcomes.models import ExternalRecord
from deflect.referrals import services as referral_services
from deflect.referrals.tests.factories import encounter_by, send_referral
from deflect.reporting import charts
from deflect.reports import render, selectors
from deflect.reports.errors import ReportError, ReportErrorCode
from deflect.reports.measures import MEASURES, NEEDS_JAIL_DATA, Value
from deflect.screening.models import NeedsScreening

pytestmark = pytest.mark.django_db

BUILTIN = ["cossup-quarterly", "stepping-up"]


def _recent() -> str:
    today = timezone.localdate()
    return f"{today - dt.timedelta(days=2)}..{today + dt.timedelta(days=1)}"


def _figures(report) -> dict:
    return {f.measure.key: f for result in report.sections for f in result.figures}


def _pdf_image_sizes(content: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(content))
    return [image.image.size for page in reader.pages for image in page.images]


def _chart_sizes(report) -> list[tuple[int, int]]:
    """The pixel size of each charted section's PNG, as vl-convert renders it."""
    return [
        PILImage.open(io.BytesIO(charts.to_png(chart))).size
        for chart in render.section_charts(report).values()
    ]


@pytest.mark.parametrize("slug", BUILTIN)
def test_each_report_renders_with_no_data_as_page_pdf_and_workbook(world, client, slug):
    client.force_login(world.coordinator)
    query = {"period": "2019-Q2"}
    page = client.get(reverse("reports:detail", args=[slug]), query)
    assert page.status_code == 200
    template = selectors.template_get(slug)
    assert template.title in page.content.decode()
    pdf = client.get(reverse("reports:pdf", args=[slug]), query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert template.title in text and "2019-Q2" in text
    charted = sum(1 for section in template.sections if section.chart)
    report = selectors.report_build(
        actor=world.coordinator, template=template, period=selectors.period_parse("2019-Q2")
    )
    in_pdf = _pdf_image_sizes(pdf.content)
    assert charted and all(size in in_pdf for size in _chart_sizes(report))
    xlsx = client.get(reverse("reports:xlsx", args=[slug]), query)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Report"]["A1"].value == template.title
    assert "Definitions" in book.sheetnames
    assert len([name for name in book.sheetnames if name.startswith("Chart")]) == charted


def test_a_template_added_as_a_file_renders_without_code(world, client, settings, tmp_path):
    (tmp_path / "state-monthly.toml").write_text(
        'slug = "state-monthly"\n'
        'title = "State monthly naloxone return"\n'
        "[[sections]]\n"
        'title = "Naloxone"\n'
        "chart = true\n"
        'measures = ["naloxone_administered", "naloxone_kits_left"]\n',
        encoding="utf-8",
    )
    settings.DEFLECT_REPORT_TEMPLATE_DIRS = [tmp_path]
    assert "state-monthly" in [t.slug for t in selectors.template_list()]
    client.force_login(world.analyst)
    listing = client.get(reverse("reports:list"))
    assert "State monthly naloxone return" in listing.content.decode()
    page = client.get(reverse("reports:detail", args=["state-monthly"]), {"period": "2026-Q1"})
    assert page.status_code == 200
    assert "Naloxone doses administered" in page.content.decode()
    pdf = client.get(reverse("reports:pdf", args=["state-monthly"]), {"period": "2026-Q1"})
    report = selectors.report_build(
        actor=world.analyst,
        template=selectors.template_get("state-monthly"),
        period=selectors.period_parse("2026-Q1"),
    )
    (size,) = _chart_sizes(report)
    assert size in _pdf_image_sizes(pdf.content)
    xlsx = client.get(reverse("reports:xlsx", args=["state-monthly"]), {"period": "2026-Q1"})
    assert load_workbook(io.BytesIO(xlsx.content))["Report"]["A1"].value.startswith("State")


def test_a_template_naming_an_unknown_measure_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'title = "Bad"\n[[sections]]\ntitle = "x"\nmeasures = ["no_such_measure"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ReportError) as raised:
        selectors.template_list([tmp_path])
    assert raised.value.code == ReportErrorCode.TEMPLATE_INVALID
    assert "no_such_measure" in str(raised.value)


def test_periods_are_quarters_or_ranges_and_bad_ones_are_explained(world, client):
    q = selectors.period_parse("2026-Q3")
    assert (q.first, q.last) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    q4 = selectors.period_parse("2025-Q4")
    assert q4.last == dt.date(2025, 12, 31)
    default = selectors.period_parse(None, today=dt.date(2026, 2, 10))
    assert default.label == "2025-Q4"
    client.force_login(world.coordinator)
    bad = client.get(reverse("reports:detail", args=["cossup-quarterly"]), {"period": "soon"})
    assert bad.status_code == 400 and "2026-Q3" in bad.content.decode()
    missing = client.get(reverse("reports:detail", args=["no-such-report"]))
    assert missing.status_code == 404


def _some_work(world):
    """Three people met after an overdose, one walk-in, and a referral that reached intake."""
    for _ in range(3):
        encounter_by(world.officer, "naloxone_plus")
    encounter_by(world.officer, "self_referral")
    referral = send_referral(world)
    referral_services.referral_transition(actor=world.provider, referral=referral, to="accepted")
    referral_services.referral_transition(
        actor=world.provider,
        referral=referral,
        to="in-progress",
        intake_at=timezone.now() - dt.timedelta(minutes=5),
    )
    encounter_by(world.other_officer, "naloxone_plus")  # another county: never counted


def test_the_coordinator_gets_the_quarters_figures_in_every_format(world, client):
    _some_work(world)
    template = selectors.template_get("cossup-quarterly")
    report = selectors.report_build(
        actor=world.coordinator, template=template, period=selectors.period_parse(_recent())
    )
    figures = _figures(report)
    contacted = figures["people_contacted"].value
    assert contacted.total == 5
    assert contacted.by_pathway == {
        "naloxone_plus": 3,
        "self_referral": 1,
        "first_responder_referral": 1,
    }
    assert contacted.low is not None and contacted.low < 5 < contacted.high
    assert figures["people_referred"].value.total == 1
    assert figures["people_engaged_in_treatment"].value.total == 1
    assert figures["overdoses_nonfatal"].value.total == 3
    assert figures["overdose_deaths"].value.total == 0
    client.force_login(world.coordinator)
    xlsx = client.get(reverse("reports:xlsx", args=["cossup-quarterly"]), {"period": _recent()})
    sheet = load_workbook(io.BytesIO(xlsx.content))["Report"]
    rows = {
        (r[1], r[2]): r[3] for r in sheet.iter_rows(values_only=True) if r and len(r) > 3 and r[1]
    }
    assert rows[("People contacted", "All")] == 5
    assert rows[("People contacted", "Naloxone Plus")] == 3
    assert rows[("Non-fatal overdoses among participants", "All")] == 3
    pdf = client.get(reverse("reports:pdf", args=["cossup-quarterly"]), {"period": _recent()})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "People contacted" in text and "Naloxone Plus" in text
    events = AuditEvent.objects.filter(action="report.view", actor_id=world.coordinator.pk)
    assert sorted(e.extra["format"] for e in events) == ["pdf", "xlsx"]


def test_the_analyst_sees_small_counts_suppressed_including_by_subtraction(world):
    _some_work(world)
    template = selectors.template_get("cossup-quarterly")
    report = selectors.report_build(
        actor=world.analyst, template=template, period=selectors.period_parse(_recent())
    )
    assert report.suppressed
    contacted = _figures(report)["people_contacted"]
    assert contacted.shown == "<11" and contacted.interval == ""
    assert set(contacted.value.by_pathway.values()) == {None}
    assert _figures(report)["overdose_deaths"].shown == "0"


def test_a_lone_small_pathway_cell_takes_a_second_cell_with_it():
    value = Value(total=40, by_pathway={"naloxone_plus": 25, "self_referral": 12, "x": 3})
    selectors._suppress(MEASURES["people_contacted"], value)
    # 3 alone would be 40 - 25 - 12: the smallest other cell (12) is hidden as well.
    assert value.by_pathway == {"naloxone_plus": 25, "self_referral": None, "x": None}
    assert value.total == 40 and not value.suppressed


def test_stepping_up_says_needs_jail_data_without_bookings(world):
    _some_work(world)
    report = selectors.report_build(
        actor=world.coordinator,
        template=selectors.template_get("stepping-up"),
        period=selectors.period_parse(_recent()),
    )
    figures = _figures(report)
    for key in ("mh_booked", "mh_length_of_stay", "mh_recidivism"):
        assert figures[key].shown == NEEDS_JAIL_DATA
    assert figures["mh_connected_to_treatment"].shown in {"no data", "0.0%"}


def _mental_health_need(encounter):
    NeedsScreening.objects.create(
        encounter=encounter, mental_health_crisis=True, recommended_level_of_care="outpatient"
    )


def _booking(world, person, key, *, booked_days_ago, released_days_ago):
    now = timezone.now()
    ExternalRecord.objects.create(
        program=world.program,
        source="county-jail",
        source_record_id=key,
        kind="jail_booking",
        event_at=now - dt.timedelta(days=booked_days_ago),
        released_at=now - dt.timedelta(days=released_days_ago),
        person=person,
    )


def test_stepping_up_measures_from_jail_bookings(world):
    first = encounter_by(world.officer, "community_response")
    second = encounter_by(world.officer, "community_response")
    _mental_health_need(first)
    _mental_health_need(second)
    _booking(world, first.person, "b1", booked_days_ago=10, released_days_ago=7)
    _booking(world, first.person, "b0", booked_days_ago=110, released_days_ago=100)
    _booking(world, second.person, "b2", booked_days_ago=5, released_days_ago=4)
    today = timezone.localdate()
    period = selectors.period_parse(f"{today - dt.timedelta(days=30)}..{today}")
    report = selectors.report_build(
        actor=world.coordinator, template=selectors.template_get("stepping-up"), period=period
    )
    figures = _figures(report)
    assert figures["mh_people"].value.total == 2
    assert figures["mh_booked"].value.total == 2
    assert figures["mh_length_of_stay"].value.total == pytest.approx(2.0, abs=0.05)
    assert figures["mh_length_of_stay"].base == "n = 2"
    # Stays of 3 and 1 days: sd 1.41, t(0.975, 1) = 12.71, so 2 +/- 12.7 (floored at 0).
    stay = figures["mh_length_of_stay"].value
    assert stay.low == 0.0 and stay.high == pytest.approx(2 + 12.706 * 1.0, abs=0.1)
    recidivism = figures["mh_recidivism"]
    assert (recidivism.value.numerator, recidivism.value.denominator) == (1, 2)
    assert recidivism.shown == "50.0%" and recidivism.interval
    connected = figures["mh_connected_to_treatment"]
    assert (connected.value.numerator, connected.value.denominator) == (0, 2)


def test_the_api_gives_the_figures_and_names_an_unknown_report(world, client):
    _some_work(world)
    client.force_login(world.analyst)
    response = client.get("/api/v1/reports/cossup-quarterly", {"period": _recent()})
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is True
    contacted = next(f for f in body["figures"] if f["measure"] == "people_contacted")
    assert contacted["value"] == "<11"
    assert set(contacted["by_pathway"].values()) == {"<11"}
    listing = client.get("/api/v1/reports/templates").json()
    assert {"cossup-quarterly", "stepping-up"} <= {t["slug"] for t in listing}
    missing = client.get("/api/v1/reports/no-such-report")
    assert missing.status_code == 404
    assert missing.json()["code"] == "report_template_not_found"
    bad = client.get("/api/v1/reports/stepping-up", {"period": "later"})
    assert bad.status_code == 400 and bad.json()["code"] == "report_period_invalid"
