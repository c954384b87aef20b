"""A marker written into every clinical free-text field never reaches a role that may not see
it: law enforcement (police, sheriff, fire and EMS), dispatchers, prosecutors, coordinators,
analysts, and the clinical staff of another agency without a consent covering it. No list or
detail page, API response, export, notice, email or timeline they can reach carries it, and
the timeline tells them nothing of a referral past "requested/accepted"."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deflect.accounts.models import AgencyKind, Role
from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.cases import services as case_services
from deflect.followups import jobs
from deflect.referrals import services as referral_services
from deflect.referrals.tests.factories import (
    CANARY,
    consent_to,
    encounter_by,
    send_referral,
    service_for,
)
from deflect.screening.models import NeedsScreening

pytestmark = pytest.mark.django_db

# What the timeline must not say to someone who may not see treatment information.
TREATMENT_STATUS_WORDS = ("Rejected", "In progress", "On hold", "Completed", "Failed")


@pytest.fixture
def clinical_world(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A medic at the county's fire and EMS agency, and a case manager at another behavioral
    # health agency of the program, whom the person never consented to.
    ems = AgencyFactory(name="Marlow Fire & EMS", kind=AgencyKind.EMS)
    elsewhere = AgencyFactory(name="Lakeside Counseling", kind=AgencyKind.BEHAVIORAL_HEALTH)
    world.program.memberships.create(agency=ems)
    world.program.memberships.create(agency=elsewhere)
    for name, agency, role in (
        ("medic", ems, Role.RESPONDER),
        ("ems_outreach", ems, Role.OUTREACH),
        ("cm_elsewhere", elsewhere, Role.CASE_MANAGER),
    ):
        world.users[name] = UserFactory(username=name)
        MembershipFactory(user=world.users[name], agency=agency, role=role)
    for name in ("officer", "prosecutor", "coordinator", "case_manager"):
        world.users[name].email = f"{name}@example.org"
        world.users[name].save()

    referral = send_referral(world, need=f"need {CANARY}")
    person = referral.person
    NeedsScreening.objects.create(
        encounter=referral.encounter,
        substances=["fentanyl"],
        recommended_level_of_care="opioid_treatment_program",
        reasons=[f"reason {CANARY}"],
        notes=f"screening {CANARY}",
    )
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
    # A second referral the provider rejects, with its reason.
    rejected = referral_services.referral_create(
        actor=world.officer,
        person_id=person.pk,
        service_id=service_for(world.agencies["treatment"], "Outpatient and MOUD clinic").pk,
        need=f"second need {CANARY}",
        handoff="phone",
        transport="none",
    ).referral
    referral_services.referral_transition(
        actor=world.provider, referral=rejected, to="rejected", reason=f"benzo {CANARY}"
    )
    consent_to(
        person,
        world.agencies["health"],
        categories=["contact", "referral", "attendance", "screening"],
        information=f"Referral and treatment progress {CANARY}",
        expiry_event=f"discharge {CANARY}",
    )
    case = case_services.case_open(
        actor=world.case_manager, person_id=person.pk, referral_id=referral.pk
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
    person_id = referral.person_id
    return [
        reverse("home"),
        reverse("referrals:list"),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:disclosures", args=[person_id]),
        reverse("people:detail", args=[person_id]),
        reverse("encounters:list"),
        reverse("encounters:detail", args=[referral.encounter_id]),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:person-timeline", args=[person_id]),
        reverse("cases:abeyance-list"),
        reverse("cases:abeyance-detail", args=[abeyance.pk]),
        reverse("cases:prosecutor-list"),
        reverse("followups:queue"),
        reverse("reporting:dashboard"),
        reverse("reporting:dashboard-csv"),
        "/api/v1/referrals",
        f"/api/v1/referrals/{referral.pk}",
        f"/api/v1/referrals/people/{person_id}/disclosures",
        f"/api/v1/people/{person_id}",
        f"/api/v1/encounters/{referral.encounter_id}",
        "/api/v1/cases",
        f"/api/v1/cases/{case.pk}",
        "/api/v1/cases/abeyance/prosecutor",
        "/api/v1/followups/queue",
    ]


# Each persona reaches at least this many of the pages above (so the test does look).
REACHES = {
    "officer": 12,
    "medic": 12,
    "ems_outreach": 15,
    "dispatcher": 1,
    "prosecutor": 3,
    "coordinator": 18,
    "analyst": 3,
    "outreach": 15,
    "cm_elsewhere": 15,
}


@pytest.mark.parametrize("persona", sorted(REACHES))
def test_the_canary_never_reaches_a_role_without_a_consent_covering_it(
    client, clinical_world, persona
):
    world, referral, case, abeyance = clinical_world
    client.force_login(world.users[persona])
    reached = 0
    for url in _urls(referral, case, abeyance):
        response = client.get(url)
        body = response.content.decode()
        assert CANARY not in body, (persona, url)
        reached += response.status_code == 200
    assert reached >= REACHES[persona]  # each of them does reach pages about the person
    assert all(CANARY not in m.body and CANARY not in m.subject for m in mail.outbox)


@pytest.mark.parametrize("persona", sorted(REACHES))
def test_the_timeline_tells_them_nothing_past_acceptance(client, clinical_world, persona):
    world, referral, case, _ = clinical_world
    client.force_login(world.users[persona])
    for url in (
        reverse("cases:person-timeline", args=[referral.person_id]),
        reverse("cases:detail", args=[case.pk]),
    ):
        response = client.get(url)
        if response.status_code != 200:
            continue
        timeline = response.content.decode().split('data-testid="timeline"')[1].split("</ol>")[0]
        assert not any(word in timeline for word in TREATMENT_STATUS_WORDS), (persona, url)


def test_the_canary_does_reach_the_case_manager_under_consent(client, clinical_world):
    """The control: the same pages do show the clinical fields to a role the consent allows,
    with the §2.32 notice."""
    world, referral, case, abeyance = clinical_world
    client.force_login(world.case_manager)
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert f"provider {CANARY}" in detail and f"need {CANARY}" in detail
    assert "42 CFR part 2 prohibits" in detail
    assert f"note {CANARY}" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert CANARY in client.get(f"/api/v1/referrals/{referral.pk}").content.decode()
    timeline = client.get(reverse("cases:person-timeline", args=[referral.person_id]))
    assert "Rejected" in timeline.content.decode()
    person = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert f"Referral and treatment progress {CANARY}" in person
