"""HSDS 3.0 import and export: round trip, schema shapes, errors, dry runs, duplicates."""

import copy
import json
import uuid
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deflect.accounts.system import dangerously_as_system
from deflect.audit.models import AuditEvent
from deflect.resources import hsds
from deflect.resources.exchange.dataset import ImportFailed
from deflect.resources.exchange.export import export_json, export_rows, export_to
from deflect.resources.exchange.importing import import_file
from deflect.resources.exchange.template import template_csv
from deflect.resources.models import Attribute, MatchEntry, Organization, Schedule, Service

pytestmark = pytest.mark.django_db

ORG = "0fdfb57f-c147-4cfb-864c-44788a335d8c"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
SERVICE_2 = "5b2c1b8c-6f0e-4a4e-9a52-1b5d3f5f3c11"
LOCATION = "7587f72e-11ff-4e02-95c2-f13f8f48f830"
TAXONOMY = "2b6a4c8e-8b5f-4c1f-8a3e-4d3c2b1a0f99"
TERM = "8f2d7e4a-7a3b-4e0c-9d51-0c1e2f3a4b5c"


def other_system_dataset() -> dict:
    """A page of compiled services as another HSDS 3.0 system would publish it, with fields
    deflect does not keep (tax_status, contacts, wait_time) that must be ignored."""
    location = {
        "id": LOCATION,
        "location_type": "physical",
        "organization_id": ORG,
        "name": "Main office",
        "latitude": 39.3,
        "longitude": -76.6,
        "addresses": [
            {
                "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                "location_id": LOCATION,
                "address_1": "1 Harbor Way",
                "city": "Marlow",
                "state_province": "MD",
                "postal_code": "21201",
                "country": "US",
                "address_type": "physical",
            }
        ],
        "accessibility": [
            {
                "id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                "location_id": LOCATION,
                "description": "Step-free entrance.",
            }
        ],
        "phones": [],
        "schedules": [],
        "languages": [],
        "attributes": [],
    }
    organization = {
        "id": ORG,
        "name": "Harbor Counseling",
        "description": "Community counseling.",
        "website": "https://harbor.example",
        "tax_status": "501(c)(3)",
        "contacts": [],
        "phones": [],
        "funding": [
            {
                "id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
                "organization_id": ORG,
                "source": "County",
            }
        ],
        "attributes": [],
    }

    def service(sid, name, term):
        return {
            "id": sid,
            "organization_id": ORG,
            "name": name,
            "description": f"{name} for adults.",
            "status": "active",
            "minimum_age": 18,
            "eligibility_description": "Adults in the county.",
            "assured_date": "2026-01-15",
            "wait_time": "two days",
            "organization": organization,
            "phones": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, sid)),
                    "service_id": sid,
                    "number": "555-0100",
                    "languages": [],
                }
            ],
            "schedules": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, sid)),
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "byday": "MO,TU,WE,TH,FR",
                    "opens_at": "09:00",
                    "closes_at": "17:00",
                    "timezone": -5,
                }
            ],
            "service_areas": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_OID, sid)),
                    "service_id": sid,
                    "name": "Marlow County",
                    "extent_type": "text",
                }
            ],
            "cost_options": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_X500, sid)),
                    "service_id": sid,
                    "option": "Sliding fee",
                    "currency": "USD",
                    "amount": 20.5,
                }
            ],
            "languages": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, sid + "es")),
                    "service_id": sid,
                    "name": "Spanish",
                    "code": "es",
                }
            ],
            "funding": [],
            "attributes": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, sid + "attr")),
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": term["id"],
                    "taxonomy_term": term,
                }
            ],
            "service_at_locations": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, sid + "sal")),
                    "service_id": sid,
                    "location_id": LOCATION,
                    "phones": [],
                    "schedules": [],
                    "attributes": [],
                    "location": location,
                }
            ],
        }

    term = {
        "id": TERM,
        "code": "outpatient",
        "name": "Outpatient",
        "description": "Outpatient treatment",
        "taxonomy_id": TAXONOMY,
        "taxonomy_detail": {"id": TAXONOMY, "name": "Their taxonomy", "description": "Theirs"},
    }
    services = [service(SERVICE, "Counseling", term), service(SERVICE_2, "Group therapy", term)]
    return {
        "total_items": 2,
        "total_pages": 1,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": services,
    }


