"""In real Chromium: each role signs in, lands on its own home page, and signs out.

Playwright's sync API drives Debian's Chromium (``CHROMIUM_PATH``, else /usr/bin/chromium; ``make
browser`` installs it) against pytest-django's live server, which serves static files through the
staticfiles finders. Screenshots go to ``test-results/browser/`` under the repository root
(git-ignored); ``demo-coordinator-home.png`` there is the source of
``docs/screenshots/home-coordinator.png``.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from deflect.accounts.models import Role
from deflect.core.tests.browser import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    path_of,
    sign_in,
    watch,
)
from deflect.demo.county import DEMO_PASSWORD
from deflect.demo.loader import demo_load

pytestmark = pytest.mark.browser

MARLOW, EASTVALE = "Marlow Deflection", "Eastvale Deflection"
# Navigation links only some roles get; every other role must not see them.
RESTRICTED_NAV = {"Staff", "Audit log", "Admin"}


@dataclass(frozen=True)
class Expected:
    role: str | None
    nav: frozenset[str]
    programs: frozenset[str]
    tools: frozenset[str] = frozenset()


def _member(role: str, *extra_nav: str, programs=(MARLOW,), tools=()) -> Expected:
    return Expected(
        role, frozenset({"Home", "Programs", *extra_nav}), frozenset(programs), frozenset(tools)
    )


EXPECTED = {
    "officer": _member(Role.RESPONDER),
    "dispatcher": _member(Role.DISPATCHER),
    "outreach": _member(Role.OUTREACH),
    "case_manager": _member(Role.CASE_MANAGER),
    "provider": _member(Role.PROVIDER),
    "prosecutor": _member(Role.PROSECUTOR),
    "coordinator": _member(Role.COORDINATOR, "Staff", tools=["Manage program staff"]),
    "analyst": _member(Role.ANALYST),
    "admin": _member(
        Role.ADMIN,
        "Staff",
        "Audit log",
        "Admin",
        programs=(MARLOW, EASTVALE),
        tools=["Manage program staff", "Audit log", "Configuration (admin site)"],
    ),
    "other_coordinator": _member(
        Role.COORDINATOR, "Staff", programs=(EASTVALE,), tools=["Manage program staff"]
    ),
    "nobody": Expected(None, frozenset(), frozenset()),
}


@pytest.fixture
def static() -> list[tuple[int, str]]:
    """(status, url) of every static file the pages fetched."""
    return []


@pytest.fixture
def open_page(transactional_db, browser, live_server, problems, static):
    """As ``browser.open_page``, with static files recorded in ``static`` rather than judged."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return watch(context.new_page(), problems, static)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


def assert_styled(page):
    """The stylesheet loaded and applies (an unstyled page would pass every text check)."""
    assert page.evaluate(
        """() => [...document.styleSheets].some(
            s => s.href && s.href.includes('/static/deflect/app.css') && s.cssRules.length > 0)"""
    ), "app.css did not load"
    assert page.locator("header.topbar").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.locator("body").evaluate("e => getComputedStyle(e).marginTop") == "0px"


def nav_labels(page) -> set[str]:
    return set(page.locator("nav[aria-label='Main'] a").all_inner_texts())


def test_static_files_load_and_style_the_pages(world, page, problems, static):
    """The live server finds static files the way ``runserver`` and ``collectstatic`` do, so a
    stylesheet the finders cannot see fails here rather than shipping unstyled pages."""
    page.goto("/login/")
    assert "/static/deflect/app.css" in {urlsplit(url).path for _, url in static}
    assert all(status in (200, 304) for status, _ in static), f"static files failed: {static}"
    assert_styled(page)
    sign_in(page, "coordinator")
    assert path_of(page) == "/"
    assert_styled(page)
    assert all(status in (200, 304) for status, _ in static), f"static files failed: {static}"
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"
    assert not problems, problems


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_role_signs_in_sees_its_home_and_signs_out(
    world, page, problems, out_dir, live_server, persona
):
    expected = EXPECTED[persona]
    response = sign_in(page, persona)

    assert response.status == 200
    assert path_of(page) == "/", f"{persona} landed on {page.url}"
    assert page.title() == "Home · deflect"
    assert page.locator("h1").inner_text() == f"Welcome, {world.users[persona]}"

    nav = nav_labels(page)
    assert expected.nav <= nav, f"{persona} is missing {expected.nav - nav} in the navigation"
    assert not (RESTRICTED_NAV - expected.nav) & nav, f"{persona} sees {nav}"

    chips = page.locator(".chips [data-role]")
    cards = page.locator("[data-testid^='role-card-']")
    programs = page.locator("section[aria-labelledby='programs-h'] li a")
    tools = page.locator("section[aria-labelledby='tools-h'] li a")
    if expected.role is None:
        assert page.get_by_text("You have no role at any agency yet").is_visible()
        assert chips.count() == 0
        assert cards.count() == 0
    else:
        assert page.get_by_text("You have no role").count() == 0
        assert [chips.nth(i).get_attribute("data-role") for i in range(chips.count())] == [
            expected.role
        ]
        assert page.get_by_test_id(f"role-card-{expected.role}").is_visible()
        assert cards.count() == 1
    assert set(programs.all_inner_texts()) == expected.programs
    assert expected.tools <= set(tools.all_inner_texts())
    if not expected.tools:
        assert tools.count() == 0

    page.screenshot(path=out_dir / f"{persona}-home.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert path_of(page) == "/login/"
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.get_by_role("button", name="Sign out").count() == 0

    response = page.goto("/")
    assert response.status == 200
    assert response.request.redirected_from is not None
    assert urlsplit(response.request.redirected_from.url).path == "/"
    assert path_of(page) == "/login/"
    assert page.get_by_label("Username").is_visible()
    assert not problems, problems


def test_wrong_password_shows_the_error_and_no_server_error(world, page, problems):
    response = sign_in(page, "officer", "not-the-password")

    assert response.status == 200
    assert path_of(page) == "/login/"
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert "username and password do not match" in alert.inner_text()
    assert page.get_by_label("Username").input_value() == "officer"
    assert page.get_by_label("Password").input_value() == ""
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert not problems, problems

    page.goto("/")
    assert path_of(page) == "/login/", "a failed sign-in must not leave a session behind"


def _assert_fits(page, where: str):
    width = page.evaluate("() => window.innerWidth")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width == PHONE["width"], f"{where}: layout viewport is {width}px wide"
    assert scroll_width <= PHONE["width"], f"{where}: {scroll_width}px overflows horizontally"


def test_phone_viewport_has_no_horizontal_overflow(world, open_page, problems, out_dir):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto("/login/")
    _assert_fits(page, "login page")

    sign_in(page, "admin")  # the widest navigation: Home, Programs, Staff, Audit log, Admin
    assert path_of(page) == "/"
    _assert_fits(page, "admin home page")
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.screenshot(path=out_dir / "admin-home-phone.png", full_page=True)
    assert not problems, problems


def test_demo_county_coordinator_home(page, problems, out_dir):
    demo_load()
    sign_in(page, "coordinator", DEMO_PASSWORD)

    assert path_of(page) == "/"
    assert page.locator("h1").inner_text() == "Welcome, Morgan Ellis"
    assert page.get_by_test_id("role-card-coordinator").is_visible()
    assert "Staff" in nav_labels(page)
    page.screenshot(path=out_dir / "demo-coordinator-home.png")
    assert not problems, problems
