"""Authorization-matrix rows for the linkage review: OUTSIDE_RECORD_LINK, i.e. the program's
analysts and coordinators. Everyone else in the program gets 403 (responders, prosecutors and
the rest), people outside it 404."""

from deflect.access.tests.matrix import Row, expect, own_program
from deflect.accounts.system import dangerously_as_system
from deflect.linkage.models import ReviewPair
from deflect.people.merge import person_merge
from deflect.people.tests.factories import PersonFactory


def _pair(w, kind="record_person"):

    a = PersonFactory(program=w.program)
    b = PersonFactory(program=w.program)
    return ReviewPair.objects.create(
        program=w.program,
        left_key=f"p{a.pk}",
        right_key=f"p{b.pk}",
        kind=kind,
        match_probability=0.7,
        reasons={"dob": "Exact match on dob"},
    )


def pair(w) -> dict:
    return {"pair_id": _pair(w).pk}


def people_pair(w) -> dict:
    return {"pair_id": _pair(w, "person_person").pk}


def merge(w) -> dict:

    a = PersonFactory(program=w.program)
    b = PersonFactory(program=w.program)
    record = person_merge(actor=dangerously_as_system("tests"), survivor_id=a.pk, merged_id=b.pk)
    return {"merge_id": record.pk}


_PAGE = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200, analyst=200)
_WRITE = expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=302, analyst=302)
_API = expect(403, anonymous=401, nobody=403, other_coordinator=404, coordinator=200, analyst=200)

WEB_ROWS = [
    Row("linkage:queue", "GET", _PAGE, args=own_program),
    Row("linkage:pair", "GET", _PAGE, args=pair),
    Row("linkage:pair", "POST", _WRITE, args=pair, body=lambda w: {"decision": "rejected"}),
    Row(
        "linkage:pair",
        "POST",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=422, analyst=422),
        args=pair,
        body=lambda w: {"decision": "maybe"},
        variant="no decision",
    ),
    Row("linkage:merge", "POST", _WRITE, args=people_pair, body=lambda w: {}),
    Row("linkage:unmerge", "POST", _WRITE, args=merge, body=lambda w: {}),
]

API_ROWS = [
    Row("/api/v1/linkage/programs/{program_id}/review", "GET", _API, args=own_program),
    Row(
        "/api/v1/linkage/review/{pair_id}/decision",
        "POST",
        _API,
        args=pair,
        body=lambda w: {"decision": "confirmed"},
    ),
]
