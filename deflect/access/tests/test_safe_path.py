"""The safe path is the only path: every service names the actor it acts for."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from deflect.access import capabilities as caps
from deflect.access.policy import (
    acting_agency,
    can,
    get_for,
    program_memberships,
    program_staff,
    visible_to,
)
from deflect.accounts.models import AgencyKind, Role, User
from deflect.accounts.services import agency_create
from deflect.accounts.system import dangerously_as_system, is_system
from deflect.accounts.tests.factories import MembershipFactory
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent

PACKAGE = Path(__file__).resolve().parents[2]

# The audit writer records what someone did, including visitors who never signed in (a
# failed sign-in has no actor): it is the recorder, not a service acting for someone.
RECORDERS = {("deflect.audit.services", "audit_record")}


def _service_modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for path in PACKAGE.glob("*/*services.py")
    )


def _actor_problems(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    problems = []
    for name, func in vars(module).items():
        if not inspect.isfunction(func) or func.__module__ != module_name:
            continue
        if (module_name, name) in RECORDERS:
            continue
        parameter = inspect.signature(inspect.unwrap(func)).parameters.get("actor")
        if parameter is None:
            continue
        annotation = parameter.annotation
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if parameter.default is not inspect.Parameter.empty:
            problems.append(f"{module_name}.{name}: actor has a default ({parameter.default!r})")
        if "None" in text or "Optional" in text:
            problems.append(f"{module_name}.{name}: actor accepts None ({text})")
    return problems


def test_the_scan_sees_every_services_module():
    modules = _service_modules()
    assert "deflect.accounts.services" in modules
    assert "deflect.planning.services" in modules
    assert "deflect.accounts.mfa_services" in modules


def test_no_service_accepts_a_missing_actor():
    problems = [p for module in _service_modules() for p in _actor_problems(module)]
    assert not problems, "services must require an actor (use the system actor):\n" + "\n".join(
        problems
    )


def test_the_scan_catches_an_optional_actor(tmp_path, monkeypatch):
    package = tmp_path / "scanprobe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text(
        "from __future__ import annotations\n"
        "def a(*, actor: User | None, x: int) -> None: ...\n"
        "def b(*, actor=None) -> None: ...\n"
        "def c(*, actor: User) -> None: ...\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    problems = _actor_problems("scanprobe.services")
    assert problems == [
        "scanprobe.services.a: actor accepts None (User | None)",
        "scanprobe.services.b: actor has a default (None)",
    ]


@pytest.mark.django_db
def test_the_system_actor_is_a_login_less_account_the_policy_trusts():
    jobs = dangerously_as_system("jobs")
    assert is_system(jobs) and jobs.username == "system: jobs"
    assert not jobs.is_active and not jobs.has_usable_password()
    assert dangerously_as_system("jobs").pk == jobs.pk  # one row per purpose
    assert can(jobs, "agency.manage")
    # The same row loaded any other way (a session, a token) carries no mark: nothing.
    plain = User.objects.get(pk=jobs.pk)
    assert not is_system(plain) and not can(plain, "agency.manage")


@pytest.mark.django_db
def test_an_unknown_purpose_is_refused():
    with pytest.raises(ValueError):
        dangerously_as_system("everything")


@pytest.mark.django_db
def test_an_ordinary_account_with_a_system_name_is_not_elevated():
    User.objects.create_user(username="system: cli", password="Correct-Horse-9!")

    with pytest.raises(ImproperlyConfigured):
        dangerously_as_system("cli")


@pytest.mark.django_db
def test_system_work_writes_its_audit_row_naming_the_system():
    agency = agency_create(
        actor=dangerously_as_system("cli"), name="Elm PD", kind=AgencyKind.LAW_ENFORCEMENT
    )
    event = AuditEvent.objects.get(action=Action.AGENCY_CREATE, target_id=str(agency.pk))
    assert event.actor_username == "system: cli"
    assert get_for(dangerously_as_system("cli"), type(agency), agency.pk) == agency
    assert agency in visible_to(dangerously_as_system("cli"), type(agency))


# --- Membership walks live in the access floor ------------------------------------------------


def _root_name(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def _walks_memberships(node: ast.AST) -> bool:
    """``Membership.objects``, or a ``User`` query through ``memberships__``."""
    if isinstance(node, ast.Attribute) and node.attr == "objects":
        return _root_name(node) == "Membership"
    if isinstance(node, ast.Call) and _root_name(node.func) == "User":
        return any((kw.arg or "").startswith("memberships__") for kw in node.keywords)
    return False


def test_no_module_outside_accounts_and_access_walks_memberships():
    """``acting_agency``, ``program_memberships`` and ``program_staff`` (access.policy) are the
    only walks of memberships outside the accounts floor; the demo builds its data directly."""
    allowed = {"accounts", "access", "demo"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if parts[0] in allowed or "tests" in parts or path.name == "conftest.py":
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if _walks_memberships(node):
                found.append(f"{'/'.join(parts)}:{node.lineno}")
    assert found == [], "ask deflect.access.policy (program_staff, acting_agency) instead"


@pytest.mark.django_db
def test_program_staff_is_the_active_staff_of_the_programs_agencies(world):
    staff = set(program_staff(world.program).values_list("username", flat=True))
    assert staff == {
        "officer",
        "dispatcher",
        "outreach",
        "case_manager",
        "provider",
        "prosecutor",
        "coordinator",
        "analyst",
    }
    assert set(program_staff(world.other_program.pk).values_list("username", flat=True)) == {
        "other_coordinator",
        "other_officer",
    }
    assert list(program_staff(world.program, roles=[Role.PROVIDER])) == [world.provider]
    # A revoked membership or a deactivated account is no longer staff.
    world.officer.memberships.update(is_active=False)
    world.dispatcher.is_active = False
    world.dispatcher.save()
    staff = set(program_staff(world.program).values_list("username", flat=True))
    assert "officer" not in staff and "dispatcher" not in staff and "coordinator" in staff
    assert program_memberships(world.program).filter(user=world.officer).count() == 0


@pytest.mark.django_db
def test_acting_agency_is_the_actors_own_agency_in_the_program(world):
    assert (
        acting_agency(world.officer, world.program, caps.PERSON_CREATE) == world.agencies["police"]
    )
    assert acting_agency(world.officer, world.other_program, caps.PERSON_CREATE) is None
    assert acting_agency(world.nobody, world.program, caps.PERSON_CREATE) is None
    assert (
        acting_agency(world.case_manager, world.program, caps.CASE_MANAGE)
        == (world.agencies["health"])
    )
    # A clinical role held at a police agency does not make the police a clinical actor.
    clinical_role = sorted(caps.roles_with(caps.CLINICAL_VIEW))[0]
    MembershipFactory(user=world.nobody, agency=world.agencies["police"], role=clinical_role)
    assert acting_agency(world.nobody, world.program, caps.CLINICAL_VIEW) is None
    world.agencies["police"].is_active = False
    world.agencies["police"].save()
    assert acting_agency(world.officer, world.program, caps.PERSON_CREATE) is None


# --- Views and the API look records up through the policy --------------------------------------

# People's records and everything hanging off them. A view or API handler reaches these only
# through ``get_for`` / ``visible_to`` or a selector that takes the actor.
SENSITIVE_MODELS = frozenset(
    {
        "Person",
        "PersonAlias",
        "Consent",
        "Encounter",
        "OverdoseDetail",
        "SelfReferralDetail",
        "OfficerInterventionDetail",
        "Offense",
        "FirstResponderReferralDetail",
        "ActiveOutreachDetail",
        "CommunityResponseDetail",
        "Referral",
        "InboundReferral",
        "ReferralEvent",
        "Disclosure",
        "Case",
        "CaseStatusChange",
        "PlanGoal",
        "PlanTask",
        "CaseNeed",
        "CaseNote",
        "AbeyanceCase",
        "ProsecutorAbeyance",
        "AbeyanceProgress",
        "FollowUp",
        "FollowUpStatusChange",
        "FollowUpAttempt",
        "EligibilityScreening",
        "NeedsScreening",
    }
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Deliberately empty: fix the view, do not list it.
ALLOWED_DIRECT_QUERIES: frozenset[str] = frozenset()


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _direct_queries(source: str) -> list[tuple[int, str]]:
    """(line, model) of each ``<SensitiveModel>.objects`` (or ``get_object_or_404(Model``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            if (model := _last_name(node.value)) in SENSITIVE_MODELS:
                found.append((node.lineno, model))
        elif (
            isinstance(node, ast.Call)
            and _last_name(node.func) in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and (model := _last_name(node.args[0])) in SENSITIVE_MODELS
        ):
            found.append((node.lineno, model))
    return sorted(found)


def _view_and_api_modules() -> list[Path]:
    paths = [PACKAGE.parent / "config" / "api.py"]
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        if path.name.endswith(("views.py", "api.py")):
            paths.append(path)
    return paths


def test_the_lint_finds_direct_queries_of_sensitive_models():
    source = (
        "def view(request, pk):\n"
        "    a = Person.objects.get(pk=pk)\n"
        "    b = models.CaseNote.objects.filter(case_id=pk)\n"
        "    c = get_object_or_404(Referral, pk=pk)\n"
        "    d = Program.objects.all()\n"
        "    e = visible_to(request.user, Person).get(pk=pk)\n"
    )
    assert _direct_queries(source) == [(2, "Person"), (3, "CaseNote"), (4, "Referral")]


def test_views_and_the_api_query_sensitive_models_only_through_the_policy():
    modules = _view_and_api_modules()
    assert any(path.parts[-2:] == ("planning", "views.py") for path in modules)
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} {model}.objects"
        for path in modules
        for line, model in _direct_queries(path.read_text(encoding="utf-8"))
    ]
    found = [site for site in found if site not in ALLOWED_DIRECT_QUERIES]
    assert found == [], "use get_for / visible_to, or a selector taking the actor:\n" + "\n".join(
        found
    )
