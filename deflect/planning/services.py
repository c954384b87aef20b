"""Writes for planning: adopting a model, editing its checklist, and the intercept map.

The checklists ship as data (``planning/data/planning_models.json``); adopting a model copies
its activities into the program, where the program's coordinators edit them. Every write takes
the acting user, checks PLANNING_MANAGE on the program and audits in the same transaction.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.utils import timezone

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, require
from deflect.accounts.models import User
from deflect.audit.actions import Action
from deflect.audit.pipeline import transition
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, InvalidTransition, ValidationFailed
from deflect.programs.models import Program
from deflect.programs.selectors import program_staff
from deflect.resources.models import Organization, Service

from .models import (
    ActivityStatus,
    InterceptAction,
    InterceptGap,
    InterceptResource,
    ModelAdoption,
    PlanningActivity,
)
from .pipeline import ACTIVITY_PIPELINE, PIPELINE, PLANNING_TEAM

CATALOGUE_PATH = Path(__file__).with_name("data") / "planning_models.json"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".doc", ".docx", ".txt", ".odt"})


@cache
def planning_catalogue() -> dict[str, dict[str, Any]]:
    """The shipped planning models by code, in file order."""
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return {entry["code"]: entry for entry in data["models"]}


def _check_owner(program: Program, owner: User | None, errors: dict) -> None:
    if owner is not None and not program_staff(program).filter(pk=owner.pk).exists():
        errors.setdefault("owner", []).append("Choose someone from the program's agencies.")


def clean_evidence_url(value: str) -> str:
    """A link inside deflect (a path starting with ``/``) or an http(s) address."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    internal = value.startswith("/") and not value.startswith("//") and not parts.netloc
    external = parts.scheme in {"http", "https"} and bool(parts.netloc)
    if not (internal or external):
        raise ValidationFailed(
            "The evidence link is not valid.",
            fields={"evidence_url": ["Use a deflect page (starting with /) or an https:// link."]},
        )
    return value


def _check_file(upload: UploadedFile | None, errors: dict) -> None:
    if upload is None:
        return
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        errors.setdefault("evidence_file", []).append(
            "Upload a PDF, image, Word, OpenDocument or text file."
        )
    if upload.size and upload.size > EVIDENCE_MAX_BYTES:
        errors.setdefault("evidence_file", []).append("The file is larger than 10 MB.")


@atomic_service
def model_adopt(*, actor: User, program: Program, code: str) -> ModelAdoption:
    """Adopt a planning model: copy its checklist into the program. The demo loader and
    operator commands pass the system actor (``access.system``)."""
    require(actor, caps.PLANNING_MANAGE, program)
    entry = planning_catalogue().get(code)
    if entry is None:
        raise ValidationFailed("Unknown planning model.", fields={"code": ["Unknown model."]})
    if ModelAdoption.objects.filter(program=program, code=code).exists():
        raise Conflict(f"{entry['name']} is already adopted.", fields={"code": ["Adopted."]})
    adoption = ModelAdoption.objects.create(
        program=program,
        code=code,
        name=entry["name"],
        kind=entry["kind"],
        description=entry.get("description", ""),
        adopted_by=actor,
    )
    PlanningActivity.objects.bulk_create(
        PlanningActivity(
            program=program,
            adoption=adoption,
            code=item["code"],
            position=index,
            category=item.get("category", ""),
            title=item["title"],
            details=item.get("details", ""),
            evidence_hint=item.get("evidence_hint", ""),
        )
        for index, item in enumerate(entry["activities"], start=1)
    )
    audit_record(
        action=Action.PLANNING_ADOPT,
        actor=actor,
        target=adoption,
        extra={"program": program.pk, "code": code},
    )
    return adoption


@atomic_service
def activity_add(
    *, actor: User, adoption: ModelAdoption, title: str, details: str = ""
) -> PlanningActivity:
    """Add the program's own activity to an adopted checklist."""
    require(actor, caps.PLANNING_MANAGE, adoption.program)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("Name the activity.", fields={"title": ["Required."]})
    last = adoption.activities.order_by("-position").values_list("position", flat=True).first()
    activity = PlanningActivity.objects.create(
        program=adoption.program,
        adoption=adoption,
        position=(last or 0) + 1,
        title=title[:500],
        details=details,
    )
    audit_record(
        action=Action.PLANNING_ACTIVITY_UPDATE,
        actor=actor,
        target=activity,
        extra={"added": True},
    )
    return activity


@atomic_service
def activity_update(
    *,
    actor: User,
    activity: PlanningActivity,
    owner: User | None,
    due_date: date | None,
    notes: str,
    title: str | None = None,
    evidence_url: str = "",
    evidence_label: str = "",
    evidence_file: UploadedFile | None = None,
    remove_file: bool = False,
) -> PlanningActivity:
    """Change who owns an activity, when it is due, its notes and its evidence."""
    require(actor, caps.PLANNING_MANAGE, activity.program)
    errors: dict[str, list[str]] = {}
    _check_owner(activity.program, owner, errors)
    _check_file(evidence_file, errors)
    try:
        evidence_url = clean_evidence_url(evidence_url)
    except ValidationFailed as error:
        errors.update(error.fields)
        evidence_url = ""
    evidence_label = (evidence_label or "").strip()
    if evidence_url and not evidence_label:
        errors.setdefault("evidence_label", []).append("Say what the link shows.")
    if title is not None and not title.strip():
        errors.setdefault("title", []).append("Required.")
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    changed = []
    values = {
        "owner": owner,
        "due_date": due_date,
        "notes": notes or "",
        "evidence_url": evidence_url,
        "evidence_label": evidence_label[:200],
    }
    if title is not None:
        values["title"] = title.strip()[:500]
    for name, value in values.items():
        if getattr(activity, name) != value:
            setattr(activity, name, value)
            changed.append(name)
    if remove_file and activity.evidence_file:
        activity.evidence_file.delete(save=False)
        activity.evidence_file = ""
        changed.append("evidence_file")
    if evidence_file is not None:
        activity.evidence_file.save(
            Path(evidence_file.name or "evidence").name, evidence_file, save=False
        )
        changed.append("evidence_file")
    activity.save()
    audit_record(
        action=Action.PLANNING_ACTIVITY_UPDATE,
        actor=actor,
        target=activity,
        extra={"changed": changed},
    )
    return activity


