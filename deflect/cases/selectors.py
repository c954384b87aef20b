"""Reads of cases, abeyance and the timeline. Clinical notes reach only actors with
CLINICAL_VIEW and (outside the author's agency) a consent; the prosecutor's view of abeyance is
a compliance status and nothing clinical."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.disclosure import (
    ATTENDANCE,
    CARE_PURPOSES,
    COMPLIANCE,
    JUSTICE_PURPOSE,
    REFERRAL,
    categories_of,
    disclose,
    redact,
)
from deflect.access.policy import can, get_for, granting_agency_ids, require, visible_to
from deflect.accounts.models import Agency, AgencyKind, User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.encounters.models import Encounter
from deflect.followups.models import TREATMENT_TRIGGERS, FollowUpAttempt
from deflect.people.models import Person
from deflect.referrals.models import Referral, ReferralEvent, ReferralStatus
from deflect.referrals.selectors import CLINICAL_STATUSES

from . import rules
from .models import (
    AbeyanceCase,
    Case,
    NoteKind,
    PlanGoal,
    PlanTask,
    ProgressKind,
    ProsecutorAbeyance,
)
from .services import conditions_of

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@audited_list(Action.CASE_LIST, target_type="cases.case")
def case_list_for(*, actor: User, status: str = "active", mine: bool = False) -> list[Case]:
    require(actor, caps.CASE_VIEW)
    qs = visible_to(actor, Case).select_related("person", "care_coordinator", "peer_specialist")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(care_coordinator=actor)
    return list(qs.order_by("-opened_at", "-id")[:200])


def case_get_for(*, actor: User, case_id: Any) -> Case:
    case = get_for(actor, Case, case_id)
    case = (
        Case.objects.select_related("person", "care_coordinator", "peer_specialist", "agency")
        .prefetch_related("goals__tasks", "needs", "status_changes__actor")
        .get(pk=case.pk)
    )
    audit_record(
        action=Action.CASE_READ, actor=actor, target=case, extra={"person_id": case.person_id}
    )
    return case


def case_notes_for(*, actor: User, case: Case, cache: dict | None = None) -> tuple[list, int, str]:
    """The notes ``actor`` may read, how many clinical notes were withheld, and the §2.32
    notice when clinical notes were disclosed to them. A clinical note leaves its author's
    agency only through the disclosure gate (one decision and ledger row per agency)."""
    cache = {} if cache is None else cache
    notes = list(case.notes.select_related("author", "author_agency"))
    shown, withheld, notice = [], 0, ""
    model = "cases.casenote"
    for note in notes:
        if note.kind == NoteKind.CLINICAL:
            decision = disclose(
                actor=actor,
                person=case.person,
                source_agency_id=note.author_agency_id,
                categories=categories_of(model),
                program=case.program,
                cache=cache,
            )
            if not redact(model, {"text": note.text}, decision.granted)["text"]:
                withheld += 1
                continue
            notice = notice or decision.notice
        shown.append(note)
    return shown, withheld, notice


@dataclass
class AbeyanceRow:
    abeyance: AbeyanceCase
    status: str
    label: str
    hours_done: Any
    notice: str = ""
    # Whether the compliance status (Part 2 information derived from treatment) reached the
    # actor: held by their agency or disclosed through the gate. False: "Consent not on file".
    disclosed: bool = True


# What a prosecutor's office sees without a §2.35 consent naming it.
CONSENT_NOT_ON_FILE = "consent_not_on_file"
CONSENT_NOT_ON_FILE_LABEL = "Consent not on file"


class HoursLogged(TypedDict):
    hours_logged: Decimal


def _with_hours(qs: QuerySet[AbeyanceCase]) -> QuerySet[WithAnnotations[AbeyanceCase, HoursLogged]]:
    return qs.annotate(
        hours_logged=Coalesce(
            Sum("progress__hours", filter=models_q_service_hours()),
            Value(0),
            output_field=DecimalField(max_digits=8, decimal_places=2),
        )
    )


def models_q_service_hours() -> Q:
    return Q(progress__kind=ProgressKind.SERVICE_HOURS)


def _rows(qs: QuerySet[AbeyanceCase]) -> list[AbeyanceRow]:
    today = timezone.localdate()
    out = []
    for a in _with_hours(qs):
        status = rules.compliance_status(conditions_of(a, a.hours_logged), today=today)
        out.append(AbeyanceRow(a, status, rules.LABELS[status], a.hours_logged))
    return out


def _abeyance_id(row: AbeyanceRow) -> int:
    return row.abeyance.pk


def _abeyance_person_id(row: AbeyanceRow) -> int:
    return row.abeyance.person_id


@audited_list(
    Action.ABEYANCE_LIST,
    target_type="cases.abeyancecase",
    record_id=_abeyance_id,
    person_id=_abeyance_person_id,
)
def abeyance_list_for(*, actor: User) -> list[AbeyanceRow]:
    require(actor, caps.ABEYANCE_VIEW)
    qs = visible_to(actor, AbeyanceCase).select_related("person", "program", "case")
    return _gated(actor, _rows(qs.order_by("deadline", "id")[:300]), caps.ABEYANCE_VIEW)


def abeyance_get_for(*, actor: User, abeyance_id: Any) -> AbeyanceRow:
    abeyance = get_for(actor, AbeyanceCase, abeyance_id)
    audit_record(
        action=Action.ABEYANCE_READ,
        actor=actor,
        target=abeyance,
        extra={"person_id": abeyance.person_id},
    )
    rows = _rows(
        AbeyanceCase.objects.filter(pk=abeyance.pk).select_related("person", "program", "case")
    )
    return _gated(actor, rows, caps.ABEYANCE_VIEW)[0]


def _compliance_purposes(actor: User, capability: str) -> tuple[str, ...]:
    """The consent purposes under which the compliance status may reach ``actor``: monitoring
    for the justice system (§2.35) at a police department or prosecutor's office, care
    coordination or treatment anywhere else."""
    agency_ids = granting_agency_ids(actor, capability)
    justice = Agency.objects.filter(pk__in=agency_ids, kind__in=JUSTICE_AGENCY_KINDS).exists()
    return (JUSTICE_PURPOSE,) if justice else tuple(CARE_PURPOSES)


# Agencies of the justice system: the compliance status reaches them only under §2.35.
JUSTICE_AGENCY_KINDS = (AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTOR)


def _gated(actor: User, rows: list[AbeyanceRow], capability: str) -> list[AbeyanceRow]:
    """``rows`` as ``actor`` may see them. The compliance status is derived from what the
    treatment side reports, so it is 42 CFR Part 2 information: the agency that records the
    abeyance's progress holds it; anyone else (a coordinator without clinical access, a police
    department's coordinator, the prosecutor's office) sees it only through the disclosure gate,
    under a consent naming their agency (a ledger row each), and otherwise "Consent not on
    file". A disposition is the prosecutor's own record, not treatment information."""
    cache: dict = {}
    purposes: tuple[str, ...] | None = None
    out = []
    for row in rows:
        a = row.abeyance
        if row.status == rules.DISPOSED or can(actor, caps.ABEYANCE_MANAGE, a):
            out.append(row)
            continue
        if purposes is None:
            purposes = _compliance_purposes(actor, capability)
        decision = disclose(
            actor=actor,
            person=a.person,
            source_agency_id=a.case.agency_id if a.case is not None else None,
            categories=[COMPLIANCE],
            purposes=purposes,
            capability=capability,
            program=a.program,
            cache=cache,
        )
        if COMPLIANCE in decision.granted:
            out.append(replace(row, notice=decision.notice))
        else:  # a display row, not the case: the case's own status is untouched
            out.append(
                replace(
                    row,
                    status=CONSENT_NOT_ON_FILE,
                    label=CONSENT_NOT_ON_FILE_LABEL,
                    disclosed=False,
                )
            )
    return out


