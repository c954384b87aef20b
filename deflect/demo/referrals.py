"""Demo referrals: the most recent "referred" encounters of the demo county get a consent to the
demo treatment provider and a referral, and the provider answers some of them, so that the
provider portal, the referral pages and the dashboard's funnel have something to show.

Everything goes through the services (consent, the consent gate, the disclosure ledger, the
provider's transitions), as the people using the product would do it. The demo's encounters lie
in the past, so each referral's timeline (and its placement follow-ups) is then moved back to
start shortly after its encounter, as if it had been sent from the scene; the audit log keeps
the times the loader really acted. Loading the demo again adds nothing: each referral's
``client_uuid`` is derived from its encounter.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import F, QuerySet
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import can
from deflect.accounts.models import Membership, Role, User
from deflect.cases.models import AbeyanceCase, ProgressKind
from deflect.cases.services import abeyance_progress_record
from deflect.encounters.choices import Outcome
from deflect.encounters.models import Encounter
from deflect.followups.models import FollowUp
from deflect.people.consent import DEFAULT_REVOCATION_STATEMENT
from deflect.people.models import ConsentPurpose, InformationCategory
from deflect.people.services import consent_record
from deflect.programs.models import Program
from deflect.referrals.models import Disclosure, Referral, ReferralEvent, ReferralStatus
from deflect.referrals.services import referral_create, referral_transition
from deflect.resources.models import Service

# A fixed namespace, so that the same encounter always gives the same submission id.
_DEMO_NAMESPACE = uuid.UUID("5f0c2a8e-7d43-4c1e-9a57-3b1f0e6d2c94")
PROVIDER_USERNAME = "provider"
FALLBACK_REFERRER = "outreach"

# How long after the encounter a demo referral is sent.
SENT_AFTER = dt.timedelta(minutes=35)
_REFERRAL_TIMES = (
    "status_changed_at",
    "sent_at",
    "response_due_at",
    "responded_at",
    "no_response_flagged_at",
    "intake_at",
)

# What becomes of the referrals, newest first, in turn: the funnel narrows at each stage.
_STAGES = (
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ACCEPTED,
    ReferralStatus.REQUESTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.REJECTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.REQUESTED,
    ReferralStatus.ACCEPTED,
)


def _recent_referred(program: Program, limit: int) -> QuerySet[Encounter]:
    recent = (
        Encounter.objects.filter(
            program=program,
            outcome=Outcome.REFERRED,
            person__isnull=False,
            person__is_unidentified=False,
        )
        .order_by("-occurred_at")
        .values_list("pk", flat=True)[:limit]
    )
    return (
        Encounter.objects.filter(pk__in=list(recent))
        .exclude(pk__in=Referral.objects.filter(encounter__isnull=False).values("encounter_id"))
        .select_related("person", "recorded_by")
        .order_by("-occurred_at")
    )


def _referrer_for(encounter: Encounter) -> User | None:
    """Whoever recorded the encounter, when they may refer and record consent; else outreach."""
    recorder = encounter.recorded_by
    for actor in (recorder, User.objects.filter(username=FALLBACK_REFERRER).first()):
        if (
            actor is not None
            and can(actor, caps.REFERRAL_CREATE, encounter.person)
            and can(actor, caps.CONSENT_RECORD, encounter.person)
        ):
            return actor
    return None


def referrals_demo_load(*, program_name: str, limit: int = 8) -> int:
    """Refer the demo's ``limit`` most recent referred encounters (those not referred yet) to
    the demo provider's first service; returns how many referrals were made."""

    program = Program.objects.get(name=program_name)
    provider = User.objects.filter(username=PROVIDER_USERNAME).first()
    if provider is None:
        return 0
    membership = (
        Membership.objects.filter(user=provider, role=Role.PROVIDER, is_active=True)
        .select_related("agency")
        .first()
    )
    if membership is None:
        return 0
    service = Service.objects.filter(organization__agency=membership.agency).order_by("pk").first()
    if service is None:
        return 0
    made = 0
    today = timezone.localdate()
    for number, encounter in enumerate(_recent_referred(program, limit)):
        actor = _referrer_for(encounter)
        if actor is None:
            continue
        person = encounter.person
        assert person is not None  # _recent_referred picks identified people only
        consent_record(
            signed_at=min(encounter.occurred_at + SENT_AFTER / 2, timezone.now()),
            actor=actor,
            person=person,
            discloser=f"{program.name} and {encounter.agency.name}",
            information_categories=[
                InformationCategory.CONTACT,
                InformationCategory.REFERRAL,
                InformationCategory.SCREENING,
            ],
            purposes=[ConsentPurpose.TREATMENT, ConsentPurpose.CARE_COORDINATION],
            revocation_statement=DEFAULT_REVOCATION_STATEMENT,
            signature_name=f"{person.first_name} {person.last_name}".strip(),
            attested=True,
            recipient_agency=membership.agency,
            expires_on=today + dt.timedelta(days=365),
        )
        referral = referral_create(
            actor=actor,
            person_id=person.pk,
            service_id=service.pk,
            need="Wants to start treatment; met on the street (demo).",
            encounter_id=encounter.pk,
            handoff="phone",
            client_uuid=uuid.uuid5(_DEMO_NAMESPACE, f"encounter-{encounter.pk}"),
        ).referral
        _answer(referral, _STAGES[number % len(_STAGES)], provider, referral_transition)
        _move_back(referral, to=encounter.occurred_at + SENT_AFTER)
        made += 1
    return made


