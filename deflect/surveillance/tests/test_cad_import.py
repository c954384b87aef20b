"""Dispatch (CAD/RMS) CSV import through a column mapping: the program's call types decide what
is an overdose; all or nothing per file; a re-import adds nothing."""

import datetime as dt
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.core.errors import ValidationFailed
from deflect.surveillance.cad import CadError, Mapping
from deflect.surveillance.models import OverdoseEvent, Source
from deflect.surveillance.services import cad_import_file, surveillance_settings_update

DATA = Path(__file__).parent / "data" / "cad"
pytestmark = pytest.mark.django_db


@pytest.fixture
def call_types(world):
    surveillance_settings_update(
        actor=world.coordinator,
        program=world.program,
        overdose_call_types=["OD", "OVERDOSE"],
        behavioral_call_types=["MENTAL"],
    )


def _import(world, path=DATA / "calls.csv", **kwargs):
    return cad_import_file(
        actor=dangerously_as_system("imports"),
        program=world.program,
        path=path,
        mapping=Mapping.load(DATA / "mapping.json"),
        **kwargs,
    )


def test_overdose_calls_become_events(world, settings, call_types):
    settings.TIME_ZONE = "America/New_York"
    result = _import(world)
    assert (result.rows, result.overdose_calls, result.behavioral_calls, result.other_calls) == (
        4,
        2,
        1,
        1,
    )
    events = {e.external_id: e for e in OverdoseEvent.objects.all()}
    assert set(events) == {"C26-110001", "C26-110003"}
    first = events["C26-110001"]
    assert first.source == Source.CAD and first.person is None
    assert first.occurred_at == dt.datetime(
        2026, 11, 30, 1, 12, tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    assert (first.scene_zip, first.beat, first.unit, first.call_type) == (
        "22209",
        "B3",
        "M104",
        "OD",
    )
    assert first.h3_cell and not first.fatal
    assert events["C26-110003"].fatal  # DOA is a fatal disposition in the mapping
    again = _import(world)
    assert (again.created, again.already_imported) == (0, 2)
    assert OverdoseEvent.objects.count() == 2


def test_a_bad_cell_imports_nothing(world, tmp_path, call_types):
    bad = tmp_path / "calls.csv"
    lines = (DATA / "calls.csv").read_text().splitlines()
    lines[3] = lines[3].replace("11/30/2026 03:05", "30/11/2026 03:05")
    bad.write_text("\n".join(lines))
    with pytest.raises(ValidationFailed) as raised:
        _import(world, path=bad)
    assert "Call Received" in raised.value.fields
    assert "row 4" in raised.value.message
    assert not OverdoseEvent.objects.exists()


def test_a_missing_column_and_a_bad_mapping_are_named(world, tmp_path, call_types):
    short = tmp_path / "calls.csv"
    short.write_text("Incident Number,Nature Code\nC1,OD\n")
    with pytest.raises(ValidationFailed) as raised:
        _import(world, path=short)
    assert "Call Received" in raised.value.fields
    with pytest.raises(CadError) as error:
        Mapping.from_dict({"incident_id": "A", "call_type": "B"})
    assert "time" in str(error.value)
    with pytest.raises(CadError):
        Mapping.from_dict({"incident_id": "A", "call_type": "B", "time": "C", "colour": "D"})


def test_call_types_must_be_set_first(world):
    with pytest.raises(ValidationFailed) as raised:
        _import(world)
    assert "overdose_call_types" in raised.value.fields


def test_the_command(world, call_types):
    out = StringIO()
    call_command(
        "cad_import",
        str(DATA / "calls.csv"),
        mapping=DATA / "mapping.json",
        program=world.program.pk,
        dry_run=True,
        stdout=out,
    )
    assert "[dry run]" in out.getvalue() and "created 2" in out.getvalue()
    assert not OverdoseEvent.objects.exists()
    with pytest.raises(CommandError):
        call_command(
            "cad_import",
            str(DATA / "mapping.json"),
            mapping=DATA / "mapping.json",
            program=world.program.pk,
            stdout=out,
        )
