"""In real Chromium on a phone-sized screen: recording encounters with the phone form.

Each of the six pathways is recorded by a field worker who may use it; a form submitted without
a connection waits on the phone and is sent, once, when the connection is back (also when the
same copy is sent again); a person is found by nickname and a misspelt surname and linked to the
encounter. Nothing typed is lost: not on a reload (the draft), not when the session expired before
Save, not when the server refuses a queued submission. Chromium is driven by
``deflect/core/tests/browser.py``.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from deflect.accounts.tests.factories import PASSWORD
from deflect.audit.actions import Action
from deflect.audit.models import AuditEvent
from deflect.core.models import Pathway
from deflect.core.tests.browser import (
    PHONE,
    TIMEOUT_MS,
    sign_in,
    watch,
)
from deflect.encounters.models import Encounter
from deflect.people.models import Person
from deflect.people.services import person_create

pytestmark = pytest.mark.browser

OUTBOX = "deflect.encounters.outbox"
DRAFT = "deflect.encounters.draft"
DETAIL_PATH = re.compile(r"^/encounters/(\d+)/$")
# The outbox as the page's script keeps it in localStorage.
READ_OUTBOX = f"() => JSON.parse(localStorage.getItem('{OUTBOX}') || '[]')"


@pytest.fixture
def phone(transactional_db, browser, live_server, problems):
    """A phone: a browser context (its own localStorage) in the program's time zone."""
    contexts = []

    def open_phone():
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            timezone_id=settings.TIME_ZONE,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    def new_page(context):
        return watch(context.new_page(), problems)

    open_phone.new_page = new_page
    yield open_phone
    for context in contexts:
        context.close()


