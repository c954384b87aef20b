"""Reading NEMSIS 3.5 EMS patient care reports (an ``EMSDataSet`` file) and the opioid overdose
case definition. Plain values out, no database.

The file is parsed with defusedxml (no entities, no DTD, no network): the reports come from
outside. ``validate_schema`` checks the whole file against the official NEMSIS 3.5 XSD when the
operator has it (``DEFLECT_NEMSIS_XSD``); whether or not it does, every element this module
reads is checked here, and the first bad one raises ``NemsisError`` naming the report and the
element.

The codes (shared/STANDARDS.md, NEMSIS 3.5.1 data dictionary):

- situation: ``eSituation.11`` (primary impression) and ``eSituation.12`` (secondary), ICD-10-CM;
- naloxone: ``eMedications.03`` RxNorm 7242, 203192, 197117 (and the other naloxone RXCUIs
  below), its response ``eMedications.07`` and who gave it ``eMedications.10``;
- follow-up signals: ``eDisposition.28`` refused care, ``eDisposition.30`` refused/no
  transport, ``eDisposition.31`` reasons;
- death: ``eArrest.18`` expired in the field or in the ED.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET
from lxml import etree

NAMESPACE = "http://www.nemsis.org"

NALOXONE_RXCUI = frozenset({"7242", "203192", "197117", "1725059", "1725065", "1191250"})
RESPONSE = {"9916001": "improved", "9916003": "unchanged", "9916005": "worse"}
GIVEN_BY = {
    "9905047": "law_enforcement",
    "9905045": "lay_person",
    "9905049": "family",
    "9905051": "fire",
}
PRIOR_TO_CARE_YES = "9923003"
REFUSED_CARE = frozenset({"4228003", "4228007"})  # eDisposition.28
REFUSED_TRANSPORT = frozenset({"4230009", "4230013"})  # eDisposition.30
REFUSAL_REASONS = frozenset({"4231001", "4231007"})  # eDisposition.31
EXPIRED = frozenset({"3018001", "3018003"})  # eArrest.18
# ePatient.13 (gender, 3.4) and ePatient.25 (sex, 3.5): what Person.gender records.
SEX = {
    "9906001": "woman",
    "9906003": "man",
    "9919001": "woman",
    "9919003": "man",
}
RACE = {
    "2514001": "american_indian_alaska_native",
    "2514003": "asian",
    "2514005": "black",
    "2514009": "native_hawaiian_pacific_islander",
    "2514011": "white",
    "2514013": "middle_eastern_north_african",
}
HISPANIC = "2514007"
# eTimes read for when the overdose happened, in order of preference: PSAP call, unit
# notified, arrived on scene, arrived at patient.
TIME_ELEMENTS = ("eTimes.01", "eTimes.03", "eTimes.06", "eTimes.07")

_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
_GPS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
_CODE = re.compile(r"^\d{3,9}$")
_XSD_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


class NemsisError(ValueError):
    """A file or an element failed a check; ``element`` names it."""

    def __init__(self, message: str, *, element: str = "", report: str = ""):
        where = " ".join(part for part in (report, element) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.element = element
        self.report = report


@dataclass(frozen=True)
class Dose:
    given_at: dt.datetime | None
    rxcui: str
    route: str
    dose: str
    units: str
    response: str  # improved / unchanged / worse / unknown
    given_by: str  # GivenBy code
    prior_to_care: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "given_at": self.given_at.isoformat() if self.given_at else None,
            "rxcui": self.rxcui,
            "route": self.route,
            "dose": self.dose,
            "units": self.units,
            "response": self.response,
            "given_by": self.given_by,
            "prior_to_care": self.prior_to_care,
        }


@dataclass(frozen=True)
class Report:
    """What deflect takes from one PatientCareReport."""

    uuid: uuid.UUID
    pcr_number: str
    occurred_at: dt.datetime
    situation_codes: tuple[str, ...]
    naloxone: tuple[Dose, ...]
    disposition_codes: tuple[str, ...]
    fatal: bool
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    gender: str = "unknown"
    race: str = "unknown"
    ethnicity: str = "unknown"
    patient_address: str = ""
    scene_address: str = ""
    scene_zip: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def opioid_situation(self) -> bool:
        return any(is_opioid_code(code) for code in self.situation_codes)

    @property
    def naloxone_improved(self) -> bool:
        return any(d.response == "improved" for d in self.naloxone)

    @property
    def is_opioid_overdose(self) -> bool:
        """The case definition: an opioid situation code, or naloxone that improved them."""
        return self.opioid_situation or self.naloxone_improved

    @property
    def refused_transport(self) -> bool:
        return bool(set(self.disposition_codes) & (REFUSED_CARE | REFUSED_TRANSPORT))

    @property
    def naloxone_response(self) -> str:
        if not self.naloxone:
            return "not_given"
        for answer in ("improved", "unchanged", "worse"):
            if any(d.response == answer for d in self.naloxone):
                return answer
        return "unknown"

    @property
    def identified(self) -> bool:
        return bool(self.first_name or self.last_name)


def is_opioid_code(code: str) -> bool:
    """ICD-10-CM F11.*, T40.0–T40.4 and T40.60/T40.69 (with or without the dot)."""
    compact = code.replace(".", "").upper()
    if compact.startswith("F11"):
        return True
    if compact[:4] in {"T400", "T401", "T402", "T403", "T404"}:
        return True
    return compact[:5] in {"T4060", "T4069"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _descendants(element, name: str) -> list:
    return [node for node in element.iter() if _local(node.tag) == name]


class _Reader:
    """Checked reads of one PatientCareReport."""

    def __init__(self, element, label: str):
        self.element = element
        self.label = label

    def fail(self, name: str, message: str) -> NemsisError:
        return NemsisError(message, element=name, report=self.label)

    def texts(self, name: str, within=None) -> list[str]:
        out = []
        for node in _descendants(within if within is not None else self.element, name):
            if len(node):
                raise self.fail(name, "expected a value, found child elements")
            text = (node.text or "").strip()
            if text:
                if len(text) > 300:
                    raise self.fail(name, "longer than 300 characters")
                out.append(text)
        return out

    def text(self, name: str, within=None) -> str:
        values = self.texts(name, within)
        if len(values) > 1:
            raise self.fail(name, f"given {len(values)} times where one is allowed")
        return values[0] if values else ""

    def code(self, name: str, within=None, allowed: frozenset[str] | None = None) -> str:
        value = self.text(name, within)
        self._check_code(name, value, allowed)
        return value

    def codes(self, name: str) -> list[str]:
        values = self.texts(name)
        for value in values:
            self._check_code(name, value, None)
        return values

    def _check_code(self, name: str, value: str, allowed: frozenset[str] | None) -> None:
        if value and not _CODE.match(value):
            raise self.fail(name, f"{value!r} is not a NEMSIS code")
        if value and allowed is not None and value not in allowed:
            raise self.fail(name, f"{value!r} is not one of {', '.join(sorted(allowed))}")

    def datetime(self, name: str, within=None) -> dt.datetime | None:
        value = self.text(name, within)
        if not value:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(name, f"{value!r} is not a date and time") from None
        if parsed.tzinfo is None:
            raise self.fail(name, f"{value!r} has no time zone offset")
        return parsed

    def date(self, name: str) -> dt.date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            born = dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(name, f"{value!r} is not a date (YYYY-MM-DD)") from None
        if born.year < 1890:
            raise self.fail(name, f"{value!r} is before 1890")
        return born


def _uuid(element, label: str) -> uuid.UUID:
    value = (element.get("UUID") or "").strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NemsisError(
            f"UUID {value!r} is not a UUID", element="PatientCareReport@UUID", report=label
        ) from None


def _doses(reader: _Reader) -> list[Dose]:
    doses = []
    for group in _descendants(reader.element, "eMedications.MedicationGroup"):
        rxcui = reader.text("eMedications.03", group)
        if rxcui and not _CODE.match(rxcui):
            raise reader.fail("eMedications.03", f"{rxcui!r} is not an RxNorm code")
        if rxcui not in NALOXONE_RXCUI:
            continue
        response_code = reader.code("eMedications.07", group, frozenset(RESPONSE))
        given_by_code = reader.code("eMedications.10", group)
        prior = reader.code("eMedications.02", group, frozenset({"9923001", PRIOR_TO_CARE_YES}))
        dose = reader.text("eMedications.05", group)
        if dose:
            try:
                if Decimal(dose) <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                raise reader.fail("eMedications.05", f"{dose!r} is not a dose") from None
        doses.append(
            Dose(
                given_at=reader.datetime("eMedications.01", group),
                rxcui=rxcui,
                route=reader.code("eMedications.04", group),
                dose=dose,
                units=reader.code("eMedications.06", group),
                response=RESPONSE.get(response_code, "unknown"),
                given_by=GIVEN_BY.get(given_by_code, "ems"),
                prior_to_care=prior == PRIOR_TO_CARE_YES,
            )
        )
    return doses


def _scene(reader: _Reader) -> dict[str, Any]:
    out: dict[str, Any] = {"latitude": None, "longitude": None}
    gps = reader.text("eScene.11")
    if gps:
        match = _GPS.match(gps)
        if not match:
            raise reader.fail("eScene.11", f"{gps!r} is not 'latitude,longitude'")
        lat, lon = Decimal(match.group(1)), Decimal(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise reader.fail("eScene.11", f"{gps!r} is outside the globe")
        out["latitude"] = lat.quantize(Decimal("0.000001"))
        out["longitude"] = lon.quantize(Decimal("0.000001"))
    zip_code = reader.text("eScene.19")
    if zip_code and not _ZIP.match(zip_code):
        raise reader.fail("eScene.19", f"{zip_code!r} is not a ZIP code")
    out["scene_zip"] = zip_code[:5]
    parts = [reader.text(name) for name in ("eScene.15", "eScene.17", "eScene.18")]
    out["scene_address"] = ", ".join(p for p in [*parts, zip_code] if p)
    return out


def _patient(reader: _Reader) -> dict[str, Any]:
    races = reader.codes("ePatient.14")
    unknown_race = [r for r in races if r not in RACE and r != HISPANIC]
    if unknown_race:
        raise reader.fail("ePatient.14", f"{unknown_race[0]!r} is not a race code")
    named = [RACE[r] for r in races if r in RACE]
    sex = reader.code("ePatient.25") or reader.code("ePatient.13")
    zip_code = reader.text("ePatient.09")
    if zip_code and not _ZIP.match(zip_code):
        raise reader.fail("ePatient.09", f"{zip_code!r} is not a ZIP code")
    address = [reader.text(name) for name in ("ePatient.05", "ePatient.06", "ePatient.08")]
    born = reader.date("ePatient.17")
    return {
        "last_name": reader.text("ePatient.02"),
        "first_name": reader.text("ePatient.03"),
        "middle_name": reader.text("ePatient.04"),
        "date_of_birth": born,
        "gender": SEX.get(sex, "unknown"),
        "race": named[0] if len(named) == 1 else ("two_or_more" if named else "unknown"),
        "ethnicity": "hispanic_latino" if HISPANIC in races else "unknown",
        "patient_address": ", ".join(p for p in [*address, zip_code] if p),
    }


def read_report(element, index: int) -> Report:
    """One PatientCareReport, every element read checked."""
    label = f"PatientCareReport {index}"
    report_uuid = _uuid(element, label)
    label = f"PatientCareReport {index} ({report_uuid})"
    reader = _Reader(element, label)
    occurred_at = None
    for name in TIME_ELEMENTS:
        occurred_at = occurred_at or reader.datetime(name)
    if occurred_at is None:
        raise reader.fail("eTimes", "no call, dispatch or arrival time (eTimes.01/03/06/07)")
    situation = [*reader.texts("eSituation.11"), *reader.texts("eSituation.12")]
    for code in situation:
        if not _ICD10.match(code.upper()):
            raise reader.fail("eSituation.11", f"{code!r} is not an ICD-10-CM code")
    dispositions = [
        *reader.codes("eDisposition.28"),
        *reader.codes("eDisposition.30"),
        *reader.codes("eDisposition.31"),
    ]
    arrest_end = reader.codes("eArrest.18")
    patient = _patient(reader)
    if patient["date_of_birth"] and patient["date_of_birth"] > occurred_at.date():
        raise reader.fail("ePatient.17", "the birth date is after the call")
    return Report(
        uuid=report_uuid,
        pcr_number=reader.text("eRecord.01"),
        occurred_at=occurred_at,
        situation_codes=tuple(c.upper() for c in situation),
        naloxone=tuple(_doses(reader)),
        disposition_codes=tuple(dispositions),
        fatal=bool(set(arrest_end) & EXPIRED),
        **patient,
        **_scene(reader),
    )


def read_file(path: Path) -> Iterator[Report]:
    """Every PatientCareReport of an EMSDataSet file, in order; raises ``NemsisError`` at the
    first bad element (or if the file is not well-formed XML, or not an EMSDataSet)."""
    index = 0
    root_seen = False
    try:
        for event, element in SafeET.iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not root_seen:
                    root_seen = True
                    if _local(element.tag) != "EMSDataSet":
                        raise NemsisError(
                            f"the root element is {_local(element.tag)}, not EMSDataSet",
                            element=_local(element.tag),
                        )
                continue
            if _local(element.tag) == "PatientCareReport":
                index += 1
                yield read_report(element, index)
                element.clear()
    except SafeET.ParseError as error:
        raise NemsisError(f"not well-formed XML ({error})", element="EMSDataSet") from None
    except (ValueError, TypeError) as error:
        if isinstance(error, NemsisError):
            raise
        raise NemsisError(f"refused ({type(error).__name__}: {error})") from None
    if not root_seen:
        raise NemsisError("empty file", element="EMSDataSet")


def validate_schema(path: Path, xsd: Path) -> None:
    """Validate ``path`` against the NEMSIS XSD at ``xsd`` (lxml, no network, no entities)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        schema = etree.XMLSchema(etree.parse(str(xsd), parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as error:
        raise NemsisError(f"the NEMSIS XSD at {xsd} cannot be read ({error})") from None
    try:
        document = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        raise NemsisError(f"not well-formed XML ({error})", element="EMSDataSet") from None
    if not schema.validate(document):
        first = schema.error_log[0]
        named = _XSD_ELEMENT.search(first.message or "")
        element = named.group(1) if named else ""
        raise NemsisError(f"line {first.line}: {first.message}", element=element or "XSD")
