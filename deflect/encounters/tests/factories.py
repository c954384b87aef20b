"""Submissions as a responder's phone would send them."""

import uuid
from datetime import timedelta

from django.utils import timezone


def submission(pathway: str = "naloxone_plus", **overrides) -> dict:
    now = timezone.now().replace(microsecond=0)
    data = {
        "client_uuid": str(uuid.uuid4()),
        "pathway": pathway,
        "occurred_at": (now - timedelta(minutes=20)).isoformat(),
        "location_text": "400 block of Main St",
        "latitude": "39.290400",
        "longitude": "-76.612200",
        "new_person": {
            "first_name": "Jamie",
            "last_name": "Rivera",
            "date_of_birth": "1990-04-12",
            "race": "declined",
            "ethnicity": "hispanic_latino",
            "gender": "woman",
            "phone": "(410) 555-0142",
            "may_text": True,
        },
        "circumstance": "Called by a bystander.",
        "outcome": "referred",
    }
    data.update(PATHWAY_SECTIONS[pathway](now))
    data.update(overrides)
    return data


PATHWAY_SECTIONS = {
    "naloxone_plus": lambda now: {
        "overdose": {
            "overdose_at": (now - timedelta(minutes=35)).isoformat(),
            "substances_suspected": ["fentanyl"],
            "naloxone_doses_responder": 2,
            "naloxone_response": "responded",
            "transported": False,
            "fatal": False,
            "leave_behind_kit": True,
        }
    },
    "self_referral": lambda now: {
        "self_referral": {
            "station": "Fire Station 3",
            "arrival_mode": "walk_in",
            "during_staffed_hours": True,
            "items_surrendered": "syringes",
            "medical_check_done": True,
        }
    },
    "officer_intervention": lambda now: {
        "officer_intervention": {
            "offenses": [
                {
                    "statute": "CR 5-601",
                    "description": "Possession",
                    "level": "misdemeanor",
                    "category": "drug_possession",
                }
            ],
            "decision": "treatment_in_lieu_of_arrest",
            "charges_held_in_abeyance": True,
            "abeyance_conditions": "Complete intake within 14 days",
            "abeyance_deadline": (now + timedelta(days=90)).date().isoformat(),
        },
        "eligibility": {
            "offense_categories": ["drug_possession"],
            "violent": False,
            "outstanding_warrant": False,
            "age": 36,
            "prior_participations": 0,
        },
    },
    "first_responder_referral": lambda now: {
        "first_responder_referral": {"context": "patrol", "offered": ["treatment", "case_manager"]}
    },
    "active_outreach": lambda now: {
        "active_outreach": {"identified_via": "overdose_list", "contact_result": "engaged"}
    },
    "community_response": lambda now: {
        "community_response": {
            "call_source": "988",
            "call_type": "crisis",
            "team": ["clinician", "peer"],
            "deescalation_outcome": "referred",
        }
    },
}
