"""Every request that returns person data writes exactly one audit event naming who it showed.

The routes come from the authorization matrix: every GET row is either in ``PERSON_DATA`` (with
a story that puts a person on the page) or in ``NO_PERSON_DATA``, so a new route forces the
decision. For each person-data route, a persona allowed to use it asks once; the test expects
one new audit event whose ``extra`` (or target) names the person, and for API lists, whose
``ids`` are exactly the records in the response.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from deflect.access.tests.matrix import API_ROWS, WEB_ROWS, Row
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.cases.services import case_open
from deflect.followups.models import FollowUp
from deflect.followups.selectors import followup_queue
from deflect.linkage.models import ReviewPair
from deflect.outcomes.models import ExternalRecord
from deflect.people.tests.factories import PersonFactory
from deflect.referrals.selectors import referral_list_for
from deflect.referrals.tests.factories import encounter_by, send_referral
from deflect.surveillance.tests.factories import event_for

pytestmark = pytest.mark.django_db


@dataclass
class Shown:
    """What a route is asked with, and whom it must show."""

    person_id: int
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)


def _referred(w) -> Any:
    return send_referral(w)


def _abeyance(w) -> Any:
    return encounter_by(w.officer, "officer_intervention").abeyance


def _followup(w) -> Any:
    encounter = encounter_by(w.officer, "naloxone_plus")
    return FollowUp.objects.filter(encounter=encounter).order_by("step").first()


def _case(w) -> Any:
    referral = _referred(w)
    return case_open(actor=w.case_manager, person_id=referral.person_id)


def _searched(w) -> Shown:
    person = PersonFactory(program=w.program, first_name="Rowan", last_name="Quillfeather")
    return Shown(person.pk, query={"first_name": "Rowan", "last_name": "Quillfeather"})


def _referral_shown(w) -> Shown:
    r = _referred(w)
    return Shown(r.person_id, args={"referral_id": r.pk})


def _encounter_shown(w) -> Shown:
    r = _referred(w)
    return Shown(r.person_id, args={"encounter_id": r.encounter_id})


def _person_shown(w) -> Shown:
    r = _referred(w)
    return Shown(r.person_id, args={"person_id": r.person_id})


def _case_shown(w) -> Shown:
    c = _case(w)
    return Shown(c.person_id, args={"case_id": c.pk})


def _abeyance_shown(w) -> Shown:
    a = _abeyance(w)
    return Shown(a.person_id, args={"abeyance_id": a.pk})


def _followup_shown(w) -> Shown:
    f = _followup(w)
    return Shown(f.person_id, args={"followup_id": f.pk})


def _overdose(w) -> Any:
    return event_for(w.program, person=PersonFactory(program=w.program))


def _overdose_shown(w) -> Shown:
    event = _overdose(w)
    return Shown(event.person_id, args={"event_id": event.pk})


def _program_overdoses_shown(w) -> Shown:
    return Shown(_overdose(w).person_id, args={"program_id": w.program.pk})


def _outside_record_shown(w) -> Shown:
    person = PersonFactory(program=w.program)
    ExternalRecord.objects.create(
        program=w.program,
        source="county_jail",
        source_record_id="J1",
        kind="jail_booking",
        first_name=person.first_name,
        last_name=person.last_name,
        event_at=timezone.now(),
        person=person,
    )
    return Shown(person.pk, args={"program_id": w.program.pk})


def _review_pair(w) -> tuple[ReviewPair, int]:
    person = PersonFactory(program=w.program)
    duplicate = PersonFactory(program=w.program)
    pair = ReviewPair.objects.create(
        program=w.program,
        left_key=f"p{person.pk}",
        right_key=f"p{duplicate.pk}",
        kind="person_person",
        match_probability=0.8,
    )
    return pair, person.pk


def _review_pair_shown(w) -> Shown:
    pair, person_id = _review_pair(w)
    return Shown(person_id, args={"pair_id": pair.pk})


def _review_queue_shown(w) -> Shown:
    _, person_id = _review_pair(w)
    return Shown(person_id, args={"program_id": w.program.pk})


def _listed(story: Callable[[Any], Shown]) -> Callable[[Any], Shown]:
    """The same story for a list route, which takes no path parameters."""

    def listed(w) -> Shown:
        return Shown(story(w).person_id)

    return listed


# Route id (as in the matrix) -> (persona who may use it, story, audit action expected).
PERSON_DATA: dict[str, tuple[str, Callable[[Any], Shown], Action]] = {
    "GET people:search": ("officer", _searched, Action.PERSON_SEARCH),
    "GET people:search-results": ("officer", _searched, Action.PERSON_SEARCH),
    "GET people:detail [own program]": ("officer", _person_shown, Action.PERSON_READ),
    "GET encounters:list": ("officer", _listed(_person_shown), Action.ENCOUNTER_LIST),
    "GET encounters:detail [own program]": ("officer", _encounter_shown, Action.ENCOUNTER_READ),
    "GET referrals:list": ("officer", _listed(_person_shown), Action.REFERRAL_LIST),
    "GET referrals:detail": ("officer", _referral_shown, Action.REFERRAL_READ),
    "GET referrals:inbound": ("provider", _listed(_person_shown), Action.REFERRAL_INBOUND_LIST),
    "GET referrals:inbound-detail": ("provider", _referral_shown, Action.REFERRAL_READ),
    "GET referrals:disclosures": ("officer", _person_shown, Action.DISCLOSURE_ACCOUNTING),
    "GET cases:list": ("case_manager", _listed(_case_shown), Action.CASE_LIST),
    "GET cases:detail": ("case_manager", _case_shown, Action.CASE_READ),
    "GET cases:person-timeline": ("case_manager", _person_shown, Action.PERSON_READ),
    "GET cases:abeyance-list": ("case_manager", _listed(_abeyance_shown), Action.ABEYANCE_LIST),
    "GET cases:abeyance-detail": ("case_manager", _abeyance_shown, Action.ABEYANCE_READ),
    "GET cases:prosecutor-list": ("prosecutor", _listed(_abeyance_shown), Action.ABEYANCE_LIST),
    "GET followups:queue": ("outreach", _listed(_followup_shown), Action.FOLLOWUP_LIST),
    "GET followups:detail": ("outreach", _followup_shown, Action.FOLLOWUP_READ),
    "GET /api/v1/people/search": ("officer", _searched, Action.PERSON_SEARCH),
    "GET /api/v1/people/{person_id} [own program]": ("officer", _person_shown, Action.PERSON_READ),
    "GET /api/v1/encounters": ("officer", _listed(_person_shown), Action.ENCOUNTER_LIST),
    "GET /api/v1/encounters/{encounter_id} [own program]": (
        "officer",
        _encounter_shown,
        Action.ENCOUNTER_READ,
    ),
    "GET /api/v1/referrals": ("officer", _listed(_person_shown), Action.REFERRAL_LIST),
    "GET /api/v1/referrals/{referral_id}": ("officer", _referral_shown, Action.REFERRAL_READ),
    "GET /api/v1/referrals/inbound": (
        "provider",
        _listed(_person_shown),
        Action.REFERRAL_INBOUND_LIST,
    ),
    "GET /api/v1/referrals/inbound/{referral_id}": (
        "provider",
        _referral_shown,
        Action.REFERRAL_READ,
    ),
    "GET /api/v1/referrals/people/{person_id}/disclosures": (
        "officer",
        _person_shown,
        Action.DISCLOSURE_ACCOUNTING,
    ),
    "GET /api/v1/cases": ("case_manager", _listed(_case_shown), Action.CASE_LIST),
    "GET /api/v1/cases/{case_id}": ("case_manager", _case_shown, Action.CASE_READ),
    "GET /api/v1/cases/abeyance/prosecutor": (
        "prosecutor",
        _listed(_abeyance_shown),
        Action.ABEYANCE_LIST,
    ),
    "GET /api/v1/followups/queue": ("outreach", _listed(_followup_shown), Action.FOLLOWUP_LIST),
    "GET encounters:amend": ("officer", _encounter_shown, Action.ENCOUNTER_READ),
    "GET outcomes:records": ("analyst", _outside_record_shown, Action.OUTSIDE_RECORDS_READ),
    "GET linkage:queue": ("analyst", _review_queue_shown, Action.LINK_REVIEW_LIST),
    "GET linkage:pair": ("analyst", _review_pair_shown, Action.LINK_REVIEW_READ),
    "GET /api/v1/linkage/programs/{program_id}/review": (
        "analyst",
        _review_queue_shown,
        Action.LINK_REVIEW_LIST,
    ),
    "GET surveillance:events": (
        "outreach",
        _program_overdoses_shown,
        Action.OVERDOSE_EVENT_LIST,
    ),
    "GET surveillance:event": ("outreach", _overdose_shown, Action.OVERDOSE_EVENT_READ),
    "GET surveillance:map-data": (
        "coordinator",
        _program_overdoses_shown,
        Action.SURVEILLANCE_MAP_VIEW,
    ),
    "GET /api/v1/surveillance/programs/{program_id}/events": (
        "outreach",
        _program_overdoses_shown,
        Action.OVERDOSE_EVENT_LIST,
    ),
}

# GET routes that return no data about a program's participants (staff, programs, the resource
# directory, aggregate counts with small cells suppressed, anonymous feedback, forms), and the
# other-program variants of person routes (the same code path as the own-program row above).
NO_PERSON_DATA = {
    "GET login",
    # The signed-in user's own account: tokens, second factors, password.
    "GET api-tokens",
    "GET mfa-setup",
    "GET mfa-totp",
    "GET mfa-verify",
    "GET password-change",
    "GET home",
    "GET staff-list",
    "GET programs:list",
    "GET programs:detail [own program]",
    "GET programs:detail [other program]",
    "GET audit:list",
    "GET api-not-found",
    "GET admin:index",
    "GET admin:audit_auditevent_changelist",
    "GET api:openapi-json",
    "GET api:openapi-view",
    "GET /api/v1/me",
    "GET /api/v1/agencies",
    "GET /api/v1/agencies/{agency_id} [own program]",
    "GET /api/v1/agencies/{agency_id} [other program]",
    "GET /api/v1/staff/memberships",
    "GET /api/v1/programs",
    "GET /api/v1/programs/{program_id} [own program]",
    "GET /api/v1/programs/{program_id} [other program]",
    "GET /api/v1/audit/events",
    "GET people:new",
    "GET people:detail [other program]",
    "GET /api/v1/people/{person_id} [other program]",
    "GET encounters:new",
    "GET encounters:detail [other program]",
    "GET /api/v1/encounters/{encounter_id} [other program]",
    "GET referrals:new [no person chosen]",
    "GET referrals:inbound-capacity",
    "GET referrals:program-settings",
    "GET cases:new [no person]",
    "GET followups:reminders",
    "GET followups:teams",
    "GET followups:policies [own program]",
    "GET followups:policies [other program]",
    "GET /api/v1/followups/programs/{program_id}/policies",
    # Outcomes: measures are aggregates (cells under 11 suppressed); imports show file names,
    # counts, status and row-numbered problems, not the rows' identifiers.
    "GET outcomes:home",
    "GET outcomes:report",
    "GET outcomes:report-csv",
    "GET outcomes:imports",
    "GET outcomes:batch",
    "GET /api/v1/outcomes/programs/{program_id}/measures",
    "GET /api/v1/outcomes/imports/{batch_id}",
    # Equity, report templates, the dashboard measures: aggregates with small cells suppressed;
    # the de-identified export carries no names or ids of people (audited as an export).
    "GET equity:page",
    "GET equity:csv",
    "GET /api/v1/equity",
    "GET reports:list",
    "GET reports:detail [cossup]",
    "GET reports:detail [stepping up]",
    "GET reports:pdf",
    "GET reports:xlsx",
    "GET reports:export",
    "GET /api/v1/reports/templates",
    "GET /api/v1/reports/{slug}",
    "GET /api/v1/dashboard/measures",
    # Surveillance: spike alerts are counts per area; the map page is a frame whose points come
    # from map-data (audited above); ODMAP's upload has no person and no address (audited as an
    # export); settings and the EMS upload form show configuration only.
    "GET surveillance:home",
    "GET surveillance:alerts",
    "GET surveillance:alert",
    "GET /api/v1/surveillance/programs/{program_id}/alerts",
    "GET surveillance:map",
    "GET surveillance:odmap-export",
    "GET surveillance:settings",
    "GET surveillance:ems-import",
}


def _get_rows() -> list[Row]:
    return [row for row in (*WEB_ROWS, *API_ROWS) if row.method == "GET"]


def _no_person_data_of_other_apps(row_id: str) -> bool:
    """Apps whose pages never carry participant data: planning, training (staff), naloxone
    stock, community events, resources directory and MOUs, feedback (anonymous), screening
    rules, reporting aggregates (small cells suppressed)."""
    prefixes = (
        "programs:",
        "planning:",
        "training:",
        "naloxone:",
        "community:",
        "resources:",
        "feedback:",
        "screening:",
        "reporting:",
        "/api/v1/planning/",
        "/api/v1/training/",
        "/api/v1/naloxone/",
        "/api/v1/community/",
        "/api/v1/resources/",
        "/api/v1/feedback/",
        "/api/v1/screening/",
        "/api/v1/reporting/",
    )
    route = row_id.split(" ", 1)[1]
    return route.startswith(prefixes)


def test_every_get_route_is_classified_as_showing_person_data_or_not():
    ids = {row.id for row in _get_rows()}
    unclassified = sorted(
        i
        for i in ids
        if i not in PERSON_DATA and i not in NO_PERSON_DATA and not _no_person_data_of_other_apps(i)
    )
    assert not unclassified, f"GET routes not classified for read auditing: {unclassified}"
    assert not (set(PERSON_DATA) | NO_PERSON_DATA) - ids, "names routes the matrix does not have"


def _rows_with_person_data() -> list[Row]:
    return [row for row in _get_rows() if row.id in PERSON_DATA]


def _ids_in(payload: Any) -> list[int]:
    if isinstance(payload, dict):
        lists = [
            payload[k] for k in ("referrals", "overdue", "due_today", "upcoming") if k in payload
        ]
        return [i for items in lists for i in _ids_in(items)]
    return [item["id"] if "id" in item else item["person"]["id"] for item in payload]


def _names(event: AuditEvent, person_id: int) -> bool:
    extra = event.extra
    return (
        person_id in extra.get("person_ids", [])
        or extra.get("person_id") == person_id
        or (event.target_type == "people.person" and event.target_id == str(person_id))
    )


@pytest.mark.parametrize("row", _rows_with_person_data(), ids=lambda r: r.id)
def test_each_request_that_returns_person_data_writes_one_audit_event_naming_them(
    row, client, world
):
    persona, story, action = PERSON_DATA[row.id]
    assert row.expected[persona] == 200, f"{persona} may not use {row.id}"
    shown = story(world)
    is_api = row.route.startswith("/api/")
    url = row.route.format(**shown.args) if is_api else reverse(row.route, kwargs=shown.args)
    client.force_login(world.users[persona])
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = client.get(url, shown.query)

    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(id__gt=last))
    assert [e.action for e in events] == [action], [(e.action, e.extra) for e in events]
    event = events[0]
    assert event.actor == world.users[persona]
    assert _names(event, shown.person_id), event.extra
    if is_api and "ids" in event.extra:
        assert event.extra["ids"] == _ids_in(response.json())
        assert event.extra["count"] == len(event.extra["ids"])


def test_a_list_audits_the_ids_it_returned_and_nothing_it_did_not(world):
    """A list of two referrals names both, and a referral the actor cannot see is absent."""

    first, second = _referred(world), _referred(world)
    PersonFactory(program=world.other_program)
    shown = referral_list_for(actor=world.officer)
    event = AuditEvent.objects.latest("id")
    assert event.action == Action.REFERRAL_LIST
    assert event.target_type == "referrals.referral"
    assert event.extra["ids"] == [r.pk for r in shown] == [second.pk, first.pk]
    assert event.extra["person_ids"] == [second.person_id, first.person_id]
    assert referral_list_for(actor=world.other_coordinator) == []
    empty = AuditEvent.objects.latest("id")
    assert (empty.action, empty.extra["ids"], empty.extra["count"]) == (Action.REFERRAL_LIST, [], 0)


def test_persons_ids_are_deduplicated_and_no_names_are_logged(world):
    followup = _followup(world)
    queue = followup_queue(actor=world.outreach)
    shown = [*queue.overdue, *queue.due_today, *queue.upcoming]
    event = AuditEvent.objects.latest("id")
    assert event.action == Action.FOLLOWUP_LIST
    assert event.extra["ids"] == [f.pk for f in shown] and len(shown) >= 1
    assert event.extra["person_ids"] == [followup.person_id]
    assert followup.person.last_name not in str(event.extra)
