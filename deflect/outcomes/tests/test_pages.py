"""The Outcomes pages and API as the analyst and coordinator use them; everyone else is
turned away."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deflect.audit.models import AuditEvent

from ..models import ExternalRecord, ImportBatch
from .helpers import encounter, person, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve(world):
    """Twelve people deflected after an overdose; eleven arrested again within 30 days."""
    now = timezone.now()
    people = []
    for n in range(12):
        someone = person(world)
        encounter(world, someone, now - timezone.timedelta(days=100), overdose=False)
        if n < 11:
            record(world, someone, "arrest", now - timezone.timedelta(days=90))
        people.append(someone)
    return people


def test_the_analyst_reads_the_measures_with_intervals_and_suppressed_small_cells(
    client, world, twelve
):
    client.force_login(world.analyst)
    response = client.get(reverse("outcomes:report", args=[world.program.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Re-arrest within 30 days" in page
    assert "91.7% (64.6–98.5%; 11 of 12)" in page
    assert "&lt;11" in page  # e.g. the one person not re-arrested is never shown on its own
    assert "Time to re-arrest" in page and "<svg" in page
    assert AuditEvent.objects.filter(action="outcomes.view", actor_id=world.analyst.pk).exists()


def test_the_comparison_says_it_is_not_randomized(client, world, twelve):
    client.force_login(world.coordinator)
    url = reverse("outcomes:report", args=[world.program.pk])
    response = client.get(url, {"comparison": "eligible"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is not a randomized comparison" in page
    # Nobody was screened eligible and left undeflected: every comparison is suppressed.
    assert page.count("suppressed (a group or its events count under 11)") == 2
    assert "odds ratio suppressed (a cell counts under 11)" in page


def test_the_period_must_end_after_it_starts(client, world):
    client.force_login(world.coordinator)
    url = reverse("outcomes:report", args=[world.program.pk])
    response = client.get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 422
    assert "The period must end after it starts." in response.content.decode()


def test_the_csv_has_every_measure_and_is_audited(client, world, twelve):
    client.force_login(world.analyst)
    response = client.get(reverse("outcomes:report-csv", args=[world.program.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["measure", "group", "numerator", "denominator", "value", "ci_low", "ci_high"]
    arrest = [r for r in rows if r[0] == "Re-arrest within 30 days" and r[1] == "All pathways"]
    assert arrest == [
        ["Re-arrest within 30 days", "All pathways", "11", "12", "0.9167", "0.6461", "0.9851"]
    ]
    ed = [
        r
        for r in rows
        if r[0] == "Emergency department visit within 30 days" and r[1] == "All pathways"
    ]
    assert ed[0][2:5] == ["0", "12", "0.0000"]
    assert AuditEvent.objects.filter(action="data.export", extra__export="outcomes").exists()


def test_the_api_gives_the_same_measures(client, world, twelve):
    client.force_login(world.analyst)
    response = client.get(f"/api/v1/outcomes/programs/{world.program.pk}/measures")
    assert response.status_code == 200
    body = response.json()
    arrest = next(m for m in body["measures"] if m["key"] == "arrest_30")
    cell = next(c for c in arrest["cells"] if c["group"] == "all")
    assert (cell["numerator"], cell["denominator"]) == (11, 12)
    assert cell["ci_low"] == pytest.approx(0.6461, abs=1e-4)
    assert "not a randomized comparison" in body["not_randomized"]


def test_the_upload_page_checks_then_imports(client, world):
    client.force_login(world.coordinator)
    content = (
        "source_record_id,first_name,last_name,event_at,fatal\n"
        "E1,Ana,Ruiz,2026-03-01T10:00,no\nE2,Ben,Ortiz,2026-03-02T10:00,yes\n"
    )
    response = client.post(
        reverse("outcomes:imports", args=[world.program.pk]),
        {
            "source": "marlow_ems",
            "kind": "ems_overdose",
            "file": SimpleUploadedFile("runs.csv", content.encode(), content_type="text/csv"),
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{batch.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "hx-post" in page and "Checking rows: 0 of 2" in page
    step = client.post(reverse("outcomes:batch-step", args=[batch.pk])).content.decode()
    assert "2</strong> new records" in step and "hx-post" not in step
    assert not ExternalRecord.objects.exists()
    client.post(reverse("outcomes:batch-commit", args=[batch.pk]))
    assert ExternalRecord.objects.filter(fatal=True).count() == 1
    assert ExternalRecord.objects.count() == 2


def test_a_bad_upload_lists_its_problems(client, world):
    client.force_login(world.analyst)
    content = "source_record_id,event_at\nE1,not a date\n"
    client.post(
        reverse("outcomes:imports", args=[world.program.pk]),
        {
            "source": "ems",
            "kind": "ed_visit",
            "file": SimpleUploadedFile("x.csv", content.encode()),
        },
    )
    batch = ImportBatch.objects.get()
    step = client.post(reverse("outcomes:batch-step", args=[batch.pk])).content.decode()
    assert "Nothing was imported" in step
    assert "line 2, column event_at: &#x27;not a date&#x27; is not a date and time" in step


def test_the_records_page_shows_identifiers_and_audits_the_read(client, world):
    shown = record(world, None, "arrest", timezone.now(), first_name="Zed", last_name="Quill")
    client.force_login(world.coordinator)
    response = client.get(reverse("outcomes:records", args=[world.program.pk]))
    assert "Zed  Quill" in response.content.decode()
    event = AuditEvent.objects.filter(action="outcomes.records_read").latest("id")
    assert event.extra["ids"] == [shown.pk]


@pytest.mark.parametrize("persona", ["officer", "prosecutor", "provider", "outreach", "admin"])
def test_every_outcomes_page_and_endpoint_refuses_other_roles(client, world, persona):
    batch = ImportBatch.objects.create(program=world.program, source="s", kind="arrest")
    client.force_login(world.users[persona])
    program = world.program.pk
    gets = [
        reverse("outcomes:home"),
        reverse("outcomes:report", args=[program]),
        reverse("outcomes:report-csv", args=[program]),
        reverse("outcomes:records", args=[program]),
        reverse("outcomes:imports", args=[program]),
        reverse("outcomes:batch", args=[batch.pk]),
        f"/api/v1/outcomes/programs/{program}/measures",
        f"/api/v1/outcomes/imports/{batch.pk}",
    ]
    posts = [
        reverse("outcomes:imports", args=[program]),
        reverse("outcomes:batch-step", args=[batch.pk]),
        reverse("outcomes:batch-commit", args=[batch.pk]),
        f"/api/v1/outcomes/programs/{program}/imports",
    ]
    valid = {"source": "jail", "kind": "arrest", "csv": "source_record_id,event_at\nA,2026-01-01\n"}
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, valid, content_type="application/json").status_code == 403, url
    assert not ExternalRecord.objects.exists()
