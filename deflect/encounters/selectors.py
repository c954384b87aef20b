"""Reads of encounters. Every read of one encounter (a person-level record) is audited, and
clinical screening answers are included only for actors the policy allows to see them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from deflect.access import capabilities as caps
from deflect.access.disclosure import categories_of, disclose, redact
from deflect.access.policy import get_for, require, visible_to
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.reads import audited_list
from deflect.audit.services import audit_record
from deflect.core.labels import label_of

from .inputs import DETAIL_FIELDS
from .models import Encounter, OfficerInterventionDetail

DETAIL_RELATIONS = tuple(DETAIL_FIELDS.values())


@audited_list(Action.ENCOUNTER_LIST, target_type="encounters.encounter")
def encounter_list_for(
    *, actor: User, mine: bool = False, pathway: str = "", limit: int = 50
) -> list[Encounter]:
    require(actor, caps.ENCOUNTER_VIEW)
    qs = visible_to(actor, Encounter).select_related("person", "agency", "recorded_by")
    if mine:
        qs = qs.filter(recorded_by=actor)
    if pathway:
        qs = qs.filter(pathway=pathway)
    return list(qs.order_by("-occurred_at", "-id")[: max(1, min(limit, 500))])


def encounter_id_for_submission(*, actor: User, client_uuid: str) -> int | None:
    """The id of the encounter ``actor`` recorded under this submission id, if any (another
    user's submission is never named)."""
    try:
        return (
            Encounter.objects.filter(client_uuid=client_uuid, recorded_by=actor)
            .values_list("pk", flat=True)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def encounter_get_for(*, actor: User, encounter_id: Any) -> Encounter:
    """Fetch, authorize and audit the read of one encounter."""
    encounter = get_for(actor, Encounter, encounter_id)
    encounter = (
        Encounter.objects.select_related(
            "person",
            "agency",
            "program",
            "recorded_by",
            *DETAIL_FIELDS.values(),
            "eligibility",
            "needs",
        )
        .prefetch_related("officer_intervention__offenses", "responders")
        .get(pk=encounter.pk)
    )
    audit_record(
        action=Action.ENCOUNTER_READ,
        actor=actor,
        target=encounter,
        extra={"person_id": encounter.person_id},
    )
    return encounter


def _related(encounter: Encounter, name: str) -> Model | None:
    try:
        return getattr(encounter, name)
    except Exception:  # RelatedObjectDoesNotExist of any one-to-one  # noqa: BLE001
        return None


def encounter_details(encounter: Encounter) -> dict[str, Any]:
    """The pathway section as plain values."""
    name = DETAIL_FIELDS[encounter.pathway]
    return detail_values(name, _related(encounter, name))


def detail_values(name: str, detail: Any) -> dict[str, Any]:
    """A pathway section (``name`` from DETAIL_FIELDS) as plain values; {} when there is none."""
    if detail is None:
        return {}
    values = {
        field.attname: getattr(detail, field.attname)  # a foreign key as its id
        for field in detail._meta.concrete_fields
        if field.name not in {"id", "encounter", "created_at", "updated_at"}
    }
    if name == "officer_intervention":
        values["offenses"] = [
            {
                "statute": o.statute,
                "description": o.description,
                "level": o.level,
                "category": o.category,
                "violent": o.violent,
            }
            for o in detail.offenses.all()
        ]
    return values


def encounter_detail_rows(encounter: Encounter) -> list[tuple[str, Any]]:
    """The pathway section as (label, words) for people to read: each field by its name, each
    choice by its label, a linked record by its name, nothing as a dash. Offenses are a list of
    dicts with their level and category as labels."""
    name = DETAIL_FIELDS[encounter.pathway]
    detail = _related(encounter, name)
    if detail is None:
        return []
    rows: list[tuple[str, Any]] = []
    for field in detail._meta.concrete_fields:
        if field.name in {"id", "encounter", "created_at", "updated_at"}:
            continue
        value = getattr(detail, field.name)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        rows.append((str(field.verbose_name).capitalize(), label_of(value)))
    if isinstance(detail, OfficerInterventionDetail):
        rows.append(
            (
                "Offenses",
                [
                    {
                        "statute": o.statute,
                        "description": o.description,
                        "level": o.get_level_display(),
                        "category": label_of(o.category),
                        "violent": o.violent,
                    }
                    for o in detail.offenses.all()
                ],
            )
        )
    return rows


def encounter_screening_view(encounter: Encounter, actor: User) -> dict[str, Any]:
    """Eligibility for everyone who may see the encounter; the needs answers (clinical, see
    ``access.disclosure.CLINICAL_FIELDS``) to the recording agency's clinical staff, and to
    another agency's only through the disclosure gate (then with the §2.32 notice)."""
    needs = _related(encounter, "needs")
    decision = None
    # No person, nothing to disclose under (the gate keys its ledger and cache on the person).
    if needs is not None and encounter.person is not None:
        decision = disclose(
            actor=actor,
            person=encounter.person,
            source_agency_id=encounter.agency_id,
            categories=categories_of("encounters.screening"),
            program=encounter.program,
        )
    values = screening_values(
        _related(encounter, "eligibility"),
        needs,
        show_clinical=decision is not None and decision.allowed,
    )
    values = redact("encounters.screening", values, decision.granted if decision else ())
    values["notice"] = decision.notice if decision else ""
    return values


def screening_values(eligibility: Any, needs: Any, *, show_clinical: bool) -> dict[str, Any]:
    """Screening rows as plain values; the needs (clinical) only when ``show_clinical``."""
    return {
        "eligibility": None
        if eligibility is None
        else {
            "eligible": eligibility.eligible,
            "rule_eligible": eligibility.rule_eligible,
            "reasons": list(eligibility.reasons),
            "overridden": eligibility.overridden,
            "override_reason": eligibility.override_reason,
        },
        "needs": None
        if needs is None or not show_clinical
        else {
            "substances": list(needs.substances),
            "oud_indicators": list(needs.oud_indicators),
            "mental_health_crisis": needs.mental_health_crisis,
            "immediate_medical_need": needs.immediate_medical_need,
            "withdrawal_symptoms_now": needs.withdrawal_symptoms_now,
            "housing": needs.housing,
            "readiness": needs.readiness,
            "recent_overdose": needs.recent_overdose,
            "recommended_level_of_care": needs.recommended_level_of_care,
            "reasons": list(needs.reasons),
            "harm_reduction_offers": list(needs.harm_reduction_offers),
        },
        "clinical_withheld": needs is not None and not show_clinical,
    }