def _known(table: str, obj):
    """Only what HSDS fields deflect keeps, nested the same way, lists sorted by id."""
    if isinstance(obj, list):
        return sorted((_known(table, o) for o in obj), key=lambda o: o.get("id", ""))
    out = {k: v for k, v in obj.items() if k in hsds.TABLES[table].fields}
    nested = dict(hsds.NESTED.get(table, {}))
    extra = {
        "service": {"organization": "organization"},
        "service_at_location": {"location": "location"},
        "attribute": {"taxonomy_term": "taxonomy_term"},
        "taxonomy_term": {"taxonomy_detail": "taxonomy"},
    }.get(table, {})
    for key, (child, _, _) in nested.items():
        if obj.get(key):
            out[key] = _known(child, obj[key])
    for key, child in extra.items():
        if obj.get(key):
            out[key] = _known(child, obj[key])
    return out


def test_import_then_export_gives_back_the_dataset(tmp_path):
    source = other_system_dataset()
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(source))
    report = import_file(path, actor=dangerously_as_system("tests"))
    assert report.created["service"] == 2 and report.created["organization"] == 1
    exported = export_json()
    assert exported["total_items"] == 2
    theirs = {s["id"]: _known("service", s) for s in source["contents"]}
    ours = {s["id"]: _known("service", s) for s in exported["contents"]}
    assert ours == theirs


def test_the_export_has_the_hsds_shapes(directory):
    exported = export_json()
    assert exported["contents"], "the fixture directory is exported"
    problems = [p for s in exported["contents"] for p in hsds.validate_compiled(s, "service")]
    assert problems == []
    first = exported["contents"][0]
    assert {"id", "name", "status", "organization", "service_at_locations"} <= set(first)
    assert first["service_at_locations"][0]["location"]["addresses"][0]["country"] == "US"
    assert any(a["taxonomy_term"]["code"] for a in first["attributes"])


def test_times_with_an_offset_are_read_as_local_times(tmp_path):
    data = other_system_dataset()
    schedule = data["contents"][0]["schedules"][0]
    schedule["opens_at"], schedule["closes_at"] = "09:00-05:00", "17:00Z"
    path = tmp_path / "offset.json"
    path.write_text(json.dumps(data))
    import_file(path, actor=dangerously_as_system("tests"))

    stored = Schedule.objects.get(pk=schedule["id"])
    assert (stored.opens_at.isoformat(), stored.closes_at.isoformat()) == ("09:00:00", "17:00:00")
    assert float(stored.timezone) == -5


def test_the_validator_finds_what_breaks_the_specification():
    bad = {
        "id": "not-a-uuid",
        "name": "X",
        "status": "open",
        "email": "nobody",
        "organization": {"id": ORG, "name": "Org"},
        "service_at_locations": [{"id": str(uuid.uuid4()), "location": {"id": str(uuid.uuid4())}}],
    }
    problems = hsds.validate_compiled(bad)
    assert "service: id: must be a UUID" in problems
    assert any("status: must be one of active" in p for p in problems)
    assert "service: email: must be an email address" in problems
    assert "service.organization: description: is required" in problems
    assert "service.service_at_locations[0].location: location_type: is required" in problems


def test_tabular_package_round_trip(directory, tmp_path):
    export_to(tmp_path / "pkg.zip", "csv", actor=dangerously_as_system("tests"))
    with zipfile.ZipFile(tmp_path / "pkg.zip") as archive:
        names = set(archive.namelist())
        package = json.loads(archive.read("datapackage.json"))
    assert {"services.csv", "organizations.csv", "locations.csv", "datapackage.json"} <= names
    assert {r["path"] for r in package["resources"]} <= names
    before = export_rows()
    Organization.objects.all().delete()
    assert Service.objects.count() == 0
    import_file(tmp_path / "pkg.zip", actor=dangerously_as_system("tests"))
    assert export_rows() == before
    assert MatchEntry.objects.count() == 3


