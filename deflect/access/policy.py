"""The one access policy: ``can`` and ``visible_to``, and the accessors built on them.

Views, the API, exports and reports ask these functions; nothing checks roles ad hoc.
Deny by default: an anonymous or inactive user, or a user with no active membership, can do
nothing and sees nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404

from deflect.accounts.models import Agency, Membership, User
from deflect.accounts.system import is_system
from deflect.audit.actions import Action, Outcome
from deflect.audit.services import audit_record
from deflect.core.context import request_memory

from . import capabilities as caps

ALL = "all"
# How many atomic services are running in this context (see ``atomic_service``).
_service_depth: ContextVar[int] = ContextVar("deflect_service_depth", default=0)
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class ModelScope:
    """How a model's rows relate to agencies, and which capability lets a user see them."""

    view_capability: str
    agency_lookup: str | None  # ORM path from the model to Agency; None: global roles only


# The one scope table, keyed by model label ("app_label.ModelName"): the access floor imports
# no domain app, so it names their models instead of importing them (a test checks that every
# label resolves to an installed model).
MODEL_SCOPES: dict[str, ModelScope] = {
    "accounts.Agency": ModelScope(caps.AGENCY_VIEW, "pk"),
    "programs.Program": ModelScope(caps.PROGRAM_VIEW, "agencies"),
    "accounts.Membership": ModelScope(caps.STAFF_VIEW, "agency"),
    "accounts.User": ModelScope(caps.STAFF_VIEW, "memberships__agency"),
    "audit.AuditEvent": ModelScope(caps.AUDIT_VIEW, None),
    "people.Person": ModelScope(caps.PERSON_VIEW, "program__agencies"),
    "people.Consent": ModelScope(caps.PERSON_VIEW, "person__program__agencies"),
    "encounters.Encounter": ModelScope(caps.ENCOUNTER_VIEW, "program__agencies"),
    "referrals.Referral": ModelScope(caps.REFERRAL_VIEW, "program__agencies"),
    "referrals.InboundReferral": ModelScope(caps.REFERRAL_RECEIVE, "recipient_agency"),
    "referrals.Disclosure": ModelScope(caps.PERSON_VIEW, "program__agencies"),
    "cases.Case": ModelScope(caps.CASE_VIEW, "program__agencies"),
    "cases.CaseNote": ModelScope(caps.CASE_VIEW, "case__program__agencies"),
    "cases.AbeyanceCase": ModelScope(caps.ABEYANCE_VIEW, "program__agencies"),
    "cases.ProsecutorAbeyance": ModelScope(caps.ABEYANCE_STATUS_VIEW, "prosecutor_agency"),
    "followups.FollowUp": ModelScope(caps.FOLLOWUP_VIEW, "program__agencies"),
    "followups.FollowUpPolicy": ModelScope(caps.FOLLOWUP_VIEW, "program__agencies"),
    "followups.OutreachTeam": ModelScope(caps.FOLLOWUP_VIEW, "program__agencies"),
    "resources.Mou": ModelScope(caps.MOU_MANAGE, "program__agencies"),
    # Running the program: planning, the intercept map, naloxone, training, education and
    # feedback; every row hangs off a program.
    "planning.ModelAdoption": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "planning.PlanningActivity": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "planning.InterceptResource": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "planning.InterceptGap": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "planning.InterceptAction": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "planning.ActivityStatusChange": ModelScope(caps.PROGRAM_VIEW, "activity__program__agencies"),
    "naloxone.StockLocation": ModelScope(caps.NALOXONE_VIEW, "program__agencies"),
    "naloxone.Lot": ModelScope(caps.NALOXONE_VIEW, "program__agencies"),
    "naloxone.LedgerEntry": ModelScope(caps.NALOXONE_VIEW, "program__agencies"),
    "training.Course": ModelScope(caps.TRAINING_VIEW, "program__agencies"),
    "training.TrainingRecord": ModelScope(caps.TRAINING_VIEW, "program__agencies"),
    "training.Shift": ModelScope(caps.TRAINING_VIEW, "program__agencies"),
    "community.Event": ModelScope(caps.PROGRAM_VIEW, "program__agencies"),
    "feedback.FeedbackResponse": ModelScope(caps.FEEDBACK_VIEW, "program__agencies"),
    # Records other systems wrote (identifiers as written) and the imports that brought them.
    "outcomes.ExternalRecord": ModelScope(caps.OUTSIDE_RECORD_VIEW, "program__agencies"),
    "outcomes.ImportBatch": ModelScope(caps.OUTSIDE_RECORD_VIEW, "program__agencies"),
    # The linkage's runs and its clerical review queue (both sides' identifiers).
    "linkage.LinkRun": ModelScope(caps.OUTSIDE_RECORD_LINK, "program__agencies"),
    "linkage.ReviewPair": ModelScope(caps.OUTSIDE_RECORD_LINK, "program__agencies"),
    "people.PersonMerge": ModelScope(caps.OUTSIDE_RECORD_LINK, "program__agencies"),
    # Overdose surveillance: individual events are OVERDOSE_EVENT_VIEW; alerts are aggregates.
    "surveillance.OverdoseEvent": ModelScope(caps.OVERDOSE_EVENT_VIEW, "program__agencies"),
    "surveillance.SurveillanceSettings": ModelScope(caps.SURVEILLANCE_VIEW, "program__agencies"),
    "surveillance.SpikeAlert": ModelScope(caps.SURVEILLANCE_VIEW, "program__agencies"),
}
# Programs and their member agencies, which record scoping follows (named, like the table).
PROGRAM_MODEL = "programs.Program"
PROGRAM_AGENCY_MODEL = "programs.ProgramAgency"


