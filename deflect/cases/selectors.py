"""Reads of cases, abeyance and the timeline. Clinical notes reach only actors with
CLINICAL_VIEW and (outside the author's agency) a consent; the prosecutor's view of abeyance is
a compliance status and nothing clinical."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.referrals.selectors import clinical_allowed

from . import rules
from .models import AbeyanceCase, Case, NoteKind, ProgressKind, ProsecutorAbeyance
from .services import conditions_of


@audited_list(Action.CASE_LIST, target_type="cases.case")
def case_list_for(*, actor: User, status: str = "active", mine: bool = False) -> list[Case]:
    require(actor, caps.CASE_VIEW)
    qs = visible_to(actor, Case).select_related("person", "care_coordinator", "peer_specialist")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(care_coordinator=actor)
    return qs.order_by("-opened_at", "-id")[:200]


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


def case_notes_for(*, actor: User, case: Case) -> tuple[list, int]:
    """The notes ``actor`` may read, and how many clinical notes were withheld."""
    notes = list(case.notes.select_related("author", "author_agency"))
    shown, withheld = [], 0
    allowed_by_agency: dict[int, bool] = {}
    for note in notes:
        if note.kind == NoteKind.CLINICAL:
            if note.author_agency_id not in allowed_by_agency:
                allowed_by_agency[note.author_agency_id] = clinical_allowed(
                    actor, case.person, note.author_agency_id
                )
            if not allowed_by_agency[note.author_agency_id]:
                withheld += 1
                continue
        shown.append(note)
    return shown, withheld


@dataclass
class AbeyanceRow:
    abeyance: AbeyanceCase
    status: str
    label: str
    hours_done: Any


def _with_hours(qs):
    return qs.annotate(
        hours_logged=Coalesce(
            Sum("progress__hours", filter=models_q_service_hours()),
            Value(0),
            output_field=DecimalField(max_digits=8, decimal_places=2),
        )
    )


def models_q_service_hours():
    from django.db.models import Q

    return Q(progress__kind=ProgressKind.SERVICE_HOURS)


def _rows(qs) -> list[AbeyanceRow]:
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
    return _rows(
        visible_to(actor, AbeyanceCase).select_related("person").order_by("deadline", "id")[:300]
    )


def abeyance_get_for(*, actor: User, abeyance_id: Any) -> AbeyanceRow:
    abeyance = get_for(actor, AbeyanceCase, abeyance_id)
    audit_record(
        action=Action.ABEYANCE_READ,
        actor=actor,
        target=abeyance,
        extra={"person_id": abeyance.person_id},
    )
    return _rows(AbeyanceCase.objects.filter(pk=abeyance.pk).select_related("person", "case"))[0]


@audited_list(
    Action.ABEYANCE_LIST,
    target_type="cases.prosecutorabeyance",
    record_id=_abeyance_id,
    person_id=_abeyance_person_id,
)
def prosecutor_list_for(*, actor: User) -> list[AbeyanceRow]:
    """The prosecutor's office's abeyance cases: who, which charges, deadline, status only."""
    require(actor, caps.ABEYANCE_STATUS_VIEW)
    qs = visible_to(actor, ProsecutorAbeyance).select_related("person").order_by("deadline", "id")
    return _rows(qs[:500])


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
    }


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    url: str = ""


def timeline_for(*, actor: User, person, case: Case | None = None) -> list[TimelineEntry]:
    """The person's (or case's) history from the event records, each entry only if the actor
    may see its kind: encounters, referral status changes, follow-up attempts, case status
    changes, notes (clinical ones under consent), abeyance progress."""
    from deflect.encounters.models import Encounter
    from deflect.followups.models import FollowUpAttempt
    from deflect.referrals.models import ReferralEvent
    from deflect.referrals.selectors import CLINICAL_STATUSES

    entries: list[TimelineEntry] = []
    if can(actor, caps.ENCOUNTER_VIEW, person):
        for e in visible_to(actor, Encounter).filter(person=person).order_by("-occurred_at")[:100]:
            entries.append(
                TimelineEntry(e.occurred_at, "encounter", f"{e.get_pathway_display()} encounter")
            )
    if can(actor, caps.REFERRAL_VIEW, person):
        clinical = can(actor, caps.CLINICAL_VIEW, person)
        events = ReferralEvent.objects.filter(referral__person=person).select_related(
            "referral__service"
        )
        for ev in events.order_by("-at")[:200]:
            if not clinical and ev.to_status in CLINICAL_STATUSES:
                continue
            entries.append(
                TimelineEntry(
                    ev.at,
                    "referral",
                    f"Referral to {ev.referral.service.name}: {ev.get_to_status_display()}",
                )
            )
    if can(actor, caps.FOLLOWUP_VIEW, person):
        for a in (
            FollowUpAttempt.objects.filter(followup__person=person)
            .select_related("followup")
            .order_by("-attempted_at")[:200]
        ):
            entries.append(
                TimelineEntry(
                    a.attempted_at,
                    "followup",
                    f"{a.followup.label}: {a.get_method_display()} — {a.get_result_display()}",
                )
            )
    if can(actor, caps.CASE_VIEW, person):
        cases = [case] if case is not None else list(Case.objects.filter(person=person))
        for c in cases:
            for ch in c.status_changes.all():
                entries.append(
                    TimelineEntry(ch.at, "case", f"Case #{c.pk}: {ch.get_to_status_display()}")
                )
            notes, _ = case_notes_for(actor=actor, case=c)
            for n in notes:
                entries.append(
                    TimelineEntry(
                        n.created_at, "note", f"{n.get_kind_display()} note by {n.author}"
                    )
                )
    if can(actor, caps.ABEYANCE_VIEW, person) and can(actor, caps.CLINICAL_VIEW, person):
        for p in AbeyanceCase.objects.filter(person=person).prefetch_related("progress"):
            for pr in p.progress.all():
                entries.append(
                    TimelineEntry(
                        timezone.make_aware(datetime.combine(pr.on, datetime.min.time())),
                        "abeyance",
                        f"Abeyance: {pr.get_kind_display()}",
                    )
                )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
