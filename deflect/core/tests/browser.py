"""Shared set-up for the browser tests: Debian's Chromium driven by Playwright's sync API.

The fixtures (``browser``, ``problems``, ``open_page``, ``out_dir``) reach every test through
``deflect/conftest.py``; a browser test module imports the helpers (``sign_in``, ``watch``,
``path_of``, the viewports) from here.

``CHROMIUM_PATH`` picks the browser (default /usr/bin/chromium; ``make browser`` installs it).
Pages are served by pytest-django's live server. ``problems`` collects script errors, console
errors and failed requests; a test asserts it is empty at the end of its story.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from deflect.accounts.tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(f"Chromium not found at {path}: run `make browser` or set CHROMIUM_PATH.")
    return path


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django would
    # refuse the tests' ORM calls (SynchronousOnlyOperation) although nothing here is async.
    # Django's documented switch turns that check off while this module's browser is running.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def problems() -> list[str]:
    """What went wrong in the pages: script errors, console errors, failed requests."""
    return []


@pytest.fixture(scope="session")
def out_dir(request) -> Path:
    """``test-results/browser/`` under the repository root (git-ignored), for screenshots."""
    folder = request.config.rootpath / "test-results" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def watch(page, problems: list[str], static: list[tuple[int, str]] | None = None):
    """Report the page's script errors, console errors and failed requests into ``problems``.

    With ``static``, responses for /static/ files are recorded there instead of judged.
    """

    def on_console(message):
        # A failed request also logs "Failed to load resource"; on_response reports those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response):
        if static is not None and urlsplit(response.url).path.startswith("/static/"):
            static.append((response.status, response.url))
        elif response.status >= 400:
            problems.append(f"HTTP {response.status} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    return page


@pytest.fixture
def open_page(transactional_db, browser, live_server, problems):
    """``open_page(viewport=DESKTOP, **context_options)``: a watched page in a new context."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return watch(context.new_page(), problems)

    yield open_page
    for context in contexts:
        context.close()


def path_of(page) -> str:
    return urlsplit(page.url).path


def sign_in(page, username: str, password: str = PASSWORD):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    return navigation.value
