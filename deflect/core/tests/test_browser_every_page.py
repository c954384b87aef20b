"""Every page of the demo county, for every role, on a 390 px phone in real Chromium:

- nothing is wider than the screen (no sideways scrolling of the page),
- every control is at least 44 px tall (a checkbox or radio through its label),
- axe-core (vendored from npm, ``vendor/axe-core-*.min.js``) finds no serious or critical
  accessibility violation,
- and no script error, console error or failed request.

The pages are found by following links from each role's home page (``walk``), so a new page is
covered without being listed. One browser, one sign-in per role; the public pages are checked
signed out. Slow by nature: it is one test so the demo county is loaded once.
"""

from pathlib import Path

import pytest

from deflect.accounts.models import User
from deflect.core.tests.browser import PHONE, sign_in
from deflect.core.tests.walk import walk
from deflect.demo.county import DEMO_PASSWORD, USERS
from deflect.demo.loader import demo_load
from deflect.programs.models import Program

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
PHONE_CHECKS = (HERE / "phone_checks.js").read_text()
AXE = next((HERE / "vendor").glob("axe-core-*.min.js")).read_text()
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"""


def check(page, path: str) -> list[str]:
    page.goto(path)
    found = page.evaluate(PHONE_CHECKS)
    page.evaluate(AXE)  # evaluated rather than injected: the pages' CSP forbids inline scripts
    found += page.evaluate(SERIOUS)
    return found


def test_every_page_fits_a_phone_and_passes_axe(transactional_db, client, open_page, problems):
    demo_load()
    found: dict[str, list[str]] = {}

    public = open_page(viewport=PHONE)
    program = Program.objects.order_by("pk").first()
    for path in ("/login/", "/resources/guide/", f"/feedback/{program.pk}/en/"):
        found[f"signed out {path}"] = check(public, path)

    for demo in USERS:
        client.force_login(User.objects.get(username=demo.username))
        pages = walk(client)
        page = open_page(viewport=PHONE)
        sign_in(page, demo.username, DEMO_PASSWORD)
        for paths in pages.values():
            found[f"{demo.username} {paths[0]}"] = check(page, paths[0])
        page.context.close()

    assert len(found) > 100, sorted(found)  # the walk reached the pages, not just the homes
    failing = {where: what for where, what in found.items() if what}
    assert not failing, failing
    assert not problems, problems
