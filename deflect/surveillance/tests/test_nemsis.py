"""Reading NEMSIS 3.5 reports and the opioid overdose case definition (no database)."""

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from deflect.surveillance import nemsis

DATA = Path(__file__).parent / "data" / "nemsis"


def _one(name):
    reports = list(nemsis.read_file(DATA / name))
    assert len(reports) == 1
    return reports[0]


def test_naloxone_that_improved_the_patient_meets_the_case_definition():
    report = _one("naloxone_improved.xml")
    assert report.uuid == uuid.UUID("5b0f6a2e-2d0e-4c56-9a43-1b7f0d2c9a01")
    assert not report.opioid_situation  # R40.20: unconscious, not an opioid code
    assert report.naloxone_improved and report.is_opioid_overdose
    assert report.occurred_at == dt.datetime(
        2026, 11, 30, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    # The third medication (RxNorm 4337, fentanyl) is not naloxone and is not counted.
    assert [(d.given_by, d.prior_to_care, d.response) for d in report.naloxone] == [
        ("law_enforcement", True, "unchanged"),
        ("ems", False, "improved"),
    ]
    assert report.naloxone_response == "improved"
    assert (report.first_name, report.last_name) == ("Daniel", "Rivera")
    assert report.date_of_birth == dt.date(1990, 4, 2)
    assert (report.gender, report.race) == ("man", "white")
    assert report.latitude == Decimal("38.887310") and report.longitude == Decimal("-77.094690")
    assert report.scene_zip == "22209"
    assert report.patient_address == "1408 N Garfield St, Marlow, VA, 22201"
    assert not report.fatal and not report.refused_transport


def test_refused_transport_and_two_races():
    report = _one("refused_transport.xml")
    assert report.opioid_situation
    assert report.refused_transport
    assert set(report.disposition_codes) == {"4228003", "4230013", "4231001"}
    assert (report.race, report.ethnicity, report.gender) == ("white", "hispanic_latino", "woman")


def test_fatal_and_non_overdose():
    fatal = _one("fatal.xml")
    assert fatal.fatal and fatal.is_opioid_overdose
    other = _one("non_overdose.xml")
    assert not other.is_opioid_overdose  # a hip fracture; the medication is not naloxone
    assert other.naloxone == ()


def test_unidentified_patient():
    report = _one("unidentified.xml")
    assert report.is_opioid_overdose and not report.identified
    assert report.refused_transport


@pytest.mark.parametrize(
    ("code", "opioid"),
    [
        ("F11.220", True),
        ("F11920", True),
        ("T40.0X1A", True),
        ("T40.411A", True),
        ("T40.4X1A", True),
        ("T40.601A", True),
        ("T40.691A", True),
        ("T40.5X1A", False),  # cocaine
        ("T40.7X1A", False),  # cannabis
        ("T42.4X1A", False),  # benzodiazepines
        ("F10.129", False),
    ],
)
def test_situation_codes(code, opioid):
    assert nemsis.is_opioid_code(code) is opioid


def test_a_bad_element_is_named():
    with pytest.raises(nemsis.NemsisError) as raised:
        list(nemsis.read_file(DATA / "malformed.xml"))
    assert raised.value.element == "eTimes.01"
    assert "PatientCareReport 2" in str(raised.value)
    assert "'last night' is not a date and time" in str(raised.value)


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "file.xml"
    path.write_text(body, encoding="utf-8")
    return path


PCR = """<EMSDataSet xmlns="http://www.nemsis.org"><Header>
<PatientCareReport UUID="{uuid}"><eTimes><eTimes.01>{time}</eTimes.01></eTimes>{more}
</PatientCareReport></Header></EMSDataSet>"""


@pytest.mark.parametrize(
    ("fields", "element"),
    [
        ({"uuid": "not-a-uuid"}, "PatientCareReport@UUID"),
        ({"time": "2026-11-30T01:00:00"}, "eTimes.01"),  # no offset
        ({"more": "<eScene><eScene.11>91.0,10.0</eScene.11></eScene>"}, "eScene.11"),
        ({"more": "<eScene><eScene.19>2220</eScene.19></eScene>"}, "eScene.19"),
        ({"more": "<ePatient><ePatient.17>1990-13-01</ePatient.17></ePatient>"}, "ePatient.17"),
        ({"more": "<ePatient><ePatient.14>white</ePatient.14></ePatient>"}, "ePatient.14"),
        (
            {"more": "<eSituation><eSituation.11>opioids</eSituation.11></eSituation>"},
            "eSituation.11",
        ),
        (
            {
                "more": "<eMedications><eMedications.MedicationGroup><eMedications.03>7242"
                "</eMedications.03><eMedications.07>9916999</eMedications.07>"
                "</eMedications.MedicationGroup></eMedications>"
            },
            "eMedications.07",
        ),
        ({"more": "<eArrest><eArrest.18>expired</eArrest.18></eArrest>"}, "eArrest.18"),
    ],
)
def test_every_element_read_is_checked(tmp_path, fields, element):
    values = {"uuid": str(uuid.uuid4()), "time": "2026-11-30T01:00:00-05:00", "more": ""}
    path = _write(tmp_path, PCR.format(**{**values, **fields}))
    with pytest.raises(nemsis.NemsisError) as raised:
        list(nemsis.read_file(path))
    assert raised.value.element == element


def test_entities_and_doctypes_are_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE EMSDataSet [<!ENTITY a "aaaa">]>'
        '<EMSDataSet xmlns="http://www.nemsis.org">&a;</EMSDataSet>'
    )
    with pytest.raises(nemsis.NemsisError):
        list(nemsis.read_file(_write(tmp_path, bomb)))


def test_not_xml_and_not_an_ems_dataset(tmp_path):
    with pytest.raises(nemsis.NemsisError) as raised:
        list(nemsis.read_file(_write(tmp_path, "<EMSDataSet><Header>")))
    assert raised.value.element == "EMSDataSet"
    with pytest.raises(nemsis.NemsisError) as raised:
        list(nemsis.read_file(_write(tmp_path, "<DEMDataSet/>")))
    assert raised.value.element == "DEMDataSet"


XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.nemsis.org"
  xmlns="http://www.nemsis.org" elementFormDefault="qualified">
  <xs:element name="EMSDataSet"><xs:complexType><xs:sequence>
    <xs:element name="Header" minOccurs="0"><xs:complexType><xs:sequence>
      <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


def test_schema_validation_names_the_element(tmp_path):
    xsd = tmp_path / "schema.xsd"
    xsd.write_text(XSD)
    nemsis.validate_schema(DATA / "fatal.xml", xsd)  # passes the (reduced) schema
    bad = _write(tmp_path, '<EMSDataSet xmlns="http://www.nemsis.org"><Body/></EMSDataSet>')
    with pytest.raises(nemsis.NemsisError) as raised:
        nemsis.validate_schema(bad, xsd)
    assert raised.value.element == "Body"