def scope_of(model: type[Model]) -> ModelScope | None:
    """The registered scope of ``model`` (None: no scope, nobody sees its rows)."""
    return MODEL_SCOPES.get(model._meta.label)


def _program_agencies() -> QuerySet:
    return apps.get_model(PROGRAM_AGENCY_MODEL)._default_manager.all()


def _active(actor: Any) -> bool:
    if is_system(actor):
        return True
    return bool(actor is not None and actor.is_authenticated and actor.is_active)


def scope_to_program(actor: User, program_id: int) -> None:
    """Narrow ``actor`` to one program for this request (a program-scoped API token): only
    memberships at the program's agencies count, no role is global, and program reach and
    program-owned records stop at that program."""
    clear_cache(actor)
    actor.__dict__["_scoped_program_id"] = program_id


def _scoped_program(actor: Any) -> int | None:
    return getattr(actor, "__dict__", {}).get("_scoped_program_id")


def _memberships(actor: User) -> list[tuple[str, int, str]]:
    cache = actor.__dict__.setdefault("_access_cache", {})
    if "memberships" not in cache:
        rows = Membership.objects.filter(user=actor, is_active=True, agency__is_active=True)
        if (program_id := _scoped_program(actor)) is not None:
            rows = rows.filter(agency_id__in=program_agency_ids(program_id))
        cache["memberships"] = list(rows.values_list("role", "agency_id", "agency__kind"))
    return cache["memberships"]


def _grants(role: str, agency_kind: str, capability: str) -> bool:
    if capability not in caps.CAPABILITIES.get(role, frozenset()):
        return False
    return agency_kind not in caps.DENIED_AT_AGENCY_KINDS.get(capability, frozenset())


def _program_reach(agency_ids: frozenset[int], actor: User) -> frozenset[int]:
    """Agencies sharing a program with any of ``agency_ids`` (and those agencies themselves)."""
    cache = actor.__dict__.setdefault("_access_cache", {})
    key = ("reach", agency_ids)
    if key not in cache:
        programs = (
            _program_agencies()
            .filter(agency_id__in=agency_ids, program__is_active=True)
            .values("program_id")
        )
        if (scoped := _scoped_program(actor)) is not None:
            programs = programs.filter(program_id=scoped)
        reached = (
            _program_agencies().filter(program_id__in=programs).values_list("agency_id", flat=True)
        )
        cache[key] = frozenset(reached) | agency_ids
    return cache[key]


def clear_cache(actor: Any) -> None:
    if actor is not None:
        actor.__dict__.pop("_access_cache", None)


def roles_of(actor: Any) -> set[str]:
    if not _active(actor):
        return set()
    return {role for role, _, _ in _memberships(actor)}


