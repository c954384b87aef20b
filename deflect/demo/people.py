"""Synthetic people and encounters for the demo county, in bulk (no real people's data).

Deterministic for a given count: the same ``people`` number always gives the same rows. Runs
set-based (``bulk_create`` in batches) so that 100,000 people and 300,000 encounters load in
about a minute on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from deflect.accounts.models import Agency, User
from deflect.core.models import LevelOfCare, Pathway
from deflect.encounters import choices as ec
from deflect.encounters.models import (
    ActiveOutreachDetail,
    CommunityResponseDetail,
    Encounter,
    FirstResponderReferralDetail,
    Offense,
    OfficerInterventionDetail,
    OverdoseDetail,
    SelfReferralDetail,
)
from deflect.people.choices import ContactMethod, Ethnicity, Gender, Insurance, Race
from deflect.people.digests import phone_digest_columns
from deflect.people.matching import person_search_keys
from deflect.people.models import Person
from deflect.programs.models import Program
from deflect.screening.models import EligibilityScreening, NeedsScreening

from .county import PROGRAM_NAME

BATCH = 5000
ENCOUNTERS_PER_PERSON = 3

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Charles",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Timothy",
    "Deborah",
    "Ronald",
    "Stephanie",
    "Jose",
    "Maria",
    "Luis",
    "Carmen",
    "Jamal",
    "Aaliyah",
    "DeShawn",
    "Keisha",
    "Tyrone",
    "Imani",
    "Nguyen",
    "Mei",
    "Wei",
    "Priya",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Washington",
    "Okafor",
    "Kowalski",
    "Patel",
    "Chen",
    "Murphy",
    "O'Brien",
    "Sullivan",
    "Brooks",
    "Foster",
]
STREETS = [
    "Main St",
    "Harbor Ave",
    "Oak St",
    "Lincoln Blvd",
    "Mill Rd",
    "River Dr",
    "Elm St",
    "Market St",
    "2nd Ave",
    "Church St",
    "Union Ave",
    "Bay St",
]
# Race/ethnicity/gender are drawn so that "declined" and "unknown" appear, as they do in life.
RACES = [
    (Race.WHITE, 50),
    (Race.BLACK, 25),
    (Race.ASIAN, 4),
    (Race.MULTIRACIAL, 5),
    (Race.AMERICAN_INDIAN, 2),
    (Race.OTHER, 3),
    (Race.DECLINED, 6),
    (Race.UNKNOWN, 5),
]
ETHNICITIES = [
    (Ethnicity.NOT_HISPANIC, 75),
    (Ethnicity.HISPANIC, 15),
    (Ethnicity.DECLINED, 5),
    (Ethnicity.UNKNOWN, 5),
]
GENDERS = [
    (Gender.MAN, 60),
    (Gender.WOMAN, 35),
    (Gender.NON_BINARY, 1),
    (Gender.TRANS_WOMAN, 1),
    (Gender.DECLINED, 2),
    (Gender.UNKNOWN, 1),
]
INSURANCE = [
    (Insurance.MEDICAID, 55),
    (Insurance.UNINSURED, 20),
    (Insurance.PRIVATE, 12),
    (Insurance.MEDICARE, 6),
    (Insurance.UNKNOWN, 7),
]
OUTCOMES = [
    (ec.Outcome.REFERRED, 45),
    (ec.Outcome.DECLINED, 20),
    (ec.Outcome.HARM_REDUCTION_ONLY, 15),
    (ec.Outcome.TRANSPORTED_ED, 12),
    (ec.Outcome.ARRESTED, 5),
    (ec.Outcome.NO_CONTACT, 3),
]


# Residence ZIP codes of the demo county (Baltimore City's, for realistic three-digit areas).
DEMO_ZIPS = ["21201", "21202", "21205", "21206", "21213", "21215", "21217", "21218", "21224"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _batches(items: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _people(
    rng: random.Random, program: Program, start: int, count: int, agency: Agency
) -> Iterator[Person]:
    today = timezone.localdate()
    # Residence ZIPs from their own generator, so the rest of the demo county stays as it was.
    zips = random.Random(start)  # noqa: S311 (synthetic data, not security)
    for _ in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        first_key, last_key = person_search_keys(first, last)
        born = today - dt.timedelta(days=rng.randint(18 * 365, 70 * 365))
        phone = f"(410) 555-{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else ""
        yield Person(
            program=program,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            race=_pick(rng, RACES),
            ethnicity=_pick(rng, ETHNICITIES),
            gender=_pick(rng, GENDERS),
            insurance=_pick(rng, INSURANCE),
            preferred_language="es" if rng.random() < 0.1 else "en",
            residence_zip=zips.choice(DEMO_ZIPS),
            phone=phone,
            **phone_digest_columns(phone),
            may_text=bool(phone),
            preferred_contact=ContactMethod.TEXT if phone else "",
            first_key=first_key,
            last_key=last_key,
            agency=agency,
        )


def demo_people_load(*, people: int, seed: int = 2026) -> tuple[int, int]:
    """Top the demo program up to ``people`` people with about three encounters each.
    Returns (people added, encounters added)."""

    program = Program.objects.get(name=PROGRAM_NAME)
    existing = Person.objects.filter(program=program).count()
    if existing >= people:
        return 0, 0
    rng = random.Random(f"{seed}:{existing}")  # noqa: S311 (synthetic data, not security)
    recorders = {
        "officer": User.objects.get(username="officer"),
        "medic": User.objects.get(username="medic"),
        "outreach": User.objects.get(username="outreach"),
    }
    agencies = {name: recorders[name].memberships.get().agency for name in recorders}
    added_people = added_encounters = 0
    with transaction.atomic():
        for batch in _batches(
            _people(rng, program, existing, people - existing, agencies["officer"])
        ):
            created = Person.objects.bulk_create(batch)
            added_people += len(created)
            added_encounters += _encounters_for(rng, program, created, recorders, agencies)
    # A bulk load changes the tables' shape; fresh statistics let the query planner choose the
    # (program, key) indexes person lookup is built on (SQLite and PostgreSQL alike).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return added_people, added_encounters


# Which demo recorder works which pathways.
PATHWAYS_BY_RECORDER = {
    "officer": [
        Pathway.OFFICER_INTERVENTION,
        Pathway.FIRST_RESPONDER_REFERRAL,
        Pathway.SELF_REFERRAL,
    ],
    "medic": [Pathway.NALOXONE_PLUS, Pathway.SELF_REFERRAL],
    "outreach": [Pathway.ACTIVE_OUTREACH, Pathway.COMMUNITY_RESPONSE, Pathway.NALOXONE_PLUS],
}


def _encounters_for(rng, program, people, recorders, agencies) -> int:
    now = timezone.now()
    encounters, details = [], []
    for person in people:
        for _ in range(rng.randint(1, 2 * ENCOUNTERS_PER_PERSON - 1)):
            who = rng.choice(list(recorders))
            pathway = rng.choice(PATHWAYS_BY_RECORDER[who])
            at = now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            encounter = Encounter(
                client_uuid=_uuid(rng),
                fingerprint="demo",
                program=program,
                agency=agencies[who],
                pathway=pathway,
                occurred_at=at,
                location_text=f"{rng.randint(1, 2400)} {rng.choice(STREETS)}",
                person=person,
                outcome=_pick(rng, OUTCOMES),
                recorded_by=recorders[who],
                circumstance="",
            )
            encounters.append(encounter)
            details.append((encounter, pathway))
    Encounter.objects.bulk_create(encounters)
    _details(rng, details)
    return len(encounters)


@dataclass
class _DemoRows:
    """What the detail makers collect for bulk creation."""

    rows: dict[type[Model], list[Model]] = field(default_factory=dict)
    offenses_for: list[tuple[OfficerInterventionDetail, str]] = field(default_factory=list)
    screenings: list[EligibilityScreening] = field(default_factory=list)

    def add(self, detail) -> None:
        self.rows.setdefault(type(detail), []).append(detail)


def _naloxone_plus(rng, encounter, out: _DemoRows) -> None:
    fatal = rng.random() < 0.04
    doses = rng.randint(1, 3)
    out.add(
        OverdoseDetail(
            encounter=encounter,
            overdose_at=encounter.occurred_at - dt.timedelta(minutes=rng.randint(5, 90)),
            substances_suspected=rng.sample(
                ["fentanyl", "heroin", "xylazine", "cocaine"], k=rng.randint(1, 2)
            ),
            naloxone_doses_responder=doses,
            naloxone_response=ec.NaloxoneResponse.RESPONDED,
            transported=rng.random() < 0.5,
            fatal=fatal,
            leave_behind_kit=True,
        )
    )
    encounter.needs_post_overdose_followup = not fatal


def _self_referral(rng, encounter, out: _DemoRows) -> None:
    out.add(
        SelfReferralDetail(
            encounter=encounter,
            station=f"Station {rng.randint(1, 9)}",
            arrival_mode=ec.ArrivalMode.WALK_IN,
            medical_check_done=True,
        )
    )


def _officer_intervention(rng, encounter, out: _DemoRows) -> None:
    detail = OfficerInterventionDetail(
        encounter=encounter,
        decision=ec.OfficerDecision.TREATMENT_IN_LIEU,
        charges_held_in_abeyance=True,
        abeyance_conditions="Complete intake",
        abeyance_deadline=(encounter.occurred_at + dt.timedelta(days=90)).date(),
    )
    out.add(detail)
    category = rng.choice(["drug_possession", "theft", "trespass"])
    out.offenses_for.append((detail, category))
    out.screenings.append(
        EligibilityScreening(
            encounter=encounter,
            facts={"offense_categories": [category]},
            rule_eligible=True,
            eligible=True,
            reasons=["No exclusion applies."],
        )
    )


def _first_responder_referral(rng, encounter, out: _DemoRows) -> None:
    out.add(
        FirstResponderReferralDetail(
            encounter=encounter, context=ec.ReferralContext.PATROL, offered=["treatment"]
        )
    )


def _active_outreach(rng, encounter, out: _DemoRows) -> None:
    out.add(
        ActiveOutreachDetail(
            encounter=encounter,
            identified_via=ec.IdentifiedVia.OVERDOSE_LIST,
            contact_result=rng.choice(list(ec.ContactResult)),
        )
    )


def _community_response(rng, encounter, out: _DemoRows) -> None:
    out.add(
        CommunityResponseDetail(
            encounter=encounter,
            call_source=rng.choice(list(ec.CallSource)),
            call_type=rng.choice(list(ec.CallType)),
            team=["clinician", "peer"],
            deescalation_outcome=ec.DeescalationOutcome.REFERRED,
        )
    )


# The demo detail section of each pathway, keyed by pathway code.
DEMO_DETAILS: dict[str, Callable[[random.Random, Encounter, _DemoRows], None]] = {
    Pathway.SELF_REFERRAL: _self_referral,
    Pathway.ACTIVE_OUTREACH: _active_outreach,
    Pathway.NALOXONE_PLUS: _naloxone_plus,
    Pathway.FIRST_RESPONDER_REFERRAL: _first_responder_referral,
    Pathway.OFFICER_INTERVENTION: _officer_intervention,
    Pathway.COMMUNITY_RESPONSE: _community_response,
}


def _details(rng, items) -> None:
    out = _DemoRows()
    needs = []
    for encounter, pathway in items:
        DEMO_DETAILS[pathway](rng, encounter, out)
        if rng.random() < 0.3:
            needs.append(
                NeedsScreening(
                    encounter=encounter,
                    substances=["fentanyl"],
                    oud_indicators=["daily_opioid_use", "withdrawal_when_stopping"],
                    readiness=rng.choice(["ready_now", "considering", "not_ready"]),
                    recommended_level_of_care=LevelOfCare.OPIOID_TREATMENT_PROGRAM,
                    reasons=["Opioid use disorder indicators"],
                    harm_reduction_offers=["naloxone"],
                )
            )
    followups = [e for e, p in items if p == Pathway.NALOXONE_PLUS]
    Encounter.objects.bulk_update(followups, ["needs_post_overdose_followup"], batch_size=BATCH)
    for model, objects in out.rows.items():
        model._default_manager.bulk_create(objects, batch_size=BATCH)
    Offense.objects.bulk_create(
        [
            Offense(detail=d, statute="CR 5-601", level=ec.OffenseLevel.MISDEMEANOR, category=c)
            for d, c in out.offenses_for
        ],
        batch_size=BATCH,
    )
    EligibilityScreening.objects.bulk_create(out.screenings, batch_size=BATCH)
    NeedsScreening.objects.bulk_create(needs, batch_size=BATCH)
