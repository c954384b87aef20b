"""Reading dispatch (CAD) and police records (RMS) exports: a CSV file and a column mapping
file (JSON) that names, for each field deflect reads, the export's column. Plain values out,
no database. Every cell read is checked; the first bad one raises ``CadError`` naming the row
and the column.

A mapping file::

    {
      "incident_id": "Incident Number",     # required
      "call_type": "Nature Code",           # required
      "time": "Call Received",              # required
      "time_format": "%m/%d/%Y %H:%M",      # optional; default ISO 8601
      "latitude": "Lat", "longitude": "Lon",
      "address": "Location", "zip": "Zip", "beat": "Beat",
      "disposition": "Disposition", "unit": "Primary Unit",
      "fatal_dispositions": ["DOA", "DECEASED"]
    }

Times without an offset are read in the program's time zone (``TIME_ZONE``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

REQUIRED = ("incident_id", "call_type", "time")
OPTIONAL = ("latitude", "longitude", "address", "zip", "beat", "disposition", "unit")
MAX_BYTES = 200 * 1024 * 1024
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")


class CadError(ValueError):
    def __init__(self, message: str, *, column: str = "", row: int | None = None):
        where = f"row {row}" if row is not None else ""
        where = f"{where} {column}".strip()
        super().__init__(f"{where}: {message}" if where else message)
        self.column = column or "file"
        self.row = row


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    time_format: str
    fatal_dispositions: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CadError(f"the mapping file cannot be read ({error})", column="mapping") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> Mapping:
        if not isinstance(data, dict):
            raise CadError("the mapping is not a JSON object", column="mapping")
        known = {*REQUIRED, *OPTIONAL, "time_format", "fatal_dispositions"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CadError(f"unknown keys {', '.join(unknown)}", column="mapping")
        columns: dict[str, str] = {}
        for name in (*REQUIRED, *OPTIONAL):
            value = data.get(name)
            if value is None:
                if name in REQUIRED:
                    raise CadError(f"names no column for {name}", column="mapping")
                continue
            if not isinstance(value, str) or not value.strip():
                raise CadError(f"{name} must name a column", column="mapping")
            columns[name] = value.strip()
        fatal = data.get("fatal_dispositions", [])
        if not isinstance(fatal, list) or not all(isinstance(v, str) for v in fatal):
            raise CadError("fatal_dispositions must be a list of words", column="mapping")
        time_format = data.get("time_format", "")
        if not isinstance(time_format, str):
            raise CadError("time_format must be a strptime format", column="mapping")
        return cls(columns, time_format, frozenset(v.strip().upper() for v in fatal))


@dataclass(frozen=True)
class Call:
    row: int
    incident_id: str
    call_type: str
    occurred_at: dt.datetime
    latitude: Decimal | None
    longitude: Decimal | None
    address: str
    zip: str
    beat: str
    disposition: str
    unit: str
    fatal: bool


def _cell(record: dict, mapping: Mapping, name: str, row: int, limit: int = 300) -> str:
    column = mapping.columns.get(name)
    if column is None:
        return ""
    value = (record.get(column) or "").strip()
    if len(value) > limit:
        raise CadError(f"longer than {limit} characters", column=column, row=row)
    return value


def _time(value: str, mapping: Mapping, row: int, tz: dt.tzinfo) -> dt.datetime:
    column = mapping.columns["time"]
    if not value:
        raise CadError("no time", column=column, row=row)
    try:
        if mapping.time_format:
            parsed = dt.datetime.strptime(value, mapping.time_format)  # noqa: DTZ007 - zone below
        else:
            parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CadError(f"{value!r} is not a date and time", column=column, row=row) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _coordinate(value: str, column: str, row: int, bound: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CadError(f"{value!r} is not a number", column=column, row=row) from None
    if not number.is_finite() or not -bound <= number <= bound:
        raise CadError(f"{value!r} is out of range", column=column, row=row)
    return number.quantize(Decimal("0.000001"))


def read_calls(path: Path, mapping: Mapping, tz: dt.tzinfo) -> Iterator[Call]:
    """Every row of the export, checked; raises ``CadError`` at the first bad cell."""
    if path.stat().st_size > MAX_BYTES:
        raise CadError("the file is larger than 200 MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CadError("the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in mapping.columns.values() if c not in header]
    if missing:
        raise CadError(f"the export has no column {missing[0]!r}", column=missing[0], row=1)
    try:
        for row, record in enumerate(reader, start=2):
            if None in record:
                raise CadError("more cells than columns", row=row)
            yield _call(record, mapping, row, tz)
    except csv.Error as error:
        raise CadError(f"not a CSV file ({error})") from None


def _call(record: dict, mapping: Mapping, row: int, tz: dt.tzinfo) -> Call:
    incident = _cell(record, mapping, "incident_id", row, 80)
    if not incident:
        raise CadError("no incident number", column=mapping.columns["incident_id"], row=row)
    call_type = _cell(record, mapping, "call_type", row, 80)
    if not call_type:
        raise CadError("no call type", column=mapping.columns["call_type"], row=row)
    zip_code = _cell(record, mapping, "zip", row)
    if zip_code and not _ZIP.match(zip_code):
        raise CadError(f"{zip_code!r} is not a ZIP code", column=mapping.columns["zip"], row=row)
    lat = _coordinate(
        _cell(record, mapping, "latitude", row), mapping.columns.get("latitude", ""), row, 90
    )
    lon = _coordinate(
        _cell(record, mapping, "longitude", row), mapping.columns.get("longitude", ""), row, 180
    )
    if (lat is None) != (lon is None):
        raise CadError("a latitude without a longitude, or the reverse", row=row)
    disposition = _cell(record, mapping, "disposition", row, 80)
    return Call(
        row=row,
        incident_id=incident,
        call_type=call_type,
        occurred_at=_time(_cell(record, mapping, "time", row), mapping, row, tz),
        latitude=lat,
        longitude=lon,
        address=_cell(record, mapping, "address", row),
        zip=zip_code[:5],
        beat=_cell(record, mapping, "beat", row, 40),
        disposition=disposition,
        unit=_cell(record, mapping, "unit", row, 40),
        fatal=disposition.upper() in mapping.fatal_dispositions,
    )
