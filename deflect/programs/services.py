"""Writes for programs: creation, member agencies and enabled pathways."""

from __future__ import annotations

from collections.abc import Iterable

from deflect.access import capabilities as caps
from deflect.access.policy import atomic_service, clear_cache, require
from deflect.accounts.models import Agency, Role, User
from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.errors import Conflict, ValidationFailed
from deflect.core.models import Pathway

from .models import Program, ProgramAgency, ProgramPathway


def _clean_pathways(pathways: Iterable[str]) -> list[str]:
    chosen = sorted(set(pathways))
    unknown = [p for p in chosen if p not in Pathway.values]
    if unknown:
        raise ValidationFailed("Unknown pathway.", fields={"pathways": [f"Unknown: {unknown}"]})
    return chosen


@atomic_service
def program_create(
    *,
    actor: User,
    name: str,
    agencies: Iterable[Agency],
    pathways: Iterable[str],
    description: str = "",
    jurisdiction: str = "",
) -> Program:
    """Create a program. Operator commands (CLI, demo) pass the system actor."""
    require(actor, caps.AGENCY_MANAGE)
    name = name.strip()
    if not name:
        raise ValidationFailed("A program needs a name.", fields={"name": ["Required."]})
    if Program.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A program named {name!r} already exists.", fields={"name": ["Taken."]})
    chosen = _clean_pathways(pathways)
    program = Program.objects.create(name=name, description=description, jurisdiction=jurisdiction)
    agency_list = list(agencies)
    ProgramAgency.objects.bulk_create(ProgramAgency(program=program, agency=a) for a in agency_list)
    ProgramPathway.objects.bulk_create(ProgramPathway(program=program, pathway=p) for p in chosen)
    audit_record(
        action=Action.PROGRAM_CREATE,
        actor=actor,
        target=program,
        extra={"name": name, "agencies": [a.pk for a in agency_list], "pathways": chosen},
    )
    return program


@atomic_service
def program_update(
    *,
    actor: User,
    program: Program,
    pathways: Iterable[str],
    description: str | None = None,
    jurisdiction: str | None = None,
) -> Program:
    """Change a program's enabled pathways and descriptive fields (coordinators and admins)."""
    require(actor, caps.PROGRAM_MANAGE, program)
    chosen = _clean_pathways(pathways)
    if not chosen:
        raise ValidationFailed(
            "A program needs at least one pathway.",
            fields={"pathways": ["Choose at least one pathway."]},
        )
    before = sorted(program.pathways.values_list("pathway", flat=True))
    program.pathways.exclude(pathway__in=chosen).delete()
    ProgramPathway.objects.bulk_create(
        [ProgramPathway(program=program, pathway=p) for p in chosen if p not in before]
    )
    changed = ["pathways"] if before != chosen else []
    for field, value in (("description", description), ("jurisdiction", jurisdiction)):
        if value is not None and getattr(program, field) != value:
            setattr(program, field, value)
            changed.append(field)
    program.save()
    audit_record(
        action=Action.PROGRAM_UPDATE,
        actor=actor,
        target=program,
        extra={"changed": changed, "pathways_before": before, "pathways": chosen},
    )
    return program


@atomic_service
def program_agency_add(*, actor: User, program: Program, agency: Agency) -> ProgramAgency:
    require(actor, caps.AGENCY_MANAGE)
    link, created = ProgramAgency.objects.get_or_create(program=program, agency=agency)
    if created:
        audit_record(
            action=Action.PROGRAM_UPDATE,
            actor=actor,
            target=program,
            extra={"agency_added": agency.pk},
        )
    clear_cache(actor)
    return link


@atomic_service
def program_mfa_update(
    *, actor: User, program: Program, roles: Iterable[str], agencies: Iterable[Agency]
) -> Program:
    """Mark which roles (at any member agency) and which member agencies must sign in with a
    second factor. Takes effect at each person's next sign-in."""

    require(actor, caps.PROGRAM_MANAGE, program)
    chosen_roles = sorted(set(roles))
    unknown = [r for r in chosen_roles if r not in Role.values]
    if unknown:
        raise ValidationFailed("Unknown role.", fields={"roles": [f"Unknown: {unknown}"]})
    chosen_agencies = list(agencies)
    members = set(program.agencies.values_list("pk", flat=True))
    if any(agency.pk not in members for agency in chosen_agencies):
        raise ValidationFailed(
            "Only member agencies can be marked.", fields={"agencies": ["Not a member agency."]}
        )
    program.mfa_required_roles = chosen_roles
    program.save(update_fields=["mfa_required_roles", "updated_at"])
    program.mfa_required_agencies.set(chosen_agencies)
    audit_record(
        action=Action.MFA_POLICY_UPDATE,
        actor=actor,
        target=program,
        extra={"roles": chosen_roles, "agencies": sorted(a.pk for a in chosen_agencies)},
    )
    return program