@atomic_service
def activity_transition(
    *, actor: User, activity: PlanningActivity, status: str
) -> PlanningActivity:
    """The only writer of PlanningActivity.status (and of ``completed_at``)."""
    require(actor, caps.PLANNING_MANAGE, activity.program)
    activity = PlanningActivity.objects.select_for_update().get(pk=activity.pk)
    before = activity.status
    if status not in ActivityStatus.values:
        raise ValidationFailed("Unknown status.", fields={"status": ["Unknown status."]})
    if status not in PIPELINE[before]:
        raise InvalidTransition(
            f"An activity that is {ActivityStatus(before).label.lower()} cannot become "
            f"{ActivityStatus(status).label.lower()}.",
            fields={"status": ["Not allowed from the current status."]},
            code=ACTIVITY_PIPELINE.code,
        )
    activity.completed_at = timezone.now() if status == ActivityStatus.DONE else None
    return transition(activity, status, actor=actor, party=PLANNING_TEAM, also=["completed_at"])


# ---------------------------------------------------------------------------------------------
# The Sequential Intercept map
# ---------------------------------------------------------------------------------------------


def _intercept(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 5:
        raise ValidationFailed(
            "Choose an intercept.", fields={"intercept": ["An intercept from 0 to 5."]}
        )
    return number


def _map_audit(actor: User, program: Program, what: str, item: Any) -> None:
    audit_record(
        action=Action.INTERCEPT_MAP_UPDATE,
        actor=actor,
        target=program,
        extra={"what": what, "id": item.pk, "intercept": getattr(item, "intercept", None)},
    )


@atomic_service
def intercept_resource_add(
    *,
    actor: User,
    program: Program,
    intercept: Any,
    name: str,
    description: str = "",
    organization: Organization | None = None,
    service: Service | None = None,
) -> InterceptResource:
    require(actor, caps.PLANNING_MANAGE, program)
    number = _intercept(intercept)
    if service is not None and organization is None:
        organization = service.organization
    name = (name or "").strip() or (
        service.name if service else organization.name if organization else ""
    )
    if not name:
        raise ValidationFailed(
            "Name the resource or pick it from the directory.", fields={"name": ["Required."]}
        )
    resource = InterceptResource.objects.create(
        program=program,
        intercept=number,
        name=name[:300],
        description=description,
        organization=organization,
        service=service,
    )
    _map_audit(actor, program, "resource_add", resource)
    return resource


@atomic_service
def intercept_gap_add(
    *, actor: User, program: Program, intercept: Any, description: str
) -> InterceptGap:
    require(actor, caps.PLANNING_MANAGE, program)
    number = _intercept(intercept)
    if not (description or "").strip():
        raise ValidationFailed("Describe the gap.", fields={"description": ["Required."]})
    gap = InterceptGap.objects.create(
        program=program, intercept=number, description=description.strip()
    )
    _map_audit(actor, program, "gap_add", gap)
    return gap


@atomic_service
def intercept_action_add(
    *,
    actor: User,
    program: Program,
    intercept: Any,
    title: str,
    owner: User | None = None,
    due_date: date | None = None,
) -> InterceptAction:
    require(actor, caps.PLANNING_MANAGE, program)
    number = _intercept(intercept)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Required."]
    _check_owner(program, owner, errors)
    if errors:
        raise ValidationFailed("Some fields need attention.", fields=errors)
    item = InterceptAction.objects.create(
        program=program, intercept=number, title=title.strip()[:300], owner=owner, due_date=due_date
    )
    _map_audit(actor, program, "action_add", item)
    return item


@atomic_service
def intercept_action_complete(*, actor: User, item: InterceptAction, done: bool) -> InterceptAction:
    require(actor, caps.PLANNING_MANAGE, item.program)
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at", "updated_at"])
    _map_audit(actor, item.program, "action_done" if done else "action_reopen", item)
    return item


@atomic_service
def intercept_item_remove(*, actor: User, program: Program, kind: str, item_id: int) -> None:
    require(actor, caps.PLANNING_MANAGE, program)
    models: dict[str, type[InterceptResource | InterceptGap | InterceptAction]] = {
        "resource": InterceptResource,
        "gap": InterceptGap,
        "action": InterceptAction,
    }
    model = models.get(kind)
    if model is None:
        raise ValidationFailed("Unknown item.", fields={"kind": ["Unknown."]})
    item = model.objects.filter(program=program, pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    _map_audit(actor, program, f"{kind}_remove", item)
    item.delete()
