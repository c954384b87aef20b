"""Authorization matrix rows for the people pages and API (see deflect/access/tests/matrix.py).

Who may do what: PERSON_VIEW (responder, outreach, case manager, coordinator) finds and opens the
people of their own program; PERSON_CREATE and CONSENT_RECORD (responder, outreach, case manager)
record people, aliases and consents. Everyone else, and the neighbouring county's coordinator,
gets 404 for this program's people.
"""

import datetime as dt

from django.utils import timezone

from deflect.access.tests.matrix import Row, expect, staff_at_another_agency
from deflect.people.consent import DEFAULT_REVOCATION_STATEMENT

from .factories import ConsentFactory, PersonFactory

FINDERS = {"officer": 200, "outreach": 200, "case_manager": 200, "coordinator": 200}
RECORDERS = ("officer", "outreach", "case_manager")


def own_person(w) -> dict:
    return {"person_id": PersonFactory(program=w.program).pk}


def other_person(w) -> dict:
    return {"person_id": PersonFactory(program=w.other_program).pk}


def own_consent(w) -> dict:
    consent = ConsentFactory(
        person=PersonFactory(program=w.program),
        recipient_agency=w.agencies["treatment"],
        attested_by=w.officer,
    )
    return {"person_id": consent.person_id, "consent_id": consent.pk}


def _expiry() -> str:
    return (timezone.localdate() + dt.timedelta(days=180)).isoformat()


def web_consent(w) -> dict:
    return {
        "information_categories": ["referral", "attendance"],
        "recipient_agency": w.agencies["treatment"].pk,
        "purposes": ["treatment", "care_coordination"],
        "discloser": "Marlow Deflection",
        "expires_on": _expiry(),
        "revocation_statement": DEFAULT_REVOCATION_STATEMENT,
        "signature_name": "Pat Doe",
        "attested": "on",
    }


def api_consent(w) -> dict:
    return {
        "information_categories": ["referral"],
        "recipient_agency_id": w.agencies["treatment"].pk,
        "purposes": ["treatment"],
        "discloser": "Marlow Deflection",
        "expires_on": _expiry(),
        "revocation_statement": DEFAULT_REVOCATION_STATEMENT,
        "signature_name": "Pat Doe",
        "attested": True,
    }


def web_person(w) -> dict:
    return {
        "program": w.program.pk,
        "first_name": "Dana",
        "last_name": "Whitfield",
        "race": "unknown",
        "ethnicity": "unknown",
        "gender": "unknown",
        "insurance": "unknown",
        "preferred_language": "en",
    }


def _recorders(status: int) -> dict[str, int]:
    return dict.fromkeys(RECORDERS, status)


WEB_ROWS: list[Row] = [
    Row("people:search", "GET", expect(403, anonymous=302, other_coordinator=200, **FINDERS)),
    Row(
        "people:search-results",
        "GET",
        expect(403, anonymous=302, other_coordinator=200, **FINDERS),
    ),
    Row("people:new", "GET", expect(403, anonymous=302, **_recorders(200))),
    Row("people:new", "POST", expect(403, anonymous=302, **_recorders(302)), body=web_person),
    Row(
        "people:detail",
        "GET",
        expect(404, anonymous=302, **FINDERS),
        args=own_person,
        variant="own program",
    ),
    Row(
        "people:detail",
        "GET",
        expect(404, anonymous=302, other_coordinator=200),
        args=other_person,
        variant="other program",
    ),
    Row(
        "people:alias-add",
        "POST",
        expect(404, anonymous=302, coordinator=403, **_recorders(302)),
        args=own_person,
        body=lambda w: {"first_name": "Red", "last_name": ""},
    ),
    Row(
        "people:consent-create",
        "POST",
        expect(404, anonymous=302, coordinator=403, **_recorders(302)),
        args=own_person,
        body=web_consent,
    ),
    Row(
        "people:consent-revoke",
        "POST",
        # The officer attested it: the city police may revoke it; the peer network and the
        # health agency see it but may not.
        expect(404, anonymous=302, coordinator=403, **(_recorders(403) | {"officer": 302})),
        args=own_consent,
        variant="own agency",
        body=lambda w: {"note": "Asked in person to stop sharing"},
    ),
]

API_ROWS: list[Row] = [
    Row(
        "/api/v1/people/search",
        "GET",
        expect(403, anonymous=401, other_coordinator=200, **FINDERS),
    ),
    Row(
        "/api/v1/people",
        "POST",
        expect(403, anonymous=401, other_coordinator=404, **_recorders(201)),
        body=lambda w: {"program_id": w.program.pk, "first_name": "Dana", "last_name": "Whitfield"},
    ),
    Row(
        "/api/v1/people/{person_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, **FINDERS),
        args=own_person,
        variant="own program",
    ),
    Row(
        "/api/v1/people/{person_id}",
        "GET",
        expect(404, anonymous=401, nobody=403, other_coordinator=200),
        args=other_person,
        variant="other program",
    ),
    Row(
        "/api/v1/people/{person_id}/consents",
        "POST",
        expect(404, anonymous=401, nobody=403, coordinator=403, **_recorders(201)),
        args=own_person,
        body=api_consent,
    ),
    Row(
        "/api/v1/people/{person_id}/consents/{consent_id}/revoke",
        "POST",
        expect(
            404, anonymous=401, nobody=403, coordinator=403, **(_recorders(403) | {"officer": 200})
        ),
        args=own_consent,
        variant="own agency",
        body=lambda w: {"note": "Asked by phone to stop sharing"},
    ),
]


# --- writes follow the recording agency: revoking a consent another agency of the program
# recorded (a sheriff's deputy attested it), and one of the other county's program.
def _sheriffs_consent(w) -> dict:
    deputy = staff_at_another_agency(w, "responder", "law_enforcement")
    consent = ConsentFactory(
        person=PersonFactory(program=w.program),
        recipient_agency=w.agencies["treatment"],
        attested_by=deputy,
    )
    return {"person_id": consent.person_id, "consent_id": consent.pk}


def _other_programs_consent(w) -> dict:
    consent = ConsentFactory(
        person=PersonFactory(program=w.other_program),
        recipient_agency=w.agencies["other_police"],
        attested_by=w.other_officer,
    )
    return {"person_id": consent.person_id, "consent_id": consent.pk}


_REVOKE = {"note": "Asked in person to stop sharing"}
WEB_ROWS += [
    Row(
        "people:consent-revoke",
        "POST",
        expect(404, anonymous=302, coordinator=403, **_recorders(403)),
        args=_sheriffs_consent,
        body=lambda w: _REVOKE,
        variant="other agency, same program",
    ),
    Row(
        "people:consent-revoke",
        "POST",
        expect(404, anonymous=302, other_coordinator=403),
        args=_other_programs_consent,
        body=lambda w: _REVOKE,
        variant="other program",
    ),
]
API_ROWS += [
    Row(
        "/api/v1/people/{person_id}/consents/{consent_id}/revoke",
        "POST",
        expect(404, anonymous=401, nobody=403, coordinator=403, **_recorders(403)),
        args=_sheriffs_consent,
        body=lambda w: _REVOKE,
        variant="other agency, same program",
    ),
    Row(
        "/api/v1/people/{person_id}/consents/{consent_id}/revoke",
        "POST",
        expect(404, anonymous=401, nobody=403, other_coordinator=403),
        args=_other_programs_consent,
        body=lambda w: _REVOKE,
        variant="other program",
    ),
]
