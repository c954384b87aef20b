"""Authorization-matrix rows for referrals and the provider portal.

The requester's side follows the program (REFERRAL_VIEW: responders, outreach, case managers,
coordinators; REFERRAL_CREATE to send or cancel: not coordinators). The provider's side reaches
only the recipient agency's provider staff (Northside Recovery here); for everyone else an
inbound referral does not exist (404)."""

import uuid

from deflect.access.tests.matrix import Row, expect, own_program, staff_at_another_agency
from deflect.referrals.services import referral_create
from deflect.referrals.tests.factories import (
    consent_to,
    encounter_by,
    referral_ready,
    send_referral,
    service_for,
)


def _referral(w) -> dict:
    return {"referral_id": send_referral(w).pk}


def _person(w) -> dict:
    return {"person_id": encounter_by(w.officer).person_id}


def _form(w) -> dict:
    encounter, service, _ = referral_ready(w)
    return {
        "person_id": encounter.person_id,
        "encounter_id": encounter.pk,
        "client_uuid": str(uuid.uuid4()),
        "service_id": str(service.pk),
        "need": "Detox bed tonight",
        "level_of_care": "withdrawal_management",
        "handoff": "in_person",
        "transport": "responder",
        "response_due_minutes": "120",
    }


def _json(w) -> dict:
    form = _form(w)
    return {
        "person_id": form["person_id"],
        "service_id": form["service_id"],
        "need": form["need"],
        "encounter_id": form["encounter_id"],
    }


_VIEWERS = dict(officer=200, outreach=200, case_manager=200, coordinator=200)
_SENDERS = dict(officer=302, outreach=302, case_manager=302)

WEB_ROWS = [
    Row("referrals:list", "GET", expect(403, anonymous=302, **_VIEWERS, other_coordinator=200)),
    Row(
        "referrals:new",
        "GET",
        expect(403, anonymous=302, officer=404, outreach=404, case_manager=404),
        variant="no person chosen",
    ),
    Row(
        "referrals:new",
        "POST",
        expect(403, anonymous=302, **_SENDERS),
        body=_form,
    ),
    Row("referrals:detail", "GET", expect(404, anonymous=302, **_VIEWERS), args=_referral),
    Row(
        "referrals:status",
        "POST",
        # The officer's referral: the city police may cancel it; the peer network and the
        # health agency see it but may not.
        expect(404, anonymous=302, officer=302, outreach=403, case_manager=403, coordinator=403),
        args=_referral,
        variant="own agency",
        body=lambda w: {"status": "cancelled", "reason": "Found a bed elsewhere"},
    ),
    Row("referrals:inbound", "GET", expect(403, anonymous=302, provider=200)),
    Row("referrals:inbound-capacity", "GET", expect(403, anonymous=302, provider=200)),
    Row(
        "referrals:inbound-detail", "GET", expect(404, anonymous=302, provider=200), args=_referral
    ),
    Row(
        "referrals:inbound-status",
        "POST",
        expect(404, anonymous=302, provider=302),
        args=_referral,
        body=lambda w: {"status": "accepted"},
    ),
    Row("referrals:disclosures", "GET", expect(404, anonymous=302, **_VIEWERS), args=_person),
    Row(
        "referrals:program-settings",
        "GET",
        expect(403, anonymous=302, nobody=404, admin=403, coordinator=200, other_coordinator=404),
        args=own_program,
    ),
    Row(
        "referrals:program-settings",
        "POST",
        expect(403, anonymous=302, nobody=404, admin=403, coordinator=302, other_coordinator=404),
        args=own_program,
        body=lambda w: {"response_minutes": "90"},
    ),
]

_API_VIEWERS = dict(officer=200, outreach=200, case_manager=200, coordinator=200)
API_ROWS = [
    Row(
        "/api/v1/referrals",
        "GET",
        expect(403, anonymous=401, **_API_VIEWERS, other_coordinator=200),
    ),
    Row(
        "/api/v1/referrals",
        "POST",
        expect(403, anonymous=401, officer=201, outreach=201, case_manager=201),
        body=_json,
    ),
    Row(
        "/api/v1/referrals/{referral_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, **_API_VIEWERS),
        args=_referral,
    ),
    Row(
        "/api/v1/referrals/{referral_id}/status",
        "POST",
        expect(
            404,
            anonymous=401,
            nobody=403,
            officer=200,
            outreach=403,
            case_manager=403,
            coordinator=403,
        ),
        args=_referral,
        variant="own agency",
        body=lambda w: {"status": "cancelled", "reason": "Person left"},
    ),
    Row("/api/v1/referrals/inbound", "GET", expect(403, anonymous=401, provider=200)),
    Row(
        "/api/v1/referrals/inbound/{referral_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, provider=200),
        args=_referral,
    ),
    Row(
        "/api/v1/referrals/inbound/{referral_id}/status",
        "POST",
        expect(404, anonymous=401, nobody=403, provider=200),
        args=_referral,
        body=lambda w: {"status": "rejected", "reason": "No capacity"},
    ),
    Row(
        "/api/v1/referrals/people/{person_id}/disclosures",
        "GET",
        expect(404, anonymous=401, nobody=403, **_API_VIEWERS),
        args=_person,
    ),
]


# --- writes follow the requesting agency: the same move on a referral of another agency of the
# program (a sheriff's deputy's) and of the other county's program.
def _referral_of(w, requester, recipient) -> dict:
    encounter = encounter_by(requester)
    service = service_for(recipient)
    consent_to(encounter.person, recipient)
    referral = referral_create(
        actor=requester, person_id=encounter.person_id, service_id=service.pk, need="Detox bed"
    ).referral
    return {"referral_id": referral.pk}


def _sheriffs_referral(w) -> dict:
    deputy = staff_at_another_agency(w, "responder", "law_enforcement")
    return _referral_of(w, deputy, w.agencies["treatment"])


def _other_programs_referral(w) -> dict:
    provider = staff_at_another_agency(w, "provider", "treatment_provider", other_program=True)
    return _referral_of(w, w.other_officer, provider.memberships.get().agency)


_CANCEL = {"status": "cancelled", "reason": "Found a bed elsewhere"}
WEB_ROWS += [
    Row(
        "referrals:status",
        "POST",
        expect(404, anonymous=302, officer=403, outreach=403, case_manager=403, coordinator=403),
        args=_sheriffs_referral,
        body=lambda w: _CANCEL,
        variant="other agency, same program",
    ),
    Row(
        "referrals:status",
        "POST",
        expect(404, anonymous=302, other_coordinator=403),
        args=_other_programs_referral,
        body=lambda w: _CANCEL,
        variant="other program",
    ),
]
API_ROWS += [
    Row(
        "/api/v1/referrals/{referral_id}/status",
        "POST",
        expect(
            404,
            anonymous=401,
            nobody=403,
            officer=403,
            outreach=403,
            case_manager=403,
            coordinator=403,
        ),
        args=_sheriffs_referral,
        body=lambda w: _CANCEL,
        variant="other agency, same program",
    ),
    Row(
        "/api/v1/referrals/{referral_id}/status",
        "POST",
        expect(404, anonymous=401, nobody=403, other_coordinator=403),
        args=_other_programs_referral,
        body=lambda w: _CANCEL,
        variant="other program",
    ),
]
