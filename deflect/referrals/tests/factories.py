"""Directory entries, people with consent, and referrals for the referral, case and follow-up
tests."""

import datetime as dt

from django.utils import timezone

from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.people.models import ConsentPurpose, InformationCategory
from deflect.people.tests.factories import ConsentFactory
from deflect.referrals.services import referral_create
from deflect.resources.models import Organization, Service

CANARY = "CANARY-7f3a9e-PART2"


def organization_for(agency, name: str | None = None) -> Organization:
    return Organization.objects.create(
        name=name or agency.name, description="Treatment provider", agency=agency
    )


def service_for(agency, name: str = "Outpatient MOUD intake") -> Service:
    org = Organization.objects.filter(agency=agency).first() or organization_for(agency)
    return Service.objects.create(organization=org, name=name)


def consent_to(person, agency, *, categories=None, purposes=None, **kwargs):
    return ConsentFactory(
        person=person,
        recipient_agency=agency,
        information_categories=categories
        or [
            InformationCategory.CONTACT,
            InformationCategory.REFERRAL,
            InformationCategory.SCREENING,
        ],
        purposes=purposes or [ConsentPurpose.TREATMENT, ConsentPurpose.CARE_COORDINATION],
        **kwargs,
    )


def justice_consent(person, prosecutor_agency, **kwargs):
    """A §2.35 consent: the person's compliance status to the prosecutor's office, to monitor
    their progress, and nothing else."""
    return ConsentFactory(
        person=person,
        recipient_agency=prosecutor_agency,
        recipient_name=prosecutor_agency.name,
        information="Whether I meet the conditions of the abeyance agreement.",
        information_categories=[InformationCategory.COMPLIANCE],
        purposes=[ConsentPurpose.JUSTICE_MONITORING],
        **kwargs,
    )


def encounter_by(actor, pathway: str = "first_responder_referral", **overrides):
    return encounter_create(actor=actor, data=submission(pathway, **overrides)).encounter


def referral_ready(world, *, pathway: str = "first_responder_referral"):
    """An officer's encounter with a person who consented to Northside Recovery, and its service."""
    encounter = encounter_by(world.officer, pathway)
    treatment = world.agencies["treatment"]
    service = service_for(treatment)
    consent = consent_to(encounter.person, treatment)
    return encounter, service, consent


def send_referral(world, *, need="Wants to start buprenorphine today", **kwargs):
    encounter, service, consent = referral_ready(world)
    result = referral_create(
        actor=world.officer,
        person_id=encounter.person_id,
        service_id=service.pk,
        need=need,
        level_of_care="opioid_treatment_program",
        encounter_id=encounter.pk,
        handoff="in_person",
        transport="responder",
        **kwargs,
    )
    return result.referral


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)