@audited_list(
    Action.ABEYANCE_LIST,
    target_type="cases.prosecutorabeyance",
    record_id=_abeyance_id,
    person_id=_abeyance_person_id,
)
def prosecutor_list_for(*, actor: User) -> list[AbeyanceRow]:
    """The prosecutor's office's abeyance cases: who, which charges, deadline, and the
    compliance status only under a §2.35 consent naming the office (disclosed through the gate,
    a ledger row each); otherwise "consent not on file"."""
    require(actor, caps.ABEYANCE_STATUS_VIEW)
    qs = visible_to(actor, ProsecutorAbeyance).select_related("person", "program", "case")
    return _gated(actor, _rows(qs.order_by("deadline", "id")[:500]), caps.ABEYANCE_STATUS_VIEW)


def prosecutor_row_for(*, actor: User, abeyance_id: int) -> AbeyanceRow:
    """One of the office's abeyance cases as a row (within what ``actor`` may see)."""
    qs = visible_to(actor, ProsecutorAbeyance).filter(pk=abeyance_id)
    rows = _rows(qs.select_related("person", "program", "case"))
    if not rows:
        raise ProsecutorAbeyance.DoesNotExist
    return _gated(actor, rows, caps.ABEYANCE_STATUS_VIEW)[0]


def case_referrals_for(*, actor: User, case: Case, limit: int = 20) -> Any:
    """The referrals of the case's person that ``actor`` may see (none without the right to
    see referrals of this case)."""

    if not can(actor, caps.REFERRAL_VIEW, case):
        return []
    return visible_to(actor, Referral).filter(person=case.person).select_related("service")[:limit]