def _granting(actor: Any, capability: str) -> list[tuple[str, int]]:
    """(role, agency id) of each membership of ``actor`` that grants ``capability``."""
    if not _active(actor):
        return []
    return [
        (role, agency_id)
        for role, agency_id, kind in _memberships(actor)
        if _grants(role, kind, capability)
    ]


def _is_global(granting: list[tuple[str, int]], actor: Any = None) -> bool:
    if _scoped_program(actor) is not None:
        return False
    return any(role in caps.GLOBAL_ROLES for role, _ in granting)


def _is_program(obj: Any) -> bool:
    return isinstance(obj, Model) and obj._meta.label == PROGRAM_MODEL


def _outside_scope(actor: Any, obj: Any) -> bool:
    """A program-scoped actor asking about a record of another program."""
    scoped = _scoped_program(actor)
    if scoped is None:
        return False
    program_id = obj.pk if _is_program(obj) else getattr(obj, "program_id", None)
    return program_id is not None and program_id != scoped


def granting_agency_ids(actor: Any, capability: str) -> frozenset[int]:
    """The agencies where ``actor`` holds a role granting ``capability`` (not those it reaches
    through programs): where the actor acts *from*, e.g. the agency recording an encounter, or
    the provider agency whose capacity its staff keep current."""
    return frozenset(agency_id for _, agency_id in _granting(actor, capability))


def agency_scope(actor: Any, capability: str) -> frozenset[int] | str:
    """The agencies whose records ``capability`` reaches for ``actor``, or ``ALL``."""
    if is_system(actor):
        return ALL
    granting = _granting(actor, capability)
    if _is_global(granting, actor):
        return ALL
    agency_ids = frozenset(agency_id for _, agency_id in granting)
    if capability in caps.OWN_AGENCY_CAPABILITIES or not agency_ids:
        return agency_ids
    return _program_reach(agency_ids, actor)


def agencies_of(obj: Any) -> set[int]:
    """The agencies a record belongs to, for scoping decisions about one object."""
    if isinstance(obj, Agency):
        return {obj.pk}
    if isinstance(obj, Membership):
        return {obj.agency_id}
    if isinstance(obj, User):
        return set(obj.memberships.values_list("agency_id", flat=True))
    model_scope = scope_of(type(obj)) if isinstance(obj, Model) else None
    if model_scope is None or not model_scope.agency_lookup:
        return set()
    if obj._meta.label == PROGRAM_MODEL:
        return set(program_agency_ids(obj.pk))
    *path, program, last = ["", *model_scope.agency_lookup.split("__")]
    if (program, last) == ("program", "agencies"):
        # A row that hangs off a program (directly or through its parents, e.g. a consent
        # through its person): that program's member agencies, remembered per request.
        owner = obj
        for part in path[1:]:
            owner = getattr(owner, part)
        return set(program_agency_ids(owner.program_id))
    if getattr(obj, "pk", None):
        # Any other registered model: follow its scope's path to the agencies.
        rows = type(obj)._default_manager.filter(pk=obj.pk)
        return set(rows.values_list(model_scope.agency_lookup, flat=True)) - {None}
    return set()


def program_agency_ids(program_id: int) -> frozenset[int]:
    """The member agencies of a program, remembered for the rest of the request (see
    ``RequestContextMiddleware``, which starts each request with an empty memory)."""
    memory = request_memory()
    known = memory.setdefault("program_agencies", {}) if memory is not None else None
    if known is not None and program_id in known:
        return known[program_id]
    found = frozenset(
        _program_agencies().filter(program_id=program_id).values_list("agency_id", flat=True)
    )
    if known is not None:
        known[program_id] = found
    return found


def can(actor: Any, capability: str, obj: Any = None) -> bool:
    """May ``actor`` exercise ``capability``, on ``obj`` if given? The system actor
    (``access.system``) may do anything."""
    if is_system(actor):
        return True
    granting = _granting(actor, capability)
    if not granting or _outside_scope(actor, obj):
        return False
    if obj is None or _is_global(granting, actor):
        return True
    owners = agencies_of(obj)
    if owners & {agency_id for _, agency_id in granting}:
        # Every scope holds the granting agencies themselves: the usual case (a record of the
        # actor's own agency or program) needs no program reach.
        return True
    # Never ALL here: a global role returned True above.
    return bool(owners & cast(frozenset[int], agency_scope(actor, capability)))


