"""Importing outside records: all or nothing, idempotent, every problem by line and column."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.audit.models import AuditEvent
from deflect.core.errors import ValidationFailed

from ..models import BatchStatus, ExternalRecord, ImportBatch
from ..services import import_begin, import_check_step, import_commit, records_import

pytestmark = pytest.mark.django_db

BOOKINGS = (
    "source_record_id,first_name,last_name,dob,phone,address,zip,event_at,event_type,"
    "released_at,charge,cell_block\n"
    "B1,Ana,Ruiz,1990-05-04,555-0101,12 Elm St,01234,2026-03-01T10:00,booking,"
    "2026-03-04T09:00,possession,C\n"
    "B2,Ben,Ortiz,,,,,2026-03-02 22:15,booking,,trespass,\n"
)


def _import(world, content, **kwargs):
    options = {"source": "county_jail", "kind": "jail_booking", "file_name": "b.csv"} | kwargs
    return records_import(
        actor=world.analyst, program=world.program, content=content.encode(), **options
    )


def test_the_analyst_imports_bookings_and_a_second_import_adds_nothing(world):
    batch = _import(world, BOOKINGS)
    assert batch.status == BatchStatus.DONE
    assert (batch.created_count, batch.existing_count) == (2, 0)
    ana = ExternalRecord.objects.get(source_record_id="B1")
    assert (ana.first_name, ana.last_name, ana.dob) == ("Ana", "Ruiz", dt.date(1990, 5, 4))
    assert ana.phone == "555-0101" and ana.address == "12 Elm St"
    assert ana.released_at - ana.event_at == dt.timedelta(days=2, hours=23)
    assert ana.extra == {"cell_block": "C"}
    assert ana.event_at.utcoffset() is not None

    again = _import(world, BOOKINGS)
    assert (again.created_count, again.existing_count) == (0, 2)
    assert ExternalRecord.objects.count() == 2
    assert AuditEvent.objects.filter(action="outcomes.import", extra__step="saved").count() == 2


def test_one_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(world):
    content = BOOKINGS + "B3,Cy,Lam,1990-13-45,,,,2026-03-05T10:00,booking,,,\n"
    content += "B4,Di,Moe,,,,,yesterday,booking,,,\n"
    batch = _import(world, content)
    assert batch.status == BatchStatus.FAILED
    assert batch.errors == [
        {"line": 4, "column": "dob", "message": "'1990-13-45' is not a date (YYYY-MM-DD)"},
        {
            "line": 5,
            "column": "event_at",
            "message": "'yesterday' is not a date and time (ISO 8601)",
        },
    ]
    assert not ExternalRecord.objects.exists()
    assert batch.content == ""


def test_a_repeated_record_id_in_one_file_is_refused(world):
    content = BOOKINGS + "B1,Ana,Ruiz,,,,,2026-03-09T10:00,booking,,,\n"
    batch = _import(world, content)
    assert batch.status == BatchStatus.FAILED
    assert batch.errors[0]["line"] == 4
    assert "first on line 2" in batch.errors[0]["message"]


def test_a_mapping_file_renames_columns_formats_and_values(world):
    content = (
        "DischargeNo,Given,Family,Born,Left,Why\n"
        "D1,Ana,Ruiz,05/04/1990,03/09/2026 14:30,Successful\n"
    )
    mapping = (
        '[columns]\nsource_record_id = "DischargeNo"\nfirst_name = "Given"\n'
        'last_name = "Family"\ndob = "Born"\nevent_at = "Left"\ndischarge_reason = "Why"\n'
        '[formats]\ndate = "%m/%d/%Y"\ndatetime = "%m/%d/%Y %H:%M"\n'
        '[values.discharge_reason]\n"Successful" = "completed"\n'
    )
    batch = _import(world, content, kind="treatment_discharge", mapping_text=mapping)
    assert batch.status == BatchStatus.DONE, batch.errors
    record = ExternalRecord.objects.get()
    assert record.dob == dt.date(1990, 5, 4)
    assert record.discharge_reason == "completed"
    assert timezone.localtime(record.event_at).hour == 14  # the program's zone


def test_a_mapped_column_is_named_as_the_file_names_it(world):
    content = "DischargeNo,Left,Why\nD1,2026-03-09,Maybe\n"
    mapping = (
        '[columns]\nsource_record_id = "DischargeNo"\nevent_at = "Left"\ndischarge_reason = "Why"\n'
    )
    batch = _import(world, content, kind="treatment_discharge", mapping_text=mapping)
    assert batch.errors == [
        {
            "line": 2,
            "column": "Why (discharge_reason)",
            "message": "'Maybe' is not one of completed, left, transferred, other",
        }
    ]


def test_a_missing_required_column_stops_the_import_before_it_starts(world):
    with pytest.raises(ValidationFailed) as raised:
        _import(world, "first_name,last_name\nAna,Ruiz\n")
    assert "the required column 'source_record_id' is missing" in str(raised.value.fields)
    assert not ImportBatch.objects.exists()


def test_a_dry_run_counts_without_writing(world):
    _import(world, BOOKINGS.split("B2")[0])  # B1 imported before
    batch = _import(world, BOOKINGS, dry_run=True)
    assert batch.status == BatchStatus.DONE and batch.dry_run
    assert (batch.created_count, batch.existing_count) == (1, 1)
    assert ExternalRecord.objects.count() == 1


def test_the_check_runs_in_chunks_and_records_progress(world):
    rows = "".join(f"R{i},,,,,,,2026-03-01T10:00,booking,,,\n" for i in range(7))
    batch = import_begin(
        actor=world.coordinator,
        program=world.program,
        source="jail",
        kind="jail_booking",
        content=(BOOKINGS.splitlines()[0] + "\n" + rows).encode(),
    )
    assert (batch.row_count, batch.progress) == (7, 0)
    batch = import_check_step(actor=world.coordinator, batch=batch, rows=3)
    assert (batch.progress, batch.checked) == (3, False)
    batch = import_check_step(actor=world.coordinator, batch=batch, rows=3)
    batch = import_check_step(actor=world.coordinator, batch=batch, rows=3)
    assert (batch.progress, batch.checked, batch.created_count) == (7, True, 7)
    assert not ExternalRecord.objects.exists()
    batch = import_commit(actor=world.coordinator, batch=batch)
    assert ExternalRecord.objects.count() == 7
    assert import_commit(actor=world.coordinator, batch=batch).created_count == 7
    assert ExternalRecord.objects.count() == 7


@pytest.mark.parametrize("persona", ["officer", "prosecutor", "provider", "case_manager"])
def test_only_analysts_and_coordinators_import(world, persona):
    with pytest.raises(PermissionDenied):
        records_import(
            actor=world.users[persona],
            program=world.program,
            source="jail",
            kind="jail_booking",
            content=BOOKINGS.encode(),
        )
    assert not ExternalRecord.objects.exists()


def test_the_command_imports_and_reports_bad_rows(world, tmp_path):
    world.other_program.is_active = False
    world.other_program.save()
    good = tmp_path / "bookings.csv"
    good.write_text(BOOKINGS)
    out = StringIO()
    call_command("records_import", str(good), source="jail", kind="jail_booking", stdout=out)
    assert "Imported: 2 new, 0 already imported" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(BOOKINGS.replace("2026-03-02 22:15", "soon"))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("records_import", str(bad), source="jail2", kind="jail_booking", stderr=err)
    assert "bad.csv: line 3, column event_at: 'soon' is not a date" in err.getvalue()
    assert ExternalRecord.objects.count() == 2
    assert ImportBatch.objects.filter(imported_by__username="system: imports").exists()


def test_the_system_actor_may_import(world):
    batch = records_import(
        actor=dangerously_as_system("tests"),
        program=world.program,
        source="jail",
        kind="jail_booking",
        content=BOOKINGS.encode(),
    )
    assert batch.created_count == 2
