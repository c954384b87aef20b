"""Every service, selector, view and API module is held to annotated functions by mypy
(docs/architecture.md, "Types"): ``pyproject.toml`` lists their module patterns in a
``[[tool.mypy.overrides]]`` block with ``disallow_untyped_defs``. This test fails when such a
module (``services.py``, ``mfa_views.py``, ``*_api.py`` …) is not covered by a pattern, so a new
one cannot escape the rule."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KINDS = ("services", "selectors", "views", "api")

# Modules the patterns do not cover yet. This set must only shrink: remove a name when its
# module is gone or covered.
NOT_YET_COVERED: set[str] = set()


def _strict_overrides() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [o for o in config["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs")]


def _strict_patterns() -> list[str]:
    patterns: list[str] = []
    for override in _strict_overrides():
        modules = override["module"]
        patterns += [modules] if isinstance(modules, str) else modules
    return patterns


def _entry_point_modules() -> set[str]:
    found = set()
    for top in ("deflect", "config"):
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            stem = parts[-1]
            if any(stem == kind or stem.endswith(f"_{kind}") for kind in KINDS):
                found.add(".".join(parts))
    return found


def _covered(module: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns)


def test_every_service_selector_view_and_api_module_must_be_annotated():
    patterns = _strict_patterns()
    modules = _entry_point_modules()
    assert "deflect.cases.services" in modules and "config.api" in modules  # the scan works
    uncovered = {m for m in modules if not _covered(m, patterns)} - NOT_YET_COVERED
    assert not uncovered, f"add these to the disallow_untyped_defs override: {sorted(uncovered)}"


def test_the_not_yet_covered_list_only_shrinks():
    modules = _entry_point_modules()
    patterns = _strict_patterns()
    stale = {m for m in NOT_YET_COVERED if m not in modules or _covered(m, patterns)}
    assert not stale, f"remove these from NOT_YET_COVERED: {sorted(stale)}"


def test_the_override_also_refuses_partly_annotated_functions():
    overrides = _strict_overrides()
    assert overrides
    assert all(o.get("disallow_incomplete_defs") for o in overrides)
