"""Stories: the responder matches from an encounter, the provider keeps capacity current, the
coordinator keeps MOUs, and anyone searches the public directory."""

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.cli import resolve
from deflect.demo.resources import Entry, directory_add
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.resources import selectors
from deflect.resources.matching import Needs
from deflect.resources.models import MatchEntry, Mou, MouStatus, ServiceCapacity
from deflect.resources.services import match_index_refresh

pytestmark = pytest.mark.django_db


def _encounter(world, **overrides):
    data = submission("first_responder_referral", **overrides)
    return encounter_create(actor=world.outreach, data=data).encounter


def test_service_match_ranks_the_mou_partner_with_reasons(world, directory):
    results = selectors.service_match(
        actor=world.officer,
        needs=Needs(level_of_care="residential", latitude=39.29, longitude=-76.61, needs_bed=True),
    )
    assert [r.organization_name for r in results] == ["Northside Recovery"]
    reasons = results[0].reasons
    assert "MOU partner of this program" in reasons
    assert "Takes warm handoffs from responders" in reasons
    assert any(r.startswith("3 beds open (updated") for r in reasons)
    assert results[0].phone == "(410) 555-0110" and results[0].mou_partner
    assert AuditEvent.objects.filter(action=Action.RESOURCE_MATCH, actor=world.officer).exists()


def test_another_countys_coordinator_gets_no_mou_preference(world, directory):
    results = selectors.service_match(
        actor=world.other_coordinator, needs=Needs(level_of_care="residential")
    )
    assert results and "MOU partner of this program" not in results[0].reasons


def test_the_sql_filters_agree_with_the_brute_force_scan(world, directory):
    for needs in [
        Needs(level_of_care="outpatient", latitude=39.29, longitude=-76.61),
        Needs(categories=frozenset({"harm-reduction"}), age=16),
        Needs(insurance="medicaid", language="es", needed_now=True),
        Needs(moud="buprenorphine", gender="woman", age=40),
    ]:
        fast = selectors.rank_needs(needs, program_ids={world.program.pk})
        slow = selectors.rank_needs_brute_force(needs, program_ids={world.program.pk})
        assert [m.candidate.service_at_location_id for m in fast] == [
            m.candidate.service_at_location_id for m in slow
        ]


def test_match_page_prefills_from_the_encounters_screening(client, world, directory):
    encounter = _encounter(
        world,
        needs={
            "substances": ["alcohol"],
            "withdrawal_symptoms_now": True,
            "readiness": "ready_now",
        },
    )
    client.force_login(world.outreach)
    detail = client.get(reverse("encounters:detail", args=[encounter.pk]))
    link = f"{reverse('resources:match')}?encounter={encounter.pk}"
    assert link in detail.content.decode()
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="withdrawal_management" selected' in html
    assert "Northside Recovery — Residential treatment" in html
    assert "Why here" in html


def test_the_officer_gets_no_clinical_prefill(client, world, directory):
    encounter = _encounter(world, needs={"substances": ["fentanyl"], "readiness": "ready_now"})
    client.force_login(world.officer)
    html = client.get(reverse("resources:match"), {"encounter": encounter.pk}).content.decode()
    assert "not shown to your role" in html
    assert 'value="opioid_treatment_program" selected' not in html


def test_a_bad_location_is_a_field_error(client, world, directory):
    client.force_login(world.officer)
    page = client.get(reverse("resources:match"), {"latitude": "39.2"})
    assert page.status_code == 422
    assert "Give both latitude and longitude" in page.content.decode()


