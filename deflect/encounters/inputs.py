"""The one validated shape of an encounter submission, shared by the API and the web form.

Field-level checks live here (types, codes, lengths, ranges); rules that need the database or
the clock (pathway enabled, future dates, agency kind) live in ``encounters.services``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, StringConstraints, model_validator

from deflect.core.models import Pathway
from deflect.core.pathways import PATHWAYS
from deflect.core.schemas import Id
from deflect.people.choices import ContactMethod, Ethnicity, Gender, Insurance, Race

from . import choices


def _codes(enum) -> type:
    return Literal[tuple(enum.values)]  # type: ignore[return-value]


Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Medium = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Doses = Annotated[int, Field(ge=0, le=20)]

PathwayCode = _codes(Pathway)
OutcomeCode = _codes(choices.Outcome)


class NewPersonIn(Schema):
    first_name: Short = ""
    last_name: Short = ""
    date_of_birth: dt.date | None = None
    age_estimate: Annotated[int, Field(ge=0, le=120)] | None = None
    race: _codes(Race) = Race.UNKNOWN.value  # type: ignore[valid-type]
    ethnicity: _codes(Ethnicity) = Ethnicity.UNKNOWN.value  # type: ignore[valid-type]
    gender: _codes(Gender) = Gender.UNKNOWN.value  # type: ignore[valid-type]
    insurance: _codes(Insurance) = Insurance.UNKNOWN.value  # type: ignore[valid-type]
    preferred_language: Annotated[str, StringConstraints(max_length=35)] = "en"
    needs_interpreter: bool = False
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    may_text: bool = False
    social_media_handle: Short = ""
    social_media_platform: Annotated[str, StringConstraints(max_length=40)] = ""
    preferred_contact: _codes(ContactMethod) | Literal[""] = ""  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _named(self):
        if not (self.first_name or self.last_name):
            raise ValueError("A new person needs a first or last name.")
        return self


class OverdoseIn(Schema):
    overdose_at: dt.datetime
    substances_suspected: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=15
    )
    naloxone_doses_responder: Doses = 0
    naloxone_doses_ems: Doses = 0
    naloxone_doses_bystander: Doses = 0
    naloxone_response: _codes(choices.NaloxoneResponse)  # type: ignore[valid-type]
    transported: bool = False
    fatal: bool = False
    leave_behind_kit: bool = False

    @model_validator(mode="after")
    def _doses_match_response(self):
        given = self.naloxone_doses_responder + self.naloxone_doses_ems
        given += self.naloxone_doses_bystander
        if self.naloxone_response == choices.NaloxoneResponse.NOT_GIVEN and given:
            raise ValueError("Doses were recorded but the response says naloxone was not given.")
        if self.naloxone_response != choices.NaloxoneResponse.NOT_GIVEN and not given:
            raise ValueError("Record how many naloxone doses were given, and by whom.")
        return self


class SelfReferralIn(Schema):
    station: Medium = Field(min_length=1)
    arrival_mode: _codes(choices.ArrivalMode)  # type: ignore[valid-type]
    during_staffed_hours: bool = False
    items_surrendered: Annotated[str, StringConstraints(max_length=500)] = ""
    medical_check_done: bool = False


class OffenseIn(Schema):
    statute: Short = Field(min_length=1)
    description: Medium = ""
    level: _codes(choices.OffenseLevel)  # type: ignore[valid-type]
    category: Annotated[str, StringConstraints(max_length=40)] = "other"
    violent: bool = False


class OfficerInterventionIn(Schema):
    offenses: list[OffenseIn] = Field(min_length=1, max_length=10)
    decision: _codes(choices.OfficerDecision)  # type: ignore[valid-type]
    citation_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    charges_held_in_abeyance: bool = False
    abeyance_conditions: Long = ""
    abeyance_deadline: dt.date | None = None
    # Which of the program's prosecutor's offices holds the charges; needed only when the
    # program has more than one.
    prosecutor_agency_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _decision_details(self):
        if self.decision == choices.OfficerDecision.CIVIL_CITATION and not self.citation_number:
            raise ValueError("A civil citation needs its citation number.")
        if self.charges_held_in_abeyance and not (
            self.abeyance_conditions and self.abeyance_deadline
        ):
            raise ValueError("Charges held in abeyance need their conditions and a deadline.")
        return self


class FirstResponderReferralIn(Schema):
    context: _codes(choices.ReferralContext)  # type: ignore[valid-type]
    offered: list[_codes(choices.Offer)] = Field(min_length=1)  # type: ignore[valid-type]


class ActiveOutreachIn(Schema):
    identified_via: _codes(choices.IdentifiedVia)  # type: ignore[valid-type]
    contact_result: _codes(choices.ContactResult)  # type: ignore[valid-type]


class CommunityResponseIn(Schema):
    call_source: _codes(choices.CallSource)  # type: ignore[valid-type]
    call_type: _codes(choices.CallType)  # type: ignore[valid-type]
    team: list[_codes(choices.TeamMember)] = Field(min_length=1)  # type: ignore[valid-type]
    deescalation_outcome: _codes(choices.DeescalationOutcome)  # type: ignore[valid-type]


class EligibilityOverrideIn(Schema):
    eligible: bool
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


# The detail section each pathway requires (and no other section may be sent); each is a field
# of ``EncounterIn`` below, named by the pathway's registry row.
DETAIL_FIELDS: dict[str, str] = {p.code: p.section for p in PATHWAYS}


class EncounterIn(Schema):
    client_uuid: UUID
    program_id: Id | None = None
    agency_id: Id | None = None
    pathway: PathwayCode  # type: ignore[valid-type]
    occurred_at: dt.datetime
    location_text: Medium = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)] | None = (
        None
    )
    person_id: Id | None = None
    new_person: NewPersonIn | None = None
    unidentified_description: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500)
    ] = ""
    circumstance: Long = ""
    outcome: OutcomeCode  # type: ignore[valid-type]
    responder_ids: list[Id] = Field(default_factory=list, max_length=10)
    overdose: OverdoseIn | None = None
    self_referral: SelfReferralIn | None = None
    officer_intervention: OfficerInterventionIn | None = None
    first_responder_referral: FirstResponderReferralIn | None = None
    active_outreach: ActiveOutreachIn | None = None
    community_response: CommunityResponseIn | None = None
    eligibility: dict | None = None
    eligibility_override: EligibilityOverrideIn | None = None
    needs: dict | None = None