def plan_goal_for(*, actor: User, case: Case, goal_id: int) -> PlanGoal:
    """A goal of ``case`` (fetched by the caller with ``get_for``); ``PlanGoal.DoesNotExist``
    for a goal of another case."""
    require(actor, caps.CASE_VIEW, case)
    return PlanGoal.objects.get(pk=goal_id, case=case)


def plan_task_for(*, actor: User, case: Case, task_id: int) -> PlanTask:
    """A task of one of ``case``'s goals; ``PlanTask.DoesNotExist`` for another case's."""
    require(actor, caps.CASE_VIEW, case)
    return PlanTask.objects.get(pk=task_id, goal__case=case)


def prosecutor_row(row: AbeyanceRow) -> dict:
    """Exactly what the prosecutor may see of one abeyance case."""
    a = row.abeyance
    return {
        "id": a.pk,
        "person_name": str(a.person),
        "charges": [
            {"statute": c.get("statute", ""), "description": c.get("description", "")}
            for c in a.charges
        ],
        "citation_number": a.citation_number,
        "deadline": a.deadline,
        "status": row.status,
        "status_label": row.label,
        "disposition": a.disposition,
        "disposed_at": a.disposed_at,
        "notice": row.notice,
    }


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    url: str = ""
    record: str = ""  # "<model label>:<id>" of the record shown, for the read's audit event