def _local(minutes_ago: int) -> str:
    """A datetime-local value: the program's local time, ``minutes_ago`` minutes ago."""
    return (timezone.localtime() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def _label(text: str) -> re.Pattern:
    """A label's exact text; a required field's label ends in an asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}( \*)?\s*$")


def _path_of(url: str) -> str:
    return urlsplit(url).path


def _path(page) -> str:
    return _path_of(page.url)


# What a responder fills in each pathway's section: (kind, label, value) scoped to the section.
SECTIONS = {
    "naloxone_plus": [
        ("fill", "Time of overdose", lambda: _local(25)),
        ("fill", "Responder", "2"),
        ("check", "Responded (breathing restored)", None),
        ("check", "Leave-behind naloxone kit given", None),
    ],
    "self_referral": [
        ("fill", "Station or place", "Fire Station 3"),
        ("check", "Walked in", None),
    ],
    "officer_intervention": [
        ("fill", "Statute / code", "CR 5-601"),
        ("check", "Misdemeanor", None),
        ("select", "Category", "drug_possession"),
        ("check", "Treatment in lieu of arrest", None),
    ],
    "first_responder_referral": [
        ("check", "On patrol", None),
        ("check", "Treatment", None),
        ("check", "Case manager", None),
    ],
    "active_outreach": [
        ("check", "Overdose list", None),
        ("check", "Contacted and engaged", None),
    ],
    "community_response": [
        ("check", "988", None),
        ("check", "Behavioral health crisis", None),
        ("check", "Peer specialist", None),
        ("check", "Referred to services", None),
    ],
}


@dataclass(frozen=True)
class Case:
    pathway: str
    persona: str
    person: str  # "unidentified" or "new"


CASES = [
    Case("naloxone_plus", "officer", "unidentified"),
    Case("self_referral", "officer", "unidentified"),
    Case("officer_intervention", "officer", "unidentified"),
    Case("first_responder_referral", "officer", "new"),
    Case("active_outreach", "outreach", "unidentified"),
    Case("community_response", "outreach", "unidentified"),
]


def choose_pathway(page, pathway: str):
    label = Pathway(pathway).label
    page.locator(f"label[for='pathway-{pathway}']").tap()
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
    # Only the chosen pathway's section shows, and only its inputs are sent.
    for section in page.locator("section[data-pathway]").all():
        code = section.get_attribute("data-pathway")
        inputs = section.locator("input, select, textarea")
        if code == pathway:
            expect(section).to_be_visible()
            assert inputs.evaluate_all("els => els.every(e => !e.disabled)"), code
        else:
            expect(section).to_be_hidden()
            assert inputs.evaluate_all("els => els.every(e => e.disabled)"), code
    if pathway == "officer_intervention":  # the eligibility questions open by themselves
        assert page.locator("#eligibility-section").evaluate("e => e.open")


def fill_section(page, pathway: str):
    section = page.locator(f"section[data-pathway='{pathway}']")
    for kind, label, value in SECTIONS[pathway]:
        field = section.get_by_label(_label(label))
        if kind == "fill":
            field.fill(value() if callable(value) else value)
        elif kind == "select":
            field.select_option(value)
        else:
            field.check()


def choose_person(page, mode: str):
    if mode == "unidentified":
        page.get_by_label("Unidentified", exact=True).check()
        box = page.locator("[data-person-mode='unidentified']")
        expect(box).to_be_visible()
        box.get_by_label("Description").fill("Man in his 40s, grey hoodie")
    elif mode == "new":
        page.get_by_label("New person", exact=True).check()
        box = page.locator("[data-person-mode='new']")
        expect(box).to_be_visible()
        box.get_by_label("First name").fill("Jamie")
        box.get_by_label("Last name").fill("Rivera")
    for other in ("existing", "new", "unidentified"):
        if other != mode:
            expect(page.locator(f"[data-person-mode='{other}']")).to_be_hidden()


def fill_encounter(page, pathway: str, person: str = "unidentified", outcome: str = ""):
    """Everything a responder fills for ``pathway``, short of pressing Save."""
    choose_pathway(page, pathway)
    page.get_by_label(_label("Date and time")).fill(_local(10))
    page.get_by_label("Location").fill("400 block of Main St")
    fill_section(page, pathway)
    if person:
        choose_person(page, person)
    what = page.locator("section.panel", has=page.get_by_role("heading", name="What happened"))
    what.get_by_label(_label(outcome or "Referred to treatment or services")).check()


def open_form(page):
    page.goto("/encounters/new/")
    expect(page.get_by_role("heading", name="New encounter", exact=True)).to_be_visible()


def save_and_land_on_detail(page) -> int:
    page.get_by_role("button", name="Save encounter").tap()
    page.wait_for_url(lambda url: DETAIL_PATH.match(_path_of(url)) is not None)
    return int(DETAIL_PATH.match(_path(page)).group(1))


@pytest.mark.parametrize("case", CASES, ids=[c.pathway for c in CASES])
def test_each_pathway_is_recorded_from_the_phone(world, phone, problems, case):
    page = phone.new_page(phone())
    sign_in(page, case.persona)
    open_form(page)
    fill_encounter(page, case.pathway, case.person)

    encounter_id = save_and_land_on_detail(page)

    label = Pathway(case.pathway).label
    expect(page.locator("h1")).to_have_text(f"{label} encounter")
    expect(page.get_by_role("status")).to_contain_text("Encounter saved.")
    expect(page.get_by_test_id("encounter-outcome")).to_have_text(
        "Referred to treatment or services"
    )
    person_text = "Jamie Rivera" if case.person == "new" else "Man in his 40s, grey hoodie"
    expect(page.get_by_test_id("encounter-person")).to_contain_text(person_text)
    assert page.evaluate(f"() => localStorage.getItem('{DRAFT}')") is None, "draft left behind"
    reads = AuditEvent.objects.filter(action=Action.ENCOUNTER_READ, target_id=str(encounter_id))
    assert reads.count() == 1, "the record page was read more than once for one view"

    page.goto("/encounters/")
    expect(page.locator("h1")).to_have_text("My encounters")
    card = page.locator(f"li[data-encounter-id='{encounter_id}']")
    expect(card.get_by_role("link", name=label)).to_have_attribute(
        "href", f"/encounters/{encounter_id}/"
    )
    expect(card).to_contain_text("Referred to treatment or services")

    encounter = Encounter.objects.get(pathway=case.pathway)
    assert Encounter.objects.count() == 1
    assert encounter.pk == encounter_id
    assert encounter.recorded_by == world.users[case.persona]
    assert encounter.outcome == "referred"
    if case.person == "new":
        assert (encounter.person.first_name, encounter.person.last_name) == ("Jamie", "Rivera")
        assert not encounter.person.is_unidentified
    else:
        assert encounter.person.is_unidentified
        assert encounter.person.description == "Man in his 40s, grey hoodie"
    if case.pathway == "naloxone_plus":
        assert encounter.overdose.overdose_at < encounter.occurred_at
        assert encounter.overdose.naloxone_doses_responder == 2
    if case.pathway == "officer_intervention":
        assert encounter.officer_intervention.offenses.get().statute == "CR 5-601"
    assert not problems, problems


def _go_online(context, pages):
    """Back online: Playwright fires the ``online`` event; dispatch it where it did not."""
    for page in pages:
        page.evaluate(
            "() => { window.onlineEvents = 0;"
            " window.addEventListener('online', () => { window.onlineEvents += 1; }); }"
        )
    context.set_offline(False)
    for page in pages:
        try:
            page.wait_for_function("() => window.onlineEvents > 0", timeout=2_000)
        except PlaywrightTimeoutError:
            page.evaluate("() => window.dispatchEvent(new Event('online'))")


def _wait_until_sent(page):
    page.wait_for_function(f"() => ({READ_OUTBOX})().length === 0")
    expect(page.locator("#pending-submissions")).to_be_hidden()


def test_an_encounter_saved_offline_is_sent_once_when_back_online(world, phone, problems):
    context = phone()
    page = phone.new_page(context)
    posts = []  # (status, X-Encounter-Id) of every submission the phone sent

    def on_response(response):
        if response.request.method == "POST" and _path_of(response.url) == "/encounters/new/":
            posts.append((response.status, response.headers.get("x-encounter-id")))

    context.on("response", on_response)
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "self_referral")
    queued_uuid = page.locator("input[name=client_uuid]").input_value()

    context.set_offline(True)
    page.get_by_role("button", name="Save encounter").tap()

    pending = page.locator("#pending-submissions")
    expect(pending).to_be_visible()
    expect(pending).to_contain_text("1 encounter waiting to send")
    expect(pending.locator(f"li[data-pending-uuid='{queued_uuid}']")).to_contain_text(
        "Self-Referral"
    )
    outbox = page.evaluate(READ_OUTBOX)
    assert [item["uuid"] for item in outbox] == [queued_uuid]
    assert _path(page) == "/encounters/new/"
    # The form is ready for the next encounter, under a new id.
    assert page.locator("input[name=client_uuid]").input_value() != queued_uuid
    expect(page.get_by_role("radio", name="Self-Referral")).not_to_be_checked()
    assert not posts, "nothing may be sent while offline"
    assert not Encounter.objects.exists()

    _go_online(context, [page])
    _wait_until_sent(page)
    assert Encounter.objects.count() == 1
    encounter = Encounter.objects.get()
    assert str(encounter.client_uuid) == queued_uuid
    assert encounter.pathway == "self_referral"
    assert encounter.recorded_by == world.officer
    assert encounter.self_referral.station == "Fire Station 3"

    # The answer was lost on the way back (as on a weak signal), so the phone still holds the
    # submission; a second tab holds it too, and both see the connection come back twice.
    other = phone.new_page(context)
    open_form(other)
    context.set_offline(True)
    page.evaluate(
        "([key, item]) => localStorage.setItem(key, JSON.stringify([item]))", [OUTBOX, outbox[0]]
    )
    sent_before = len(posts)
    _go_online(context, [page, other])
    for tab in (page, other):
        tab.evaluate(
            "() => { window.dispatchEvent(new Event('online'));"
            " window.dispatchEvent(new Event('online')); }"
        )
    for tab in (page, other):
        _wait_until_sent(tab)
    assert len(posts) > sent_before, "the queued copy was not sent again"
    # Every copy, the first and the repeats, was answered with the one record: created once,
    # then replayed.
    record = str(encounter.pk)
    assert posts == [(201, record)] + [(200, record)] * (len(posts) - 1), posts
    assert Encounter.objects.count() == 1
    assert Encounter.objects.get().pk == encounter.pk
    # Background sends are not reads of the record: nobody looked at it.
    assert not AuditEvent.objects.filter(action=Action.ENCOUNTER_READ).exists()
    assert not problems, problems


def test_a_person_is_found_by_nickname_and_misspelling_and_linked(world, phone, problems):
    person = person_create(
        actor=world.officer,
        program=world.program,
        agency=world.agencies["police"],
        first_name="William",
        last_name="Johnson",
        date_of_birth=date(1985, 3, 7),
    )
    page = phone.new_page(phone())
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "self_referral", person="")

    expect(page.get_by_role("radio", name="Find a person")).to_be_checked()
    search = page.locator("#person-search-inputs")
    search.get_by_label("First name").fill("Bill")
    search.get_by_label("Last name").fill("Jonson")
    match = page.locator("#person-results li.match", has_text="William Johnson")
    expect(match).to_be_visible()
    expect(match).to_contain_text("Born 1985-03-07")
    match.get_by_role("button", name="Use this person").tap()
    expect(page.locator("#person-chosen")).to_be_visible()
    expect(page.locator("#person-chosen-name")).to_have_text("William Johnson")
    assert page.locator("#f-person-id").input_value() == str(person.pk)

    # The draft keeps the choice, and shows whom it names, after a reload.
    page.reload()
    expect(page.locator("#person-chosen")).to_be_visible()
    expect(page.locator("#person-chosen-name")).to_have_text("William Johnson")
    assert page.locator("#f-person-id").input_value() == str(person.pk)

    save_and_land_on_detail(page)
    expect(page.get_by_test_id("encounter-person")).to_have_text("William Johnson")
    encounter = Encounter.objects.get()
    assert encounter.pathway == "self_referral"
    assert encounter.person_id == person.pk
    assert Person.objects.count() == 1, "linking must not create another person"
    assert not problems, problems


def test_a_form_whose_id_was_used_for_other_answers_can_still_be_saved_as_new(
    world, phone, problems
):
    """The phone sent this form once; the answer was lost, the worker changed an answer and
    pressed Save again. The server refuses the reused id (409) but nothing typed is lost: the
    form comes back filled in under a new id, and saving it records a second encounter."""
    page = phone.new_page(phone())
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "first_responder_referral")
    used = page.locator("input[name=client_uuid]").input_value()
    first_id = save_and_land_on_detail(page)

    open_form(page)
    fill_encounter(page, "first_responder_referral", outcome="Person declined")
    page.locator("input[name=client_uuid]").evaluate("(el, v) => { el.value = v; }", used)
    page.get_by_role("button", name="Save encounter").tap()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(f"already saved as encounter #{first_id}")
    expect(summary.get_by_role("link", name="Start a new form")).to_be_visible()
    fresh = page.locator("input[name=client_uuid]").input_value()
    assert fresh and fresh != used
    expect(page.get_by_role("radio", name="First Responder & Officer Referral")).to_be_checked()
    problems[:] = [p for p in problems if not re.match(r"HTTP 409 .*/encounters/new/$", p)]

    second_id = save_and_land_on_detail(page)
    assert second_id != first_id
    assert Encounter.objects.count() == 2
    assert Encounter.objects.get(pk=second_id).outcome == "declined"
    assert str(Encounter.objects.get(pk=second_id).client_uuid) == fresh
    assert not problems, problems


def test_an_unsent_draft_survives_a_reload(world, phone, problems):
    page = phone.new_page(phone())
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "community_response")
    draft = json.loads(page.evaluate(f"() => localStorage.getItem('{DRAFT}')"))
    assert ["pathway", "community_response"] in draft["pairs"]

    page.reload()
    expect(page.get_by_role("radio", name="Community Response")).to_be_checked()
    expect(page.locator("section[data-pathway='community_response']")).to_be_visible()
    expect(page.locator("section[data-pathway='naloxone_plus']")).to_be_hidden()
    expect(page.get_by_label("Peer specialist")).to_be_checked()
    expect(
        page.locator("[data-person-mode='unidentified']").get_by_label("Description")
    ).to_have_value("Man in his 40s, grey hoodie")
    assert page.locator("input[name=client_uuid]").input_value() == draft["uuid"]

    save_and_land_on_detail(page)
    assert Encounter.objects.get().pathway == "community_response"
    assert str(Encounter.objects.get().client_uuid) == draft["uuid"]
    assert not problems, problems


def test_an_encounter_saved_after_the_session_expired_is_kept_and_sent_after_sign_in(
    world, phone, problems
):
    context = phone()
    page = phone.new_page(context)
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "first_responder_referral")
    queued_uuid = page.locator("input[name=client_uuid]").input_value()

    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Save encounter").tap()
    page.wait_for_url(lambda url: _path_of(url) == "/login/")
    assert not Encounter.objects.exists()
    assert [item["uuid"] for item in page.evaluate(READ_OUTBOX)] == [queued_uuid]

    # Signing in again rotates the CSRF token: the queued copy must still be accepted.
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: _path_of(url) == "/encounters/new/")
    _wait_until_sent(page)
    encounter = Encounter.objects.get()
    assert str(encounter.client_uuid) == queued_uuid
    assert encounter.pathway == "first_responder_referral"
    assert encounter.first_responder_referral.offered == ["treatment", "case_manager"]
    assert not problems, problems


def _forgive_refusals(problems: list[str]):
    """The form's 422 answers are expected here; anything else still fails the test."""
    problems[:] = [p for p in problems if not re.match(r"HTTP 422 .*/encounters/new/$", p)]


def test_a_queued_encounter_the_server_refuses_is_kept_to_be_fixed(world, phone, problems):
    context = phone()
    page = phone.new_page(context)
    sign_in(page, "officer")
    open_form(page)
    fill_encounter(page, "naloxone_plus")
    # A mistake the phone cannot see: the overdose is timed after the encounter.
    page.get_by_label(_label("Time of overdose")).fill(_local(-5))
    context.set_offline(True)
    page.get_by_role("button", name="Save encounter").tap()
    expect(page.locator("#pending-submissions")).to_contain_text("1 encounter waiting to send")

    _go_online(context, [page])
    pending = page.locator("#pending-submissions")
    expect(pending).to_contain_text("1 encounter needs fixing")
    expect(pending).to_contain_text("The overdose cannot be after the encounter.")
    assert not Encounter.objects.exists()
    assert len(page.evaluate(READ_OUTBOX)) == 1, "a refused encounter must not be dropped"
    _forgive_refusals(problems)

    posts = []
    context.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto("/encounters/")  # My encounters tells of it too
    expect(page.locator("#pending-submissions")).to_contain_text("1 encounter needs fixing")
    open_form(page)  # still there, and not sent again
    expect(pending).to_contain_text("1 encounter needs fixing")
    assert len(page.evaluate(READ_OUTBOX)) == 1
    assert not posts, "a refused encounter is not sent again unchanged"
    pending.get_by_role("button", name="Fix and send").tap()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved yet")
    expect(page.get_by_role("radio", name="Naloxone Plus")).to_be_checked()
    _forgive_refusals(problems)
    page.get_by_label(_label("Time of overdose")).fill(_local(25))
    encounter_id = save_and_land_on_detail(page)
    assert Encounter.objects.get().pk == encounter_id
    assert page.evaluate(READ_OUTBOX) == []
    assert not problems, problems
