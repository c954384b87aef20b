"""Every page of the demo county, for every role, speaks in labels: no raw choice code
(``care_coordination``), no Python ``None``, ``True`` or ``False`` where a label or a dash
belongs. The pages are found by following links from each role's home page (one or a few
pages per route), so a new page is covered without being listed here."""

import pytest

from deflect.accounts.models import User
from deflect.core.labels import label_of, snake_codes
from deflect.core.tests.page_text import unspoken_words
from deflect.core.tests.walk import walk
from deflect.demo.county import USERS
from deflect.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_the_check_catches_codes_and_python_values():
    assert "care_coordination" in snake_codes()
    assert unspoken_words("<dl><dt>Purpose</dt><dd>treatment, care_coordination</dd></dl>")
    assert unspoken_words("<p>Phone: None</p>")
    assert unspoken_words("<dd>None</dd>")
    assert unspoken_words("<dd>True</dd>")
    assert not unspoken_words("<p>None yet.</p><code>in_person</code><p>Care coordination</p>")
    assert label_of("care_coordination").startswith("Care coordination")
    assert label_of(None) == label_of("") == "—"


def test_every_page_of_every_role_speaks_in_labels(client):
    demo_load()
    found = {}
    for demo in USERS:
        client.force_login(User.objects.get(username=demo.username))
        for paths in walk(client, per_route=3).values():
            for path in paths:
                words = unspoken_words(client.get(path).content.decode())
                if words:
                    found[f"{demo.username} {path}"] = words
    assert not found, found
