"""A marker written into every clinical field never reaches a law-enforcement or prosecutor
role: no page, API response, export or notice they can reach carries it."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deflect.cases import services as case_services
from deflect.followups import jobs
from deflect.referrals import services as referral_services
from deflect.referrals.tests.factories import CANARY, consent_to, encounter_by, send_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinical_world(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name in ("officer", "prosecutor", "coordinator", "case_manager"):
        world.users[name].email = f"{name}@example.org"
        world.users[name].save()
    referral = send_referral(world)
    for to, extra in (
        ("accepted", {}),
        ("in-progress", {"note": f"intake {CANARY}"}),
        ("on-hold", {"reason": f"hold {CANARY}", "note": f"provider {CANARY}"}),
    ):
        referral_services.referral_transition(
            actor=world.provider, referral=referral, to=to, **extra
        )
    referral_services.referral_transition(
        actor=world.provider, referral=referral, to="failed", reason=f"failed {CANARY}"
    )
    consent_to(referral.person, world.agencies["health"])
    case = case_services.case_open(
        actor=world.case_manager, person_id=referral.person_id, referral_id=referral.pk
    )
    case_services.case_note_add(
        actor=world.case_manager, case=case, kind="clinical", text=f"note {CANARY}"
    )
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    case_services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="treatment_met"
    )
    abeyance.deadline = timezone.localdate() + dt.timedelta(days=3)
    abeyance.save()
    jobs.jobs_run(now=timezone.now() + dt.timedelta(days=2))
    return world, referral, case, abeyance


def _urls(referral, case, abeyance):
    return [
        reverse("home"),
        reverse("referrals:list"),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:disclosures", args=[referral.person_id]),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:person-timeline", args=[referral.person_id]),
        reverse("cases:abeyance-list"),
        reverse("cases:abeyance-detail", args=[abeyance.pk]),
        reverse("cases:prosecutor-list"),
        reverse("followups:queue"),
        reverse("reporting:dashboard"),
        reverse("reporting:dashboard-csv"),
        reverse("encounters:list"),
        "/api/v1/referrals",
        f"/api/v1/referrals/{referral.pk}",
        f"/api/v1/referrals/people/{referral.person_id}/disclosures",
        "/api/v1/cases/abeyance/prosecutor",
        "/api/v1/followups/queue",
        f"/api/v1/people/{referral.person_id}",
    ]


REACHES = {"officer": 6, "coordinator": 10, "prosecutor": 3, "dispatcher": 1}


@pytest.mark.parametrize("persona", sorted(REACHES))
def test_the_canary_never_reaches_law_enforcement_or_the_prosecutor(
    client, clinical_world, persona
):
    world, referral, case, abeyance = clinical_world
    client.force_login(world.users[persona])
    reached = 0
    for url in _urls(referral, case, abeyance):
        response = client.get(url)
        assert CANARY not in response.content.decode(), (persona, url)
        reached += response.status_code == 200
    assert reached >= REACHES[persona]  # each of them does reach pages about the person
    assert all(CANARY not in m.body and CANARY not in m.subject for m in mail.outbox)


def test_the_canary_does_reach_the_case_manager_under_consent(client, clinical_world):
    """The control: the same pages do show the clinical fields to a role allowed to see them."""
    world, referral, case, abeyance = clinical_world
    client.force_login(world.case_manager)
    assert CANARY in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert CANARY in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert CANARY in client.get(f"/api/v1/referrals/{referral.pk}").content.decode()