def _answer(referral: Referral, stage: str, provider: User, transition) -> None:
    """The provider's side of the loop, up to ``stage``."""
    if stage == ReferralStatus.REQUESTED:
        return
    if stage == ReferralStatus.REJECTED:
        transition(
            actor=provider, referral=referral, to=stage, reason="No openings this week (demo)."
        )
        return
    referral = transition(actor=provider, referral=referral, to=ReferralStatus.ACCEPTED)
    if stage == ReferralStatus.ACCEPTED:
        return
    referral = transition(actor=provider, referral=referral, to=ReferralStatus.IN_PROGRESS)
    if stage == ReferralStatus.COMPLETED:
        transition(actor=provider, referral=referral, to=ReferralStatus.COMPLETED)


def _move_back(referral: Referral, *, to: dt.datetime) -> None:
    """Shift the referral's timeline so that it was sent at ``to`` (see the module's note)."""

    assert referral.sent_at is not None  # the referral was sent when it was made
    shift = to - referral.sent_at
    if shift >= dt.timedelta(0):
        return
    Referral.objects.filter(pk=referral.pk).update(
        **{name: F(name) + shift for name in _REFERRAL_TIMES}
    )
    ReferralEvent.objects.filter(referral=referral).update(at=F("at") + shift)
    Disclosure.objects.filter(referral=referral).update(disclosed_at=F("disclosed_at") + shift)
    FollowUp.objects.filter(referral=referral).update(
        anchor_at=F("anchor_at") + shift,
        opens_at=F("opens_at") + shift,
        due_at=F("due_at") + shift,
    )


CASE_MANAGER_USERNAME = "casemanager"


def abeyance_demo_consents(*, program_name: str) -> int:
    """The prosecutor's two sides of 42 CFR §2.35 in the demo: the case manager records
    "treatment condition met" on the two most recent abeyance cases of the program; the person
    of the first signs a consent letting the prosecutor's office monitor their compliance, the
    person of the second does not. The prosecutor sees "Conditions met" (with the §2.32 notice)
    on the first and "Consent not on file" on the second. Idempotent; returns how many
    consents it recorded."""

    manager = User.objects.filter(username=CASE_MANAGER_USERNAME).first()
    if manager is None:
        return 0
    cases = list(
        AbeyanceCase.objects.filter(
            program__name=program_name, prosecutor_agency__isnull=False, disposition=""
        )
        .select_related("person", "prosecutor_agency")
        .order_by("-created_at", "-pk")[:2]
    )
    recorded = 0
    for number, abeyance in enumerate(cases):
        if not abeyance.progress.filter(kind=ProgressKind.TREATMENT_MET).exists():
            abeyance_progress_record(
                actor=manager, abeyance=abeyance, kind=ProgressKind.TREATMENT_MET
            )
        person = abeyance.person
        has_consent = any(
            ConsentPurpose.JUSTICE_MONITORING in (c.purposes or ())
            for c in person.consents.filter(recipient_agency=abeyance.prosecutor_agency)
        )
        if number == 0 and not has_consent:
            consent_record(
                actor=manager,
                person=person,
                discloser=f"{program_name} and its member agencies",
                information_categories=[InformationCategory.COMPLIANCE],
                information="Whether I meet the conditions of my abeyance agreement; "
                "nothing about my treatment.",
                purposes=[ConsentPurpose.JUSTICE_MONITORING],
                revocation_statement=DEFAULT_REVOCATION_STATEMENT,
                signature_name=f"{person.first_name} {person.last_name}".strip(),
                attested=True,
                recipient_agency=abeyance.prosecutor_agency,
                expiry_event="the charges held in abeyance are disposed of",
            )
            recorded += 1
    return recorded