def test_errors_name_file_row_field_and_problem_and_nothing_is_written(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "organizations.csv").write_text(f"id,name,description\n{ORG},Harbor,Counseling\n")
    (folder / "services.csv").write_text(
        "id,organization_id,name,status\n"
        f"{SERVICE},{ORG},Counseling,active\n"
        f"{SERVICE_2},{ORG},,open\n"
        f"{uuid.uuid4()},{uuid.uuid4()},Ghost,active\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_file(folder, actor=dangerously_as_system("tests"))
    errors = failed.value.errors
    assert "services.csv row 3: name: is required" in errors
    assert any(e.startswith("services.csv row 3: status: must be one of active") for e in errors)
    assert any(e.startswith("services.csv row 4: organization_id: no organization") for e in errors)
    assert Organization.objects.count() == 0 and Service.objects.count() == 0


def test_json_errors_point_at_the_object(tmp_path):
    data = other_system_dataset()
    data["contents"][1]["phones"][0]["number"] = ""
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ImportFailed) as failed:
        import_file(path, actor=dangerously_as_system("tests"))
    assert failed.value.errors == ["d.json contents[1].phones[0]: number: is required"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ImportFailed) as failed:
        import_file(bad, actor=dangerously_as_system("tests"))
    assert failed.value.errors[0].startswith("bad.json: line 1, column 2: not valid JSON")


def test_a_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(other_system_dataset()))
    audit_before = AuditEvent.objects.count()
    report = import_file(path, dry_run=True, actor=dangerously_as_system("tests"))
    assert report.dry_run and report.created["service"] == 2
    assert Service.objects.count() == 0 and Attribute.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_likely_duplicates_are_reported_not_merged(directory, tmp_path):
    data = other_system_dataset()
    for service in data["contents"]:
        service["organization"]["name"] = "Eastside Clinic"
        address = service["service_at_locations"][0]["location"]["addresses"][0]
        address["address_1"] = "10 East St."
    path = tmp_path / "dupe.json"
    path.write_text(json.dumps(data))
    report = import_file(path, actor=dangerously_as_system("tests"))
    assert len(report.duplicates) == 1
    assert "Likely duplicate organization 'Eastside Clinic'" in report.duplicates[0]
    assert "already in the directory" in report.duplicates[0]
    assert Organization.objects.filter(name="Eastside Clinic").count() == 2


def test_importing_twice_updates_instead_of_duplicating(tmp_path):
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(other_system_dataset()))
    import_file(path, actor=dangerously_as_system("tests"))
    again = import_file(path, actor=dangerously_as_system("tests"))
    assert again.created["service"] == 0 and again.updated["service"] == 2
    assert Service.objects.count() == 2


def test_the_one_sheet_template_imports(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(template_csv())
    import_file(path, actor=dangerously_as_system("tests"))
    service = Service.objects.get(name="Buprenorphine clinic")
    entry = MatchEntry.objects.get(service=service)
    assert entry.hours.startswith("0:0800-1700") and ",es," in entry.languages
    broken = tmp_path / "broken.csv"
    rows = template_csv().replace("outpatient; buprenorphine", "outpatient; yoga")
    broken.write_text(rows.replace("MO-FR 08:00-17:00", "weekdays"))
    with pytest.raises(ImportFailed) as failed:
        import_file(broken, actor=dangerously_as_system("tests"))
    assert "broken.csv row 2: categories: unknown value 'yoga'" in failed.value.errors
    assert any("broken.csv row 2: hours: 'WEEKDAYS'" in e for e in failed.value.errors)


def test_the_command_line(tmp_path, capsys):
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(other_system_dataset()))
    call_command("resources_import", str(path), "--dry-run")
    assert "dry run, nothing written" in capsys.readouterr().out
    assert Service.objects.count() == 0
    call_command("resources_import", str(path))
    assert Service.objects.count() == 2
    capsys.readouterr()
    call_command("resources_export")
    assert json.loads(capsys.readouterr().out)["total_items"] == 2
    out = tmp_path / "out.json"
    call_command("resources_export", "--output", str(out))
    assert json.loads(out.read_text())["total_items"] == 2
    broken = copy.deepcopy(other_system_dataset())
    broken["contents"][0]["status"] = "closed"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("resources_import", str(bad))
    assert "bad.json contents[0]: status: must be one of" in capsys.readouterr().err
