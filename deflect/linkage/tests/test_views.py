"""The review pages: the two records side by side with agreements marked, decisions and merges
from the page, every read audited."""

import datetime as dt

import pytest
from django.urls import reverse

from deflect.audit.models import AuditEvent
from deflect.linkage.models import ReviewPair, ReviewStatus
from deflect.outcomes.models import ExternalRecord
from deflect.outcomes.tests.factories import ExternalRecordFactory
from deflect.people.models import Person, PersonMerge
from deflect.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    person = PersonFactory(
        program=world.program,
        first_name="William",
        last_name="Garcia",
        date_of_birth=dt.date(1980, 3, 7),
    )
    record = ExternalRecordFactory(
        program=world.program, first_name="Bill", last_name="Garcia", dob=dt.date(1980, 3, 7)
    )
    return ReviewPair.objects.create(
        program=world.program,
        left_key=f"p{person.pk}",
        right_key=f"r{record.pk}",
        kind="record_person",
        match_probability=0.81,
        reasons={"first_name": "Nickname of the same given name"},
    )


def test_the_analyst_sees_both_records_side_by_side_and_the_read_is_audited(client, world, pair):
    client.force_login(world.analyst)
    response = client.get(reverse("linkage:pair", args=[pair.pk]))
    assert response.status_code == 200
    rows = {
        label: (left, right, agrees) for label, left, right, agrees in response.context["view"].rows
    }
    assert rows["Last name"] == ("Garcia", "Garcia", True)
    assert rows["First name"] == ("William", "Bill", False)
    assert rows["Date of birth"][2] is True
    assert rows["Address"][2] is None  # blank on one side: unknown
    html = response.content.decode()
    assert "<mark>Garcia</mark>" in html and "Nickname of the same given name" in html
    event = AuditEvent.objects.get(action="linkage.review_read")
    assert event.actor_id == world.analyst.pk and event.extra["left"] == pair.left_key


def test_the_queue_lists_pending_pairs_and_a_decision_leaves_it(client, world, pair):
    client.force_login(world.analyst)
    page = client.get(reverse("linkage:queue", args=[world.program.pk]))
    assert pair in page.context["pairs"]
    assert AuditEvent.objects.filter(action="linkage.review_list").exists()
    response = client.post(reverse("linkage:pair", args=[pair.pk]), {"decision": "rejected"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == ReviewStatus.REJECTED and pair.decided_by_id == world.analyst.pk
    assert (
        pair not in client.get(reverse("linkage:queue", args=[world.program.pk])).context["pairs"]
    )


def test_two_people_are_merged_from_the_page_and_the_merge_undone(client, world):
    a = PersonFactory(program=world.program, first_name="Ana", last_name="Ruiz")
    b = PersonFactory(program=world.program, first_name="Anna", last_name="Ruiz")
    ExternalRecordFactory(program=world.program, person=b)
    duplicate = ReviewPair.objects.create(
        program=world.program,
        left_key=f"p{a.pk}",
        right_key=f"p{b.pk}",
        kind="person_person",
        match_probability=0.9,
    )
    client.force_login(world.analyst)
    assert client.post(reverse("linkage:merge", args=[duplicate.pk])).status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    assert ExternalRecord.objects.get().person_id == a.pk
    duplicate.refresh_from_db()
    assert duplicate.status == ReviewStatus.CONFIRMED
    merge = PersonMerge.objects.get()
    assert client.post(reverse("linkage:unmerge", args=[merge.pk])).status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id is None
