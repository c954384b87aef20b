"""In real Chromium: the coordinator tries a rule change live before saving it.

Drives Debian's Chromium (``CHROMIUM_PATH``, else /usr/bin/chromium) through Playwright
against pytest-django's live server, as ``deflect/core/tests/test_browser.py`` does.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from deflect.accounts.tests.factories import PASSWORD
from deflect.screening.selectors import eligibility_rules_for

pytestmark = pytest.mark.browser

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
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def browser():
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(f"Chromium not found at {path}: run `make browser` or set CHROMIUM_PATH.")
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls are sync.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=path, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


def test_the_coordinator_tries_a_rule_live_then_saves_it(
    transactional_db, browser, live_server, world, request
):
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    page.goto("/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(f"/screening/programs/{world.program.pk}/eligibility/")

    rules_form = page.locator("#rules-form")
    try_form = page.locator("#try-form")
    preview = page.locator("#preview")

    # Sample facts: a drug sale by an adult. The saved (default) rules take drug sales.
    try_form.get_by_label("Drug sale").check()
    try_form.get_by_label("Age").fill("30")
    try_form.get_by_label("Age").dispatch_event("change")
    expect(preview).to_contain_text("Eligible")

    # Excluding drug sale in the rules form updates the decision before anything is saved.
    rules_form.get_by_label("Drug sale").check()
    expect(preview).to_contain_text("Not eligible")
    expect(preview).to_contain_text("'drug sale' is excluded by this program")
    expect(preview).to_contain_text("not saved")
    assert not eligibility_rules_for(world.program).excluded_offense_categories
    shots = request.config.rootpath / "test-results" / "browser"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "screening-rules-coordinator-phone.png"), full_page=True)

    with page.expect_navigation():
        rules_form.get_by_role("button", name="Save rules").click()
    expect(page.locator(".messages")).to_contain_text("Eligibility rules saved.")
    assert eligibility_rules_for(world.program).excluded_offense_categories == {"drug_sale"}
    assert not problems, problems
