"""A directory file with bad content is refused with a message naming the file, the line or
row, and the column, and nothing is written: places off the planet, script links, negative
ages, a broken zip, a Latin-1 spreadsheet, a zip entry that climbs out of its folder."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.resources.exchange.dataset import ImportFailed
from deflect.resources.exchange.importing import import_file
from deflect.resources.exchange.template import TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE, template_csv
from deflect.resources.models import Location, Organization, Service

from .test_exchange import other_system_dataset

pytestmark = pytest.mark.django_db


def _sheet(tmp_path, name="sheet.csv", **changes) -> object:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({**TEMPLATE_EXAMPLE, **changes})
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _refused(path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_file(path, actor=dangerously_as_system("tests"))
    assert not Organization.objects.exists() and not Service.objects.exists()
    return failed.value.errors


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("latitude", "999", "latitude: must be between -90 and 90"),
        ("latitude", "-90.5", "latitude: must be between -90 and 90"),
        ("longitude", "181", "longitude: must be between -180 and 180"),
        ("latitude", "NaN", "latitude: must be a number (not NaN or Infinity)"),
        ("longitude", "Infinity", "longitude: must be a number (not NaN or Infinity)"),
        ("minimum_age", "-1", "minimum_age: must be between 0 and 150"),
        ("maximum_age", "99999999999999999999", "maximum_age: must be between 0 and 150"),
        ("website", "javascript:alert(1)", "url: must be a web address starting with http"),
        ("website", "data:text/html,hi", "url: must be a web address starting with http"),
        ("website", "ftp://example.org", "url: must be a web address starting with http"),
    ],
)
def test_a_template_row_out_of_range_is_refused_naming_row_and_column(
    tmp_path, column, value, problem
):
    errors = _refused(_sheet(tmp_path, **{column: value}))
    assert any(e.startswith("sheet.csv row 2: ") and problem in e for e in errors), errors


def test_a_plain_web_address_and_a_place_at_the_edge_are_fine(tmp_path):
    import_file(
        _sheet(tmp_path, website="HTTPS://example.org/a", latitude="-90", longitude="180"),
        actor=dangerously_as_system("tests"),
    )
    assert Location.objects.get().latitude == -90


def _compiled(tmp_path, **organization) -> object:
    data = other_system_dataset()
    data["contents"][0]["organization"].update(organization)
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(data))
    return path


def test_an_email_may_carry_mailto_but_no_other_scheme(tmp_path):
    errors = _refused(_compiled(tmp_path, email="javascript:alert@x.io"))
    assert any("organization: email: must be an email address" in e for e in errors), errors
    import_file(
        _compiled(tmp_path, email="mailto:intake@harbor.example"),
        actor=dangerously_as_system("tests"),
    )
    assert Organization.objects.get().email == "intake@harbor.example"


def test_a_json_text_with_a_nul_character_is_refused(tmp_path):
    errors = _refused(_compiled(tmp_path, name="Harbor\u0000Counseling"))
    assert any("organization: name: must not contain NUL characters" in e for e in errors)


def test_a_latin1_spreadsheet_names_the_line_and_column_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin.csv"
    text = template_csv().replace("Example Recovery", "Café Recovery")
    path.write_bytes(text.encode("latin-1"))
    errors = _refused(path)
    assert errors == [
        "latin.csv: line 2, column 4: byte 0xE9 is not UTF-8 text "
        "(save the file as CSV UTF-8 or JSON in UTF-8)"
    ]


def test_a_nul_byte_in_a_csv_names_its_line_and_column(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(template_csv().replace("1 Main St", "1 Ma\x00in").encode())
    errors = _refused(path)
    assert len(errors) == 1 and errors[0].startswith("nul.csv: line 2, column ")
    assert "NUL" in errors[0]


def test_a_cell_too_large_for_the_csv_reader_is_a_message_not_a_traceback(tmp_path):
    errors = _refused(_sheet(tmp_path, service_description="x" * 200_000))
    assert errors == ["sheet.csv: line 2: not valid CSV (field larger than field limit (131072))"]


def test_a_file_that_is_not_a_zip_is_named(tmp_path):
    path = tmp_path / "directory.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    errors = _refused(path)
    assert len(errors) == 1 and errors[0].startswith("directory.zip: not a readable .zip file")


def test_a_json_file_that_is_not_json_names_line_and_column(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{\n  "contents": [,]\n}')
    assert _refused(path) == ["d.json: line 2, column 16: not valid JSON (Expecting value)"]


@pytest.mark.parametrize(
    "entry", ["../../services.csv", "/tmp/services.csv", "a/../../services.csv", "C:/x.csv"]
)
def test_a_zip_entry_that_leaves_its_folder_is_refused_and_nothing_is_written(tmp_path, entry):
    inner = tmp_path / "inside" / "deeper"
    inner.mkdir(parents=True)
    path = inner / "package.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("organizations.csv", "id,name\n")
        archive.writestr(entry, "id,name\n")
    before = sorted(p for p in tmp_path.rglob("*"))
    errors = _refused(path)
    assert len(errors) == 1 and errors[0].startswith(f"package.zip: entry '{entry}': ")
    assert "absolute path" in errors[0] or "'..'" in errors[0]
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_the_command_says_what_is_wrong_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "directory.zip"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("resources_import", str(path))
    err = capsys.readouterr().err
    assert "directory.zip: not a readable .zip file" in err and "Traceback" not in err
    latin = tmp_path / "sheet.csv"
    latin.write_bytes(template_csv().replace("Main", "Mäin").encode("latin-1"))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("resources_import", str(latin))
    assert "sheet.csv: line 2, column" in capsys.readouterr().err
    sheet = _sheet(tmp_path, name="ages.csv", minimum_age="-5")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("resources_import", str(sheet))
    assert "ages.csv row 2: minimum_age: must be between 0 and 150" in capsys.readouterr().err
