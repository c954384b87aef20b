"""The floors of the code base (docs/architecture.md), checked by reading every module's imports.

The ground floor is ``core`` <- ``audit`` <- ``accounts`` <- ``access``: each may import only the
floors below it, and none of them imports a domain app. Every other app under ``deflect/`` is a
domain app. ``deflect/demo`` (the demo county) and ``config/`` (settings, URLs, the API assembly)
sit above everything; no app imports them. Tests are outside the rule: they build whole worlds
from every app's factories.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.management import get_commands

from deflect.access import consent as access_consent
from deflect.access import disclosure
from deflect.access import notice as access_notice
from deflect.access.policy import MODEL_SCOPES
from deflect.accounts.management.commands import token_create
from deflect.cli import COMMANDS
from deflect.people import consent as people_consent
from deflect.people import models as people_models
from deflect.referrals import notice as referrals_notice

PACKAGE = Path(__file__).resolve().parents[2]  # deflect/
GROUND_FLOOR = ("core", "audit", "accounts", "access")  # lowest first
TOP = ("demo",)

# Ground-floor modules that still import a higher ground floor (module, imported app). The
# staff pages and the audit log's pages authorize through the access policy above them. This
# list must only shrink: remove an entry when its import goes; never add one.
KNOWN_FLOOR_EXCEPTIONS = {
    ("deflect.accounts.api", "access"),
    ("deflect.accounts.selectors", "access"),
    ("deflect.accounts.services", "access"),
    ("deflect.accounts.views", "access"),
    ("deflect.audit.api", "access"),
    ("deflect.audit.views", "access"),
    ("deflect.accounts.mfa_services", "access"),
    ("deflect.accounts.mfa_views", "access"),
}

# Import cycles between domain apps through module-level imports, each written from its
# alphabetically first app. This list must only shrink: cut a cycle, then remove it here;
# never add one.
KNOWN_APP_CYCLES: set[tuple[str, ...]] = set()


def _apps() -> set[str]:
    return {
        path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    }


APPS = _apps()
DOMAIN_APPS = APPS - set(GROUND_FLOOR) - set(TOP)


def _modules() -> Iterator[tuple[str, str, Path]]:
    """(app, dotted module name, path) of every non-test module inside an app."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if len(parts) < 2 or "tests" in parts or parts[-1] == "conftest":
            continue
        yield parts[0], ".".join(("deflect", *parts)), path


def _imported(path: Path, module: str, *, module_level_only: bool) -> set[str]:
    """Dotted names ``path`` imports (relative imports resolved; ``from a import b`` gives both
    ``a`` and ``a.b``), at module level only or also inside functions."""
    found: set[str] = set()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            if module_level_only and isinstance(child, functions):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - (child.level - 1)]
                    source = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    source = child.module or ""
                found.add(source)
                found.update(f"{source}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(), filename=str(path)))
    return found


def _apps_imported(path: Path, module: str, *, module_level_only: bool) -> set[str]:
    app = module.split(".")[1]
    return {
        name.split(".")[1]
        for name in _imported(path, module, module_level_only=module_level_only)
        if name.startswith("deflect.") and name.split(".")[1] in APPS - {app}
    }


def _floor_violations() -> set[tuple[str, str]]:
    violations = set()
    for app, module, path in _modules():
        if app not in GROUND_FLOOR:
            continue
        allowed = set(GROUND_FLOOR[: GROUND_FLOOR.index(app)])
        for imported in _apps_imported(path, module, module_level_only=False):
            if imported not in allowed:
                violations.add((module, imported))
    return violations


def _domain_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {app: set() for app in DOMAIN_APPS}
    for app, module, path in _modules():
        if app in DOMAIN_APPS:
            graph[app] |= _apps_imported(path, module, module_level_only=True) & DOMAIN_APPS
    return graph


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Every elementary cycle, written from its alphabetically first app."""
    cycles: set[tuple[str, ...]] = set()

    def walk(start: str, node: str, path: tuple[str, ...]) -> None:
        for nxt in graph[node]:
            if nxt == start:
                cycles.add(path)
            elif nxt > start and nxt not in path:
                walk(start, nxt, (*path, nxt))

    for start in sorted(graph):
        walk(start, start, (start,))
    return cycles


def test_the_ground_floor_imports_no_domain_app_and_no_higher_floor():
    violations = _floor_violations()
    new = sorted(violations - KNOWN_FLOOR_EXCEPTIONS)
    assert not new, f"ground-floor modules import a domain app or a higher floor: {new}"
    gone = sorted(KNOWN_FLOOR_EXCEPTIONS - violations)
    assert not gone, f"remove these from KNOWN_FLOOR_EXCEPTIONS, they are fixed: {gone}"
    # The exceptions are upward imports within the ground floor only, never a domain app.
    assert {imported for _, imported in KNOWN_FLOOR_EXCEPTIONS} <= set(GROUND_FLOOR)


def test_core_imports_none_of_the_other_apps():
    assert not {
        imported for module, imported in _floor_violations() if module.startswith("deflect.core.")
    }


def test_the_import_cycles_between_domain_apps_are_the_known_ones():
    assert _cycles(_domain_graph()) == KNOWN_APP_CYCLES


def test_no_app_imports_the_demo_county():
    importers = sorted(
        module
        for app, module, path in _modules()
        if app not in TOP and "demo" in _apps_imported(path, module, module_level_only=False)
    )
    assert importers == []


def test_the_checker_sees_function_level_and_relative_imports(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "from . import selectors\n"
        "from .models import Thing\n"
        "def later():\n"
        "    from deflect.cases.services import case_open\n"
    )
    everywhere = _imported(module, "deflect.referrals.services", module_level_only=False)
    top = _imported(module, "deflect.referrals.services", module_level_only=True)
    assert {"deflect.referrals.selectors", "deflect.referrals.models.Thing"} <= top
    assert "deflect.cases.services" in everywhere and "deflect.cases.services" not in top
    assert _cycles({"a": {"b"}, "b": {"c", "a"}, "c": {"a"}}) == {("a", "b"), ("a", "b", "c")}


def test_every_label_in_the_scope_table_names_an_installed_model():
    for label in MODEL_SCOPES:
        assert apps.get_model(label)._meta.label == label


def test_every_label_a_ground_floor_module_names_is_an_installed_model():
    for label in (
        disclosure.CONSENT_MODEL,
        disclosure.DISCLOSURE_MODEL,
        token_create.PROGRAM_MODEL,
    ):
        assert apps.get_model(label)._meta.label == label


def test_the_part2_pieces_moved_to_access_keep_their_old_names():
    for name in people_consent.__all__:
        assert getattr(people_consent, name) is getattr(access_consent, name)
    assert people_models.ConsentPurpose is access_consent.ConsentPurpose
    assert people_models.InformationCategory is access_consent.InformationCategory
    assert referrals_notice.REDISCLOSURE_NOTICE is access_notice.REDISCLOSURE_NOTICE


def test_operator_commands_keep_their_names_on_the_floor_that_holds_their_work():
    commands = get_commands()
    for _, command, _ in COMMANDS:
        assert not command or command in commands, command
    assert commands["backup"] == commands["restore"] == "deflect.accounts"
    assert commands["keys_rotate"] == "deflect.audit"