def visible_to(actor: Any, model: type[Model], capability: str | None = None) -> QuerySet:
    """The rows of ``model`` that ``actor`` may see (with ``capability``, default: view)."""
    model_scope = scope_of(model)
    if model_scope is None:
        raise LookupError(f"{model.__name__} has no access scope registered")
    scope = agency_scope(actor, capability or model_scope.view_capability)
    queryset = model._default_manager.all()
    if model._meta.label == PROGRAM_MODEL and (scoped := _scoped_program(actor)) is not None:
        queryset = queryset.filter(pk=scoped)
    if scope == ALL:
        return queryset
    if not scope or model_scope.agency_lookup is None:
        return queryset.none()
    path, _, last = model_scope.agency_lookup.rpartition("__")
    if last == "agencies" and path.endswith("program"):
        # Rows that hang off a program: filter on the indexed program id, not a scan of the
        # model's own table (people and encounters grow to hundreds of thousands of rows).
        programs = _program_agencies().filter(agency_id__in=scope).values("program_id")
        if (scoped := _scoped_program(actor)) is not None:
            programs = programs.filter(program_id=scoped)
        return queryset.filter(
            **{f"{path}_id__in" if "__" not in path else f"{path}__in": programs}
        )
    lookup = f"{model_scope.agency_lookup}__in"
    matching = model._default_manager.filter(**{lookup: scope}).values("pk")
    return queryset.filter(pk__in=matching)


def acting_agency(actor: Any, program: Any, capability: str) -> Agency | None:
    """The agency ``actor`` acts *for* in ``program`` with ``capability``: their own active
    agency in the program whose role grants it (the first by name when there are several), or
    None. E.g. the agency a person is recorded for, or the agency that sends a referral."""
    membership = (
        Membership.objects.filter(
            user=actor,
            is_active=True,
            role__in=caps.roles_with(capability),
            agency__is_active=True,
            agency_id__in=_program_agencies().filter(program_id=program.pk).values("agency_id"),
        )
        .exclude(agency__kind__in=caps.DENIED_AT_AGENCY_KINDS.get(capability, frozenset()))
        .select_related("agency")
        .order_by("agency__name")
        .first()
    )
    return membership.agency if membership else None


def program_memberships(program: Any, roles: Iterable[str] | None = None) -> QuerySet:
    """The active memberships of active users at ``program``'s agencies (a program or its id;
    with one of ``roles``, if given): the one definition of "the staff of this program"."""
    program_id = getattr(program, "pk", program)
    memberships = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        agency_id__in=_program_agencies().filter(program_id=program_id).values("agency_id"),
    )
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships


def program_staff(program: Any, roles: Iterable[str] | None = None) -> QuerySet:
    """The staff of ``program`` as users (see ``program_memberships``). Unordered; callers
    order for display."""
    return User.objects.filter(pk__in=program_memberships(program, roles).values("user_id"))


def programs_visible_to(actor: Any) -> QuerySet:
    """The programs ``actor`` may see (for the floors below the programs app, which name the
    model instead of importing it)."""
    return visible_to(actor, apps.get_model(PROGRAM_MODEL))


def deny(actor: Any, capability: str, target: Any = None, reason: str = "") -> PermissionDenied:
    """Record a denial and return the exception for the caller to raise.

    Inside a service's transaction the audit row would vanish with the rollback, so it travels
    on the exception instead and is written once the outermost ``atomic_service`` has rolled
    back (or by the error handlers, as a last resort).
    """
    event = {
        "action": Action.ACCESS_DENIED,
        "actor": actor if _active(actor) else None,
        "target": target,
        "outcome": Outcome.DENIED,
        "extra": {"capability": capability, "reason": reason or "not permitted"},
    }
    error = PermissionDenied("You do not have permission to do that.")
    if _service_depth.get() > 0:
        error.pending_audit = event  # type: ignore[attr-defined]
    else:
        audit_record(**event)
    return error


