"""Importing EMS reports: all or nothing per file, idempotent, linked to people, and the
post-overdose follow-up started exactly once."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed
from deflect.followups.models import FollowUp, Trigger
from deflect.people.models import Person
from deflect.people.services import person_create
from deflect.surveillance.models import OverdoseEvent, Source
from deflect.surveillance.services import ems_import_file, overdose_identify

DATA = Path(__file__).parent / "data" / "nemsis"
pytestmark = pytest.mark.django_db


def _import(world, name, **kwargs):
    return ems_import_file(
        actor=dangerously_as_system("imports"), program=world.program, path=DATA / name, **kwargs
    )


def test_a_non_fatal_overdose_lands_in_the_follow_up_queue(world):
    result = _import(world, "naloxone_improved.xml")
    assert (result.created, result.people_created, result.followups_started) == (1, 1, 1)
    event = OverdoseEvent.objects.get()
    assert event.source == Source.EMS and event.program == world.program
    assert event.naloxone_doses == 2
    assert event.naloxone_given_by == ["law_enforcement", "ems"]
    assert event.naloxone_response == "improved"
    assert event.scene_zip == "22209" and event.h3_cell
    assert event.scene_address == "1500 Wilson Blvd, Marlow, VA, 22209"
    person = event.person
    assert (person.first_name, person.last_name, str(person.date_of_birth)) == (
        "Daniel",
        "Rivera",
        "1990-04-02",
    )
    assert person.program == world.program
    followups = FollowUp.objects.filter(person=person)
    assert followups.exists()
    assert {f.trigger for f in followups} == {Trigger.NONFATAL_OVERDOSE}
    assert all(f.anchor_at == event.occurred_at for f in followups)
    assert event.followup_started_at is not None
    assert AuditEvent.objects.filter(action="surveillance.import").count() == 1


def test_reimporting_adds_nothing_and_the_follow_up_starts_once(world):
    _import(world, "naloxone_improved.xml")
    first = FollowUp.objects.count()
    again = _import(world, "naloxone_improved.xml")
    assert (again.created, again.already_imported, again.followups_started) == (0, 1, 0)
    assert OverdoseEvent.objects.count() == 1
    assert Person.objects.count() == 1
    assert FollowUp.objects.count() == first


def test_the_person_lookup_finds_someone_already_known(world):
    known = person_create(
        actor=dangerously_as_system("tests"),
        program=world.program,
        first_name="Maria",
        last_name="Lopez",
        date_of_birth="1985-09-14",
    )
    result = _import(world, "refused_transport.xml")
    assert (result.people_matched, result.people_created) == (1, 0)
    event = OverdoseEvent.objects.get()
    assert event.person == known
    assert event.refused_transport


def test_someone_of_another_program_is_not_linked(world):
    person_create(
        actor=dangerously_as_system("tests"),
        program=world.other_program,
        first_name="Maria",
        last_name="Lopez",
        date_of_birth="1985-09-14",
    )
    result = _import(world, "refused_transport.xml")
    assert result.people_created == 1
    assert OverdoseEvent.objects.get().person.program == world.program


def test_a_fatal_overdose_starts_no_follow_up(world):
    result = _import(world, "fatal.xml")
    assert (result.created, result.fatal, result.followups_started) == (1, 1, 0)
    assert OverdoseEvent.objects.get().fatal
    assert not FollowUp.objects.exists()


def test_a_report_that_is_not_an_overdose_adds_nothing(world):
    result = _import(world, "non_overdose.xml")
    assert (result.reports, result.not_overdose, result.created) == (1, 1, 0)
    assert not OverdoseEvent.objects.exists() and not Person.objects.exists()


def test_a_bad_file_imports_nothing(world):
    with pytest.raises(ValidationFailed) as raised:
        _import(world, "malformed.xml")
    assert raised.value.code == "surveillance_import_invalid"
    assert "eTimes.01" in raised.value.fields
    assert "nothing from this file was imported" in raised.value.message
    # The first report was a valid overdose; it is not kept, nor its person.
    assert not OverdoseEvent.objects.exists()
    assert not Person.objects.exists()
    assert not FollowUp.objects.exists()


def test_a_dry_run_counts_and_saves_nothing(world):
    result = _import(world, "naloxone_improved.xml", dry_run=True)
    assert (result.created, result.followups_started) == (1, 1)
    assert not OverdoseEvent.objects.exists() and not FollowUp.objects.exists()


def test_the_xsd_is_applied_when_configured(world, settings, tmp_path):
    xsd = tmp_path / "EMSDataSet_v3.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="http://www.nemsis.org" elementFormDefault="qualified">'
        '<xs:element name="EMSDataSet"><xs:complexType><xs:sequence>'
        '<xs:element name="Header"><xs:complexType><xs:sequence>'
        '<xs:element name="DemographicGroup" minOccurs="1" maxOccurs="1">'
        '<xs:complexType><xs:sequence><xs:any processContents="skip" maxOccurs="unbounded"/>'
        "</xs:sequence></xs:complexType></xs:element>"
        '<xs:any processContents="skip" maxOccurs="unbounded"/>'
        "</xs:sequence></xs:complexType></xs:element>"
        "</xs:sequence></xs:complexType></xs:element></xs:schema>"
    )
    settings.DEFLECT_NEMSIS_XSD = str(xsd)
    assert _import(world, "naloxone_improved.xml").created == 1  # has a DemographicGroup
    with pytest.raises(ValidationFailed) as raised:
        _import(world, "fatal.xml")  # has none
    assert "PatientCareReport" in raised.value.fields
    assert OverdoseEvent.objects.count() == 1


def test_an_unidentified_survivor_is_followed_up_once_identified(world):
    result = _import(world, "unidentified.xml")
    assert (result.unidentified, result.followups_started) == (1, 0)
    event = OverdoseEvent.objects.get()
    assert event.person is None and not FollowUp.objects.exists()
    person = person_create(
        actor=dangerously_as_system("tests"),
        program=world.program,
        first_name="Sam",
        last_name="Ortiz",
    )
    overdose_identify(actor=world.coordinator, event=event, person=person)
    count = FollowUp.objects.filter(person=person).count()
    assert count > 0
    assert AuditEvent.objects.filter(action="surveillance.identify").count() == 1
    # Re-importing the report later changes nothing, and starts nothing again.
    _import(world, "unidentified.xml")
    assert FollowUp.objects.filter(person=person).count() == count


def test_the_command_imports_a_folder_and_refuses_bad_files(world, tmp_path):
    for name in ("naloxone_improved.xml", "fatal.xml", "malformed.xml"):
        shutil.copy(DATA / name, tmp_path / name)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("ems_import", str(tmp_path), program=world.program.pk, stdout=out, stderr=err)
    assert "malformed.xml: refused" in err.getvalue() and "eTimes.01" in err.getvalue()
    assert OverdoseEvent.objects.count() == 2  # the good files are in
    call_command("ems_import", str(tmp_path / "fatal.xml"), program=world.program.pk, stdout=out)
    assert "already_imported 1" in out.getvalue()
    assert OverdoseEvent.objects.count() == 2