def test_the_match_api(client, world, directory):
    client.force_login(world.case_manager)
    response = client.post(
        "/api/v1/resources/match",
        data=json.dumps({"categories": ["harm-reduction"], "latitude": 39.29, "longitude": -76.61}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["organization_name"] for r in body] == ["Harm Reduction Collective"]
    assert body[0]["reasons"][0].endswith("away")
    bad = client.post(
        "/api/v1/resources/match",
        data=json.dumps({"latitude": 39.29}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "longitude" in bad.json()["fields"]


def test_the_provider_updates_capacity_and_who_and_when_are_kept(client, world, directory):
    service = directory["northside"]
    client.force_login(world.provider)
    response = client.put(
        f"/api/v1/resources/services/{service.pk}/capacity",
        data=json.dumps({"unit": "bed", "available": 1, "maximum": 12}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    capacity = ServiceCapacity.objects.get(service=service, unit="bed")
    assert capacity.available == 1 and capacity.updated_by == world.provider
    assert timezone.now() - capacity.updated < dt.timedelta(minutes=1)
    event = AuditEvent.objects.filter(action=Action.CAPACITY_UPDATE).latest("id")
    assert event.extra["previous"] == 3 and event.extra["available"] == 1
    page = client.get(reverse("resources:capacity"))
    assert "updated 0 min ago" in page.content.decode()
    too_many = client.put(
        f"/api/v1/resources/services/{service.pk}/capacity",
        data=json.dumps({"unit": "bed", "available": 5, "maximum": 2}),
        content_type="application/json",
    )
    assert too_many.status_code == 422 and "maximum" in too_many.json()["fields"]


def test_a_provider_cannot_update_another_organizations_capacity(client, world, directory):
    client.force_login(world.provider)
    response = client.put(
        f"/api/v1/resources/services/{directory['outpatient'].pk}/capacity",
        data=json.dumps({"unit": "slot", "available": 4}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ServiceCapacity.objects.filter(service=directory["outpatient"]).exists()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=world.provider).exists()


def test_capacity_older_than_a_day_is_stale(client, world, directory):
    ServiceCapacity.objects.filter(service=directory["northside"]).update(
        updated=timezone.now() - dt.timedelta(hours=30)
    )
    client.force_login(world.provider)
    assert "(stale)" in client.get(reverse("resources:capacity")).content.decode()
    results = selectors.service_match(
        actor=world.officer, needs=Needs(level_of_care="residential", needs_bed=True)
    )
    assert results[0].stale_capacity
    assert any("stale, call to confirm" in r for r in results[0].reasons)


def test_mous_warn_before_expiry_and_move_through_their_statuses(client, world, directory):
    client.force_login(world.coordinator)
    page = client.get(reverse("resources:mous")).content.decode()
    assert "expires soon" in page  # the fixture's MOU expires in 30 days

    response = client.post(
        reverse("resources:mous"),
        {
            "program": world.program.pk,
            "organization": str(directory["outpatient"].organization_id),
            "status": "draft",
            "covers": "Same-day buprenorphine starts.",
            "document": SimpleUploadedFile("mou.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mou = Mou.objects.get(organization=directory["outpatient"].organization)
    assert mou.status == MouStatus.DRAFT and mou.document.name.endswith(".pdf")
    page = client.get(reverse("resources:mous")).content.decode()
    download = client.get(reverse("resources:mou-document", args=[mou.pk]))
    assert reverse("resources:mou-document", args=[mou.pk]) in page
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"

    assert (settings.DATA_DIR / "mous" / mou.document.name).is_file()
    refused = client.post(
        reverse("resources:mous"),
        {
            "program": world.program.pk,
            "organization": str(directory["harm"].organization_id),
            "status": "draft",
            "covers": "Referrals.",
            "document": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert refused.status_code == 422
    assert "Upload a PDF, Word, OpenDocument or image file." in refused.content.decode()
    client.post(reverse("resources:mou-transition", args=[mou.pk]), {"status": "active"})
    mou.refresh_from_db()
    assert mou.status == MouStatus.DRAFT  # no signing date: refused
    client.post(
        reverse("resources:mou-transition", args=[mou.pk]),
        {"status": "active", "signed_on": "2026-01-05"},
    )
    mou.refresh_from_db()
    assert mou.status == MouStatus.ACTIVE
    assert AuditEvent.objects.filter(action=Action.MOU_TRANSITION).count() == 1
    results = selectors.service_match(actor=world.officer, needs=Needs(level_of_care="outpatient"))
    assert "MOU partner of this program" in results[0].reasons


def test_the_public_directory_needs_no_login_and_shows_no_personal_data(client, world, directory):
    encounter = _encounter(world)
    person = encounter.person
    page = client.get(reverse("resources:directory"), {"q": "syringe"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Harm Reduction Collective" in html and "Eastside Clinic" not in html
    assert person.last_name not in html and person.first_name not in html
    filtered = client.get(reverse("resources:directory"), {"category": "outpatient"})
    assert "Eastside Clinic" in filtered.content.decode()
    assert "Harm Reduction Collective" not in filtered.content.decode()


def test_match_index_follows_the_service_status(world, directory):
    service = directory["harm"]
    service.status = "temporarily closed"
    service.save()
    match_index_refresh([service.pk])
    assert MatchEntry.objects.get(service=service).active is False


def test_the_daily_job_expires_overdue_mous(world, directory):
    mou = Mou.objects.get()
    Mou.objects.filter(pk=mou.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    call_command("resources_mou_expire")
    mou.refresh_from_db()
    assert mou.status == MouStatus.EXPIRED
    event = AuditEvent.objects.filter(action=Action.MOU_TRANSITION).latest("id")
    assert event.extra == {"from": "active", "to": "expired", "party": "schedule"}
    change = mou.history.get()
    assert (change.from_status, change.to_status, change.party) == ("active", "expired", "schedule")
    assert change.actor.username == "system: jobs"  # the scheduled job's system actor
    results = selectors.service_match(actor=world.officer, needs=Needs(level_of_care="residential"))
    assert "MOU partner of this program" not in results[0].reasons


def test_the_deflect_command_knows_the_resources_words():
    assert resolve(["resources", "import", "f.json", "--dry-run"]) == [
        "resources_import",
        "f.json",
        "--dry-run",
    ]
    assert resolve(["resources", "export"]) == ["resources_export"]
    assert resolve(["resources", "expire-mous"]) == ["resources_mou_expire"]


def test_directory_and_match_queries_do_not_grow_with_the_directory(client, world, directory):
    def counts():
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("resources:directory"))
        with CaptureQueriesContext(connection) as match:
            selectors.service_match(actor=world.officer, needs=Needs(level_of_care="outpatient"))
        return len(page), len(match)

    counts()  # the officer's memberships are cached on the first call
    before = counts()
    for i in range(5):
        directory_add(
            Entry(
                f"Clinic {i}",
                "Outpatient",
                "Counseling.",
                ("outpatient", "insurance-medicaid"),
                f"{i} Main St, Marlow, MD, 21201",
                39.29 + i / 100,
                -76.61,
                f"555-010{i}",
            )
        )
    after = counts()
    assert after == before, (before, after)


def test_a_coordinator_adds_a_safe_station_that_the_public_sees(client, world, directory):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("resources:sites"),
        {
            "program": world.program.pk,
            "agency": world.agencies["police"].pk,
            "name": "Marlow Fire Station 3",
            "address_1": "200 W North Ave",
            "city": "Marlow",
            "state_province": "MD",
            "postal_code": "21217",
            "phone": "(410) 555-0303",
            "hours_description": "Every day, all hours",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.SELF_REFERRAL_SITE_CREATE).exists()
    missing = client.post(reverse("resources:sites"), {"program": world.program.pk, "name": "X"})
    assert missing.status_code == 422 and "address_1" in missing.content.decode()
    client.logout()
    public = client.get(reverse("resources:directory")).content.decode()
    assert "Marlow Fire Station 3" in public and "Every day, all hours" in public
    guide = client.get(reverse("resources:guide"), {"program": world.program.pk})
    assert "Marlow Fire Station 3" in guide.content.decode()


def _last_wednesday_at_eleven() -> dt.datetime:
    """A moment when a weekday 08:00-17:00 service is open, in the program's time zone."""
    today = timezone.localdate() - dt.timedelta(days=1)
    wednesday = today - dt.timedelta(days=(today.weekday() - 2) % 7)
    return timezone.make_aware(dt.datetime.combine(wednesday, dt.time(11, 0)))


def test_a_match_from_an_encounter_offers_the_referral_with_the_service_chosen(
    client, world, directory
):
    needs = {"substances": ["alcohol"], "withdrawal_symptoms_now": True, "readiness": "ready_now"}
    encounter = _encounter(world, needs=needs)
    client.force_login(world.outreach)
    html = client.get(reverse("resources:match"), {"encounter": encounter.pk}).content.decode()
    new_referral = reverse("referrals:new")
    pattern = rf'href="{new_referral}\?encounter={encounter.pk}&amp;service=([0-9a-f-]+)"'
    # Northside takes referrals through deflect (its agency answers them); the others do not.
    northside = str(directory["northside"].pk)
    assert re.findall(pattern, html) == [northside]
    # Eastside Clinic takes its referrals by phone: it is matched, with no referral to send.
    # (Asked on a weekday morning: it keeps office hours, and the person is ready now.)
    other = _encounter(world, needs={"substances": ["alcohol"], "readiness": "ready_now"})
    with mock.patch("django.utils.timezone.now", return_value=_last_wednesday_at_eleven()):
        html = client.get(reverse("resources:match"), {"encounter": other.pk}).content.decode()
    assert "Eastside Clinic" in html and "Refer to this service" not in html
    form = client.get(new_referral, {"encounter": encounter.pk, "service": northside})
    assert form.status_code == 200
    assert f'<option value="{northside}" selected>' in form.content.decode()
    # Without an encounter there is no one to refer: the plain match screen offers no link.
    plain = client.get(reverse("resources:match"), {"max_distance_km": "50"}).content.decode()
    assert "Refer to this service" not in plain
