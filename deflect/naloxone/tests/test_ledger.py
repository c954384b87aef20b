"""The naloxone ledger: stock is the sum of its entries and never goes below zero, also when
two officers draw the last kit at the same moment."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deflect.accounts.models import Role
from deflect.accounts.system import dangerously_as_system
from deflect.accounts.tests.factories import MembershipFactory, UserFactory
from deflect.core.errors import ValidationFailed
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.naloxone import selectors
from deflect.naloxone.models import Balance, LedgerEntry, Lot, Movement
from deflect.naloxone.services import InsufficientStock, kit_draw, movement_record
from deflect.naloxone.tests.factories import location, lot, stocked


def _ledger_sum(place, batch) -> int:
    return LedgerEntry.objects.filter(location=place, lot=batch).aggregate(n=Sum("quantity"))["n"]


def _balance(place, batch) -> int:
    return Balance.objects.get(location=place, lot=batch).quantity


def move(actor, program, kind, place, batch, quantity, **details):
    """One movement through the service, as the pages record it."""
    return movement_record(
        actor=actor,
        program=program,
        kind=kind,
        location=place,
        lot=batch,
        quantity=quantity,
        **details,
    )


def test_an_officer_draws_a_kit_from_the_station_into_their_own_kit(world):
    station, batch = stocked(world.program, kits=3, name="Station 1")
    kit_draw(actor=world.officer, program=world.program, location=station, lot=batch, quantity=2)
    stock = selectors.stock_by_location(world.program)
    own = world.officer.naloxone_kits.get()
    assert stock[station.pk] == 1
    assert stock[own.pk] == 2
    issue_out, issue_in = LedgerEntry.objects.filter(kind=Movement.ISSUED).order_by("quantity")
    assert issue_out.transfer_id == issue_in.transfer_id
    assert (issue_out.location, issue_out.quantity) == (station, -2)


def test_taking_more_than_is_on_hand_is_refused_with_a_clear_message(world):
    station, batch = stocked(world.program, kits=1, name="Station 1")
    with pytest.raises(InsufficientStock) as refused:
        kit_draw(
            actor=world.officer, program=world.program, location=station, lot=batch, quantity=2
        )
    assert "Station 1 has 1 kit of lot L-100 left" in refused.value.message
    assert _ledger_sum(station, batch) == 1
    assert _balance(station, batch) == 1


def test_the_database_refuses_a_negative_balance(world):
    station, batch = stocked(world.program, kits=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Balance.objects.filter(location=station, lot=batch).update(quantity=-1)


def test_an_administration_is_linked_to_the_encounter_that_recorded_it(world):
    own = location(world.program, name="Reyes kit", kind="officer", holder=world.officer)
    batch = lot(world.program)
    central, _ = stocked(world.program, kits=4)
    move(world.coordinator, world.program, Movement.ISSUED, central, batch, 2, to_location=own)
    encounter = encounter_create(actor=world.officer, data=submission("naloxone_plus")).encounter
    move(world.officer, world.program, Movement.ADMINISTERED, own, batch, 2, encounter=encounter)
    report = selectors.administrations_report(world.program)
    assert report["with_naloxone"] == 1
    assert report["doses_responder"] == 2  # from the encounter's overdose details
    assert report["reversals"] == 1  # the encounter says breathing was restored
    assert report["kits_from_stock"] == 2
    assert report["encounters_linked"] == 1
    assert encounter.naloxone_entries.get().quantity == -2


def test_an_administration_needs_the_encounter_and_of_this_program(world):
    central, batch = stocked(world.program, kits=4)
    with pytest.raises(ValidationFailed) as missing:
        move(world.coordinator, world.program, Movement.ADMINISTERED, central, batch, 1)
    assert "encounter" in missing.value.fields
    other = encounter_create(actor=world.other_officer, data=submission("naloxone_plus")).encounter
    with pytest.raises(ValidationFailed) as foreign:
        move(
            world.coordinator,
            world.program,
            Movement.ADMINISTERED,
            central,
            batch,
            1,
            encounter=other,
        )
    assert foreign.value.fields["encounter"] == ["That encounter is not in this program."]


def test_an_officer_may_not_acquire_issue_elsewhere_or_dispose(world):
    central, batch = stocked(world.program, kits=4)
    station = location(world.program, name="Station 2", kind="station")
    with pytest.raises(PermissionDenied):
        move(world.officer, world.program, Movement.ISSUED, central, batch, 1, to_location=station)
    with pytest.raises(PermissionDenied):
        move(
            world.officer,
            world.program,
            Movement.DISPOSED,
            central,
            batch,
            1,
            disposal_reason="damaged",
        )


def test_expired_kits_are_not_handed_out_but_may_be_disposed(world):
    central, batch = stocked(world.program, kits=3, days=-1, number="OLD-1")
    with pytest.raises(ValidationFailed) as refused:
        move(
            world.coordinator,
            world.program,
            Movement.DISTRIBUTED,
            central,
            batch,
            1,
            channel="leave_behind",
        )
    assert "expired" in refused.value.fields["lot"][0]
    move(
        world.coordinator,
        world.program,
        Movement.DISPOSED,
        central,
        batch,
        3,
        disposal_reason="expired",
    )
    assert _ledger_sum(central, batch) == 0


def test_stock_report_warns_of_expiry_sixty_days_ahead_and_reorder_threshold(world):
    station = location(world.program, name="Station 3", kind="station", threshold=10)
    soon, later = lot(world.program, "SOON", days=59), lot(world.program, "LATER", days=61)
    for batch, kits in ((soon, 2), (later, 5)):
        move(
            dangerously_as_system("tests"),
            world.program,
            Movement.ACQUIRED,
            station,
            batch,
            kits,
            source="grant",
        )
    (row,) = selectors.stock_report(world.program)
    assert row.on_hand == 7
    assert row.below_threshold
    assert [(s.lot.lot_number, s.expiring) for s in row.lots] == [("SOON", True), ("LATER", False)]
    assert row.expiring_kits == 2


_moves = st.lists(
    st.tuples(st.sampled_from(["in", "out", "move"]), st.integers(min_value=1, max_value=6)),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=_moves)
def test_stock_always_equals_the_sum_of_the_ledger_and_is_never_negative(world, moves):
    program = world.program
    LedgerEntry.objects.all().delete()
    Balance.objects.all().delete()
    a = location(program, name=f"A-{len(moves)}-{timezone.now().timestamp()}")
    b = location(program, name=f"B-{len(moves)}-{timezone.now().timestamp()}")
    batch = lot(program, number="PROP", days=400)
    expected = {a.pk: 0, b.pk: 0}
    # Each move: its movement kind, its own field, and the change at (a, b).
    plans = {
        "in": (Movement.ACQUIRED, {"source": "purchase"}, (1, 0)),
        "out": (Movement.DISTRIBUTED, {"channel": "drop_in"}, (-1, 0)),
        "move": (Movement.ISSUED, {"to_location": b}, (-1, 1)),
    }
    for action, n in moves:
        kind, extra, (at_a, at_b) = plans[action]
        try:
            move(dangerously_as_system("tests"), program, kind, a, batch, n, **extra)
        except InsufficientStock:
            pass
        else:
            expected[a.pk] += at_a * n
            expected[b.pk] += at_b * n
        assert all(v >= 0 for v in expected.values())
    stock = selectors.stock_by_location(program)
    for place in (a, b):
        assert stock.get(place.pk, 0) == expected[place.pk] == _balance_or_zero(place, batch)


def _balance_or_zero(place, batch) -> int:
    row = Balance.objects.filter(location=place, lot=batch).first()
    return row.quantity if row else 0


@pytest.mark.django_db(transaction=True)
def test_two_officers_drawing_the_last_kit_at_once_one_gets_it_and_one_is_refused(
    world, monkeypatch
):
    station, batch = stocked(world.program, kits=1, name="Station 1")
    # Widen the race: each draw pauses between checking the balance and writing it, so without
    # the row lock both would see one kit (and the second write would break the CHECK).
    original_update = QuerySet.update

    def slow_update(self, **values):
        if self.model is Balance:
            time.sleep(0.3)
        return original_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", slow_update)
    second = UserFactory(username="officer2")
    MembershipFactory(user=second, agency=world.agencies["police"], role=Role.RESPONDER)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def draw(officer):
        try:
            start.wait(timeout=10)
            kit_draw(actor=officer, program=world.program, location=station, lot=batch)
            outcomes[officer.username] = "got it"
        except InsufficientStock as refused:
            outcomes[officer.username] = refused.message
        finally:
            connection.close()

    threads = [threading.Thread(target=draw, args=(u,)) for u in (world.officer, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(v == "got it" for v in outcomes.values()) == [False, True], outcomes
    (refusal,) = [v for v in outcomes.values() if v != "got it"]
    assert "Station 1 has 0 kits of lot L-100 left" in refusal
    assert _ledger_sum(station, batch) == 0
    assert _balance(station, batch) == 0
    assert LedgerEntry.objects.filter(kind=Movement.ISSUED, quantity__lt=0).count() == 1
    assert selectors.stock_by_location(world.program)[station.pk] == 0


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_draws_never_take_more_than_the_stock(world):
    station, batch = stocked(world.program, kits=3, name="Station 1")
    officers = [world.officer]
    for n in range(4):
        user = UserFactory(username=f"patrol{n}")
        MembershipFactory(user=user, agency=world.agencies["police"], role=Role.RESPONDER)
        officers.append(user)
    start = threading.Barrier(len(officers))
    got = []

    def draw(officer):
        try:
            start.wait(timeout=10)
            kit_draw(actor=officer, program=world.program, location=station, lot=batch)
            got.append(officer.username)
        except InsufficientStock:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=draw, args=(u,)) for u in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(got) == 3
    assert _ledger_sum(station, batch) == 0 == _balance(station, batch)


def test_the_reports_count_kits_distributed_by_channel(world):
    central, batch = stocked(world.program, kits=20)
    for channel, n in (("leave_behind", 2), ("drop_in", 5), ("drop_in", 3)):
        move(
            world.coordinator,
            world.program,
            Movement.DISTRIBUTED,
            central,
            batch,
            n,
            channel=channel,
            occurred_at=timezone.now() - timedelta(days=1),
        )
    report = selectors.kits_distributed(world.program)
    assert report == {"by_channel": {"drop_in": 8, "leave_behind": 2}, "total": 10}


def test_the_api_refuses_the_last_kit_twice_with_409(world, client):
    central, batch = stocked(world.program, kits=1)
    client.force_login(world.officer)
    url = f"/api/v1/naloxone/programs/{world.program.pk}/movements"
    body = {
        "kind": "distributed",
        "location_id": central.pk,
        "lot_id": batch.pk,
        "quantity": 1,
        "channel": "leave_behind",
    }
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["on_hand"] == 0
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["fields"] == {"quantity": ["Only 0 on hand."]}
    stock = client.get(f"/api/v1/naloxone/programs/{world.program.pk}/stock").json()
    assert stock[0]["on_hand"] == 0


def test_the_coordinator_changes_a_locations_reorder_threshold(world, client):
    station = location(world.program, name="Station 4", kind="station", threshold=5)
    client.force_login(world.coordinator)
    url = f"/naloxone/{world.program.pk}/locations/"
    assert (
        client.post(url, {"location_id": station.pk, "reorder_threshold": "12"}).status_code == 302
    )
    station.refresh_from_db()
    assert station.reorder_threshold == 12
    client.post(url, {"location_id": station.pk, "reorder_threshold": "-3"})
    station.refresh_from_db()
    assert station.reorder_threshold == 12


def test_stock_by_product(world):
    stocked(world.program, kits=4, name="A", number="N4")
    stocked(world.program, kits=2, name="B", number="N8")

    Lot.objects.filter(lot_number="N8").update(product="nasal_8mg")
    assert selectors.stock_by_product(world.program) == [
        ("Nasal spray 4 mg", 4),
        ("Nasal spray 8 mg", 2),
    ]


def test_the_stock_page_reads_in_constant_queries(world, client):
    stocked(world.program, kits=2, name="First")
    client.force_login(world.coordinator)
    url = f"/naloxone/{world.program.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(8):
        stocked(world.program, kits=3, name=f"Station {n}", number=f"L-{n}")
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert len(large) == len(small)
    assert "Station 7" in page.content.decode()