def timeline_for(
    *, actor: User, person: Person, case: Case | None = None, cache: dict | None = None
) -> list[TimelineEntry]:
    """The person's (or case's) history from the event records, each entry only if the actor
    may see its kind: encounters, referral status changes, follow-up attempts, case status
    changes, notes (clinical ones under consent), abeyance progress. A referral's status past
    "requested/accepted" (a rejection, intake, completion) is the provider's Part 2
    information: shown only through the disclosure gate; reasons never appear here."""

    cache = {} if cache is None else cache
    entries: list[TimelineEntry] = []
    if can(actor, caps.ENCOUNTER_VIEW, person):
        for e in visible_to(actor, Encounter).filter(person=person).order_by("-occurred_at")[:100]:
            entries.append(
                TimelineEntry(
                    e.occurred_at,
                    "encounter",
                    f"{e.get_pathway_display()} encounter",
                    record=f"encounters.encounter:{e.pk}",
                )
            )
    if can(actor, caps.REFERRAL_VIEW, person):
        events = ReferralEvent.objects.filter(referral__person=person).select_related(
            "referral__service", "referral__program"
        )
        open_statuses = {ReferralStatus.DRAFT, ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED}
        for ev in events.order_by("-at")[:200]:
            if ev.to_status not in open_statuses:
                granted = disclose(
                    actor=actor,
                    person=person,
                    source_agency_id=ev.referral.recipient_agency_id,
                    categories=[REFERRAL, ATTENDANCE],
                    program=ev.referral.program,
                    cache=cache,
                ).granted
                needed = ATTENDANCE if ev.to_status in CLINICAL_STATUSES else REFERRAL
                if needed not in granted:
                    continue
            entries.append(
                TimelineEntry(
                    ev.at,
                    "referral",
                    f"Referral to {ev.referral.service.name}: {ev.get_to_status_display()}",
                    record=f"referrals.referralevent:{ev.pk}",
                )
            )
    if can(actor, caps.FOLLOWUP_VIEW, person):
        attempts = FollowUpAttempt.objects.filter(followup__person=person)
        if not can(actor, caps.CLINICAL_VIEW, person):  # check-ins after an intake: Part 2
            attempts = attempts.exclude(followup__trigger__in=TREATMENT_TRIGGERS)
        for a in attempts.select_related("followup").order_by("-attempted_at")[:200]:
            entries.append(
                TimelineEntry(
                    a.attempted_at,
                    "followup",
                    f"{a.followup.label}: {a.get_method_display()} — {a.get_result_display()}",
                    record=f"followups.followupattempt:{a.pk}",
                )
            )
    if can(actor, caps.CASE_VIEW, person):
        cases = [case] if case is not None else list(Case.objects.filter(person=person))
        for c in cases:
            for ch in c.status_changes.all():
                entries.append(
                    TimelineEntry(
                        ch.at,
                        "case",
                        f"Case #{c.pk}: {ch.get_to_status_display()}",
                        record=f"cases.casestatuschange:{ch.pk}",
                    )
                )
            notes, _, _ = case_notes_for(actor=actor, case=c, cache=cache)
            for n in notes:
                entries.append(
                    TimelineEntry(
                        n.created_at,
                        "note",
                        f"{n.get_kind_display()} note by {n.author}",
                        record=f"cases.casenote:{n.pk}",
                    )
                )
    if can(actor, caps.ABEYANCE_VIEW, person) and can(actor, caps.CLINICAL_VIEW, person):
        abeyances = (
            AbeyanceCase.objects.filter(person=person)
            .select_related("person", "program", "case")
            .prefetch_related("progress")
        )
        # Progress toward treatment conditions passes the same gate as the compliance status.
        rows = [AbeyanceRow(a, "", "", 0) for a in abeyances]
        for row in _gated(actor, rows, caps.ABEYANCE_VIEW):
            if not row.disclosed:
                continue
            for pr in row.abeyance.progress.all():
                entries.append(
                    TimelineEntry(
                        timezone.make_aware(datetime.combine(pr.on, datetime.min.time())),
                        "abeyance",
                        f"Abeyance: {pr.get_kind_display()}",
                        record=f"cases.abeyanceprogress:{pr.pk}",
                    )
                )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def person_timeline_get_for(
    *, actor: User, person_id: Any, cache: dict | None = None
) -> tuple[Person, list[TimelineEntry]]:
    """A person's timeline page: the person (404 when ``actor`` may not see them) and the
    entries, with one read event that names every record shown."""
    person = get_for(actor, Person, person_id)
    entries = timeline_for(actor=actor, person=person, cache=cache)
    audit_record(
        action=Action.PERSON_READ,
        actor=actor,
        target=person,
        extra={"view": "timeline", "records": [e.record for e in entries if e.record]},
    )
    return person, entries
