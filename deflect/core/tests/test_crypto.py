"""Clinical free text and identifiers are encrypted at rest; keys rotate without downtime."""

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deflect.core import crypto
from deflect.core.crypto import PREFIX, DataKeyError, generate_key, key_id_of, parse_key
from deflect.people.models import Consent, Person
from deflect.people.search import person_search
from deflect.people.services import person_create
from deflect.people.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

OLD, NEW, STRANGER = generate_key(), generate_key(), generate_key()
PHONE = "(614) 555-0142"
INFORMATION = "Opioid use disorder diagnosis and buprenorphine dose"


def _raw(model, field: str, pk: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _rachel(world) -> Person:
    return person_create(
        actor=world.officer,
        program=world.program,
        first_name="Rachel",
        last_name="Quinlan",
        phone=PHONE,
    )


def _found(world, **query) -> bool:
    return any(m.person.first_name == "Rachel" for m in person_search(actor=world.officer, **query))


def test_the_database_holds_ciphertext_and_the_orm_gives_the_text_back(world):
    rachel = _rachel(world)
    consent = ConsentFactory(person=rachel, information=INFORMATION, revocation_note="by phone")
    raw_phone = _raw(Person, "phone", rachel.pk)
    raw_information = _raw(Consent, "information", consent.pk)
    assert raw_phone.startswith(PREFIX) and "555" not in raw_phone and "0142" not in raw_phone
    assert raw_information.startswith(PREFIX) and "buprenorphine" not in raw_information
    assert "by phone" not in _raw(Consent, "revocation_note", consent.pk)
    assert Person.objects.get(pk=rachel.pk).phone == PHONE
    assert Consent.objects.get(pk=consent.pk).information == INFORMATION
    # No plaintext phone column is left for lookup to read; the keyed digests are not the digits.
    assert not any(f.name == "phone_digits" for f in Person._meta.get_fields())
    assert "6145550142" not in Person.objects.values_list("phone_digest", flat=True).get()


def test_the_phone_still_finds_the_person(world):
    _rachel(world)
    assert _found(world, phone="614-555-0142")
    assert _found(world, phone="555 0142")  # the last seven digits
    assert not _found(world, phone="614-555-0143")


def test_rotation_reseals_with_the_new_key_and_keeps_the_text(world, settings):
    settings.DEFLECT_DATA_KEYS = [OLD]
    rachel = _rachel(world)
    consent = ConsentFactory(person=rachel, information=INFORMATION)
    before = _raw(Person, "phone", rachel.pk)
    assert key_id_of(before) == parse_key(OLD).key_id

    settings.DEFLECT_DATA_KEYS = [NEW, OLD]
    # Before the rotation reaches the rows, reads and lookup accept the older key.
    assert Person.objects.get(pk=rachel.pk).phone == PHONE
    assert _found(world, phone=PHONE)
    call_command("keys_rotate", "--batch-size", "1")
    after = _raw(Person, "phone", rachel.pk)
    assert after != before and key_id_of(after) == parse_key(NEW).key_id
    assert key_id_of(_raw(Consent, "information", consent.pk)) == parse_key(NEW).key_id

    settings.DEFLECT_DATA_KEYS = [NEW]  # the old key is retired
    assert Person.objects.get(pk=rachel.pk).phone == PHONE
    assert Consent.objects.get(pk=consent.pk).information == INFORMATION
    assert _found(world, phone=PHONE)


def test_rotation_is_idempotent_and_reports_counts(world, settings, capsys):
    settings.DEFLECT_DATA_KEYS = [OLD]
    _rachel(world)
    settings.DEFLECT_DATA_KEYS = [NEW, OLD]
    call_command("keys_rotate")
    first = capsys.readouterr().out
    assert "people.Person: 1 rows checked, 1 re-encrypted" in first
    call_command("keys_rotate")
    second = capsys.readouterr().out
    assert "people.Person: 1 rows checked, 0 re-encrypted" in second
    assert "(0 changed)" in second


def test_a_missing_key_is_a_clear_error(world, settings):
    settings.DEFLECT_DATA_KEYS = [OLD]
    rachel = _rachel(world)
    settings.DEFLECT_DATA_KEYS = [STRANGER]
    with pytest.raises(DataKeyError, match=parse_key(OLD).key_id):
        Person.objects.get(pk=rachel.pk)
    with pytest.raises(CommandError, match="not in DEFLECT_DATA_KEYS"):
        call_command("keys_rotate")
    settings.DEFLECT_DATA_KEYS = []
    with pytest.raises(DataKeyError, match="No data key"):
        Person.objects.get(pk=rachel.pk)


def test_a_wrong_key_or_a_moved_value_does_not_decrypt(world, settings):
    consent = ConsentFactory(information=INFORMATION)
    sealed = _raw(Consent, "information", consent.pk)
    with connection.cursor() as cursor:  # copied into another column of the same row
        cursor.execute(
            "UPDATE people_consent SET revocation_note = %s WHERE id = %s", [sealed, consent.pk]
        )
    with pytest.raises(DataKeyError, match="does not decrypt"):
        Consent.objects.get(pk=consent.pk)
    with pytest.raises(DataKeyError, match="not valid base64|32 bytes"):
        parse_key("short")


def test_the_migration_encrypts_rows_written_before_it(world):
    rachel = _rachel(world)
    with connection.cursor() as cursor:  # as the row stood before encryption
        cursor.execute(
            "UPDATE people_person SET phone = %s, phone_digest = '', phone_tail_digest = '' "
            "WHERE id = %s",
            [PHONE, rachel.pk],
        )
    assert Person.objects.get(pk=rachel.pk).phone == PHONE  # legacy plaintext still reads
    assert not _found(world, phone=PHONE)
    forward, _ = crypto.sealing_operations(
        "people",
        "Person",
        derived={"Person": crypto.DERIVED_COLUMNS["people.person"]},
    )
    forward(django_apps, None)
    assert _raw(Person, "phone", rachel.pk).startswith(PREFIX)
    assert Person.objects.get(pk=rachel.pk).phone == PHONE
    assert _found(world, phone=PHONE)


def test_every_encrypted_column_of_the_demo_county_is_sealed():
    call_command("demo", "--no-migrate")
    seen = 0
    for model in crypto.encrypted_models():
        for field in crypto.encrypted_fields(model):
            for pk, value in model._base_manager.values_list("pk", field.name):
                if value in (None, "", [], {}):
                    continue
                raw = _raw(model, field.name, pk)
                assert raw.startswith(PREFIX), (model, field.name)
                text = value if isinstance(value, str) else str(value[0])
                assert text not in raw
                seen += 1
    names = {
        (m._meta.label, f.name)
        for m in crypto.encrypted_models()
        for f in crypto.encrypted_fields(m)
    }
    assert {
        ("cases.CaseNote", "text"),
        ("referrals.Referral", "intake_note"),
        ("screening.NeedsScreening", "substances"),
        ("people.Consent", "information"),
        ("people.Person", "phone"),
    } <= names
    assert seen > 50