def record_pending_denial(error: BaseException) -> None:
    """Write a denial's audit row that could not be written inside a transaction."""
    event = getattr(error, "pending_audit", None)
    if event is not None:
        error.pending_audit = None  # type: ignore[attr-defined]
        audit_record(**event)


def atomic_service(func: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for services, keeping the audit rows of refused requests."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = _service_depth.set(_service_depth.get() + 1)
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except PermissionDenied as error:
            if _service_depth.get() == 1:  # the outermost service has rolled back
                record_pending_denial(error)
            raise
        finally:
            _service_depth.reset(depth)

    return wrapper


def require(actor: Any, capability: str, obj: Any = None) -> None:
    """Raise (and audit) PermissionDenied unless ``can(actor, capability, obj)``."""
    if not can(actor, capability, obj):
        raise deny(actor, capability, obj)


def get_for(actor: Any, model: type[Model], pk: Any, capability: str | None = None) -> Any:
    """Fetch *and* authorize one row: 404 (audited) when ``actor`` may not see it at all,
    403 (audited) when they may see it but not exercise ``capability`` on it."""
    view_capability = MODEL_SCOPES[model._meta.label].view_capability
    try:
        obj = visible_to(actor, model).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        deny(actor, view_capability, (model._meta.label_lower, str(pk)[:64]), "not visible")
        raise Http404(f"No such {model._meta.verbose_name}.") from None
    if capability and capability != view_capability:
        require(actor, capability, obj)
    return obj


def _consent_owners(consent: Any) -> frozenset[int]:
    """The agencies the attesting staff member recorded the consent for: where they hold (or
    held) a role that records consents, among the person's program's agencies."""
    return frozenset(
        Membership.objects.filter(
            user_id=consent.attested_by_id,
            role__in=caps.roles_with(caps.CONSENT_RECORD),
            agency__programs__pk=consent.person.program_id,
        ).values_list("agency_id", flat=True)
    )


def _followup_owners(followup: Any) -> frozenset[int] | None:
    """A follow-up assigned to an outreach team belongs to its members' agencies; one with no
    team is the program's queue, open to everyone who works follow-ups in it."""
    if followup.team_id is None:
        return None
    return frozenset(
        Membership.objects.filter(
            user__teams=followup.team_id,
            is_active=True,
            role__in=caps.roles_with(caps.FOLLOWUP_WORK),
        ).values_list("agency_id", flat=True)
    )


# Who owns an existing record for writes, keyed by model label like the scope table: the
# agencies whose staff may change it (``None``: the whole program may). Reads follow the
# program; writes follow these owners.
OWNERS: dict[str, Callable[[Any], frozenset[int] | None]] = {
    "referrals.Referral": lambda referral: frozenset({referral.requesting_agency_id}),
    "people.Consent": _consent_owners,
    "cases.Case": lambda case: frozenset({case.agency_id}),
    "cases.CaseNote": lambda note: frozenset({note.author_agency_id}),
    "followups.FollowUp": _followup_owners,
}


def owns(actor: Any, capability: str, obj: Any) -> bool:
    """May ``actor`` exercise ``capability`` to *change* ``obj``: ``can`` it, and hold the
    capability at one of the record's owning agencies (or a global role). Another agency of
    the same program sees the record but may not change it."""
    if not can(actor, capability, obj):
        return False
    if is_system(actor):
        return True
    granting = _granting(actor, capability)
    if _is_global(granting):
        return True
    owner_of = OWNERS.get(obj._meta.label)
    owners = owner_of(obj) if owner_of is not None else None
    if owners is None:
        return True
    return bool(owners & {agency_id for _, agency_id in granting})


def require_owner(actor: Any, capability: str, obj: Any) -> None:
    """Raise (and audit) PermissionDenied unless ``owns(actor, capability, obj)``: the check
    of every write service that acts on an existing record (the caller has fetched ``obj``
    with ``get_for``, so a record the actor cannot see has already answered 404)."""
    if not can(actor, capability, obj):
        raise deny(actor, capability, obj)
    if not owns(actor, capability, obj):
        raise deny(actor, capability, obj, "another agency's record")
