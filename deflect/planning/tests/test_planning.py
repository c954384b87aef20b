"""Planning: adopting the five models' checklists, moving activities through their statuses,
evidence, readiness pages and the Sequential Intercept map."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.errors import Conflict, InvalidTransition, ValidationFailed
from deflect.planning import selectors as selectors
from deflect.planning import services as services
from deflect.planning.models import ActivityStatus, InterceptResource, PlanningActivity
from deflect.resources.models import Organization, Service

FIVE_MODELS = [
    "post_overdose",
    "self_referral",
    "active_outreach",
    "community_engagement",
    "officer_intervention",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_catalogue_ships_the_five_models_and_the_optional_practices():
    catalogue = services.planning_catalogue()
    assert [c for c in catalogue if catalogue[c]["kind"] == "model"] == FIVE_MODELS
    assert catalogue["collaboration_equity"]["kind"] == "practice"
    for code in FIVE_MODELS:
        titles = " ".join(a["title"] for a in catalogue[code]["activities"])
        assert "Hire a program coordinator" in titles
        assert "911 dispatchers" in titles
        assert "MOUs with substance use disorder treatment providers" in titles
        assert "health insurance" in titles
    assert "naloxone kits" in " ".join(a["title"] for a in catalogue["post_overdose"]["activities"])
    assert any(
        "officer discretion" in a["title"] for a in catalogue["officer_intervention"]["activities"]
    )


@pytest.mark.parametrize("code", FIVE_MODELS)
def test_the_coordinator_adopts_a_model_and_gets_its_checklist(world, code):
    adoption = services.model_adopt(actor=world.coordinator, program=world.program, code=code)
    expected = [a["title"] for a in services.planning_catalogue()[code]["activities"]]
    assert list(adoption.activities.values_list("title", flat=True)) == expected
    assert AuditEvent.objects.filter(action=Action.PLANNING_ADOPT, actor=world.coordinator).exists()
    with pytest.raises(Conflict):
        services.model_adopt(actor=world.coordinator, program=world.program, code=code)


def test_only_the_programs_coordinator_adopts(world):
    for persona in ("officer", "admin", "other_coordinator"):
        with pytest.raises(PermissionDenied):
            services.model_adopt(
                actor=world.users[persona], program=world.program, code="post_overdose"
            )
    with pytest.raises(ValidationFailed):
        services.model_adopt(actor=world.coordinator, program=world.program, code="nonsense")


def test_activities_follow_the_status_pipeline(world):
    adoption = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="self_referral"
    )
    activity = adoption.activities.first()
    activity = services.activity_transition(
        actor=world.coordinator, activity=activity, status=ActivityStatus.DONE
    )
    assert activity.completed_at is not None
    with pytest.raises(InvalidTransition):
        services.activity_transition(
            actor=world.coordinator, activity=activity, status=ActivityStatus.NOT_APPLICABLE
        )
    activity = services.activity_transition(
        actor=world.coordinator, activity=activity, status=ActivityStatus.IN_PROGRESS
    )
    assert activity.completed_at is None
    assert AuditEvent.objects.filter(action=Action.PLANNING_ACTIVITY_TRANSITION).count() == 2


def test_an_activity_gets_an_owner_a_date_notes_and_evidence(world):
    adoption = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="post_overdose"
    )
    activity = adoption.activities.get(code="mous_treatment")
    upload = SimpleUploadedFile("mou-northside.pdf", b"%PDF-1.4 signed", "application/pdf")
    services.activity_update(
        actor=world.coordinator,
        activity=activity,
        owner=world.case_manager,
        due_date=timezone.localdate() + timedelta(days=30),
        notes="Northside signed; Harbor Light pending.",
        evidence_url="/programs/1/",
        evidence_label="MOU with Northside",
        evidence_file=upload,
    )
    activity.refresh_from_db()
    assert activity.owner == world.case_manager
    assert activity.evidence_file.name.endswith(".pdf")
    assert activity.has_evidence


def test_evidence_and_owner_are_validated(world):
    adoption = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="post_overdose"
    )
    activity = adoption.activities.first()
    with pytest.raises(ValidationFailed) as error:
        services.activity_update(
            actor=world.coordinator,
            activity=activity,
            owner=world.other_officer,
            due_date=None,
            notes="",
            evidence_url="javascript:alert(1)",
            evidence_file=SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        )
    assert set(error.value.fields) == {"owner", "evidence_url", "evidence_file"}
    with pytest.raises(ValidationFailed) as error:
        services.activity_update(
            actor=world.coordinator,
            activity=activity,
            owner=None,
            due_date=None,
            notes="",
            evidence_url="https://example.org/guide",
        )
    assert set(error.value.fields) == {"evidence_label"}


def test_readiness_view_shows_done_overdue_and_missing(world, client):
    adoption = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="self_referral"
    )
    first, second, third, *_ = adoption.activities.all()
    services.activity_transition(
        actor=dangerously_as_system("tests"), activity=first, status=ActivityStatus.DONE
    )
    services.activity_update(
        actor=world.coordinator,
        activity=second,
        owner=world.coordinator,
        due_date=timezone.localdate() - timedelta(days=3),
        notes="",
    )
    view = selectors.adoption_view(adoption)
    assert [a.pk for a in view.done] == [first.pk]
    assert [a.pk for a in view.overdue] == [second.pk]
    assert third.pk in [a.pk for a in view.missing]
    client.force_login(world.prosecutor)  # everyone in the program reads the report
    page = client.get(reverse("planning:planning-readiness", args=[world.program.pk, adoption.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"1 of {adoption.activities.count()} activities done" in text
    assert "Overdue (1)" in text
    assert second.title in text


def test_the_checklist_page_keeps_queries_flat(world, client, django_assert_max_num_queries):
    for code in FIVE_MODELS:
        services.model_adopt(actor=dangerously_as_system("tests"), program=world.program, code=code)
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("planning:planning", args=[world.program.pk])).status_code == 200


def test_the_coordinator_edits_an_activity_through_the_page(world, client):
    adoption = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.program, code="post_overdose"
    )
    activity = adoption.activities.first()
    client.force_login(world.coordinator)
    url = reverse("planning:activity-edit", args=[world.program.pk, activity.pk])
    bad = client.post(url, {"title": activity.title, "evidence_url": "ftp://x"})
    assert bad.status_code == 422
    assert "Use a deflect page" in bad.content.decode()
    good = client.post(
        url,
        {
            "title": activity.title,
            "owner": world.coordinator.pk,
            "due_date": "2030-01-01",
            "evidence_url": "/training/",
            "evidence_label": "Training course",
            "evidence_file": SimpleUploadedFile("plan.pdf", b"%PDF", "application/pdf"),
        },
    )
    assert good.status_code == 302
    activity.refresh_from_db()
    download = client.get(
        reverse("planning:activity-evidence", args=[world.program.pk, activity.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF"


def test_the_intercept_map_holds_resources_gaps_and_actions_per_intercept(world, client):
    org = Organization.objects.create(name="Harbor Light", description="Behavioral health")
    detox = Service.objects.create(organization=org, name="24/7 withdrawal management")
    services.intercept_resource_add(
        actor=world.coordinator, program=world.program, intercept=0, name="", service=detox
    )
    services.intercept_gap_add(
        actor=world.coordinator, program=world.program, intercept=3, description="No MOUD in jail"
    )
    action = services.intercept_action_add(
        actor=world.coordinator,
        program=world.program,
        intercept=3,
        title="Meet the jail's medical provider",
        owner=world.coordinator,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    services.intercept_action_complete(actor=world.coordinator, item=action, done=True)
    with pytest.raises(ValidationFailed):
        services.intercept_gap_add(
            actor=world.coordinator, program=world.program, intercept=6, description="x"
        )
    intercepts = selectors.intercept_map(world.program)
    assert [i.number for i in intercepts] == [0, 1, 2, 3, 4, 5]
    assert intercepts[0].resources[0].name == "24/7 withdrawal management"
    assert intercepts[0].resources[0].organization == org
    assert "Self-Referral" in intercepts[0].pathways
    assert "Officer Intervention" in intercepts[1].pathways
    assert intercepts[3].actions[0].done_at is not None
    client.force_login(world.officer)
    page = client.get(reverse("planning:intercepts-print", args=[world.program.pk]))
    assert page.content.decode().count('class="page"') == 6


def test_activities_of_another_program_are_not_found(world, client):
    other = services.model_adopt(
        actor=dangerously_as_system("tests"), program=world.other_program, code="post_overdose"
    )
    activity = other.activities.first()
    client.force_login(world.coordinator)
    url = reverse("planning:activity-edit", args=[world.program.pk, activity.pk])
    assert client.get(url).status_code == 404
    assert PlanningActivity.objects.filter(pk=activity.pk, owner__isnull=True).exists()


def test_an_intercept_resource_is_picked_from_the_directory_on_the_map_page(world, client):
    org = Organization.objects.create(name="Harbor Light", description="Behavioral health")
    detox = Service.objects.create(organization=org, name="24/7 withdrawal management")
    client.force_login(world.coordinator)
    url = reverse("planning:intercepts", args=[world.program.pk])
    page = client.get(url).content.decode()
    assert "24/7 withdrawal management" in page and "Harbor Light" in page
    response = client.post(
        url,
        {
            "kind": "resource",
            "resource-intercept": "1",
            "resource-service": str(detox.pk),
            "resource-organization": str(org.pk),
        },
    )
    assert response.status_code == 302
    added = InterceptResource.objects.get(program=world.program)
    assert (added.intercept, added.service, added.organization) == (1, detox, org)
    unknown = client.post(
        url, {"kind": "resource", "resource-intercept": "1", "resource-service": "999999"}
    )
    assert unknown.status_code == 422
