"""Reading an outside system's CSV file into outside-record values: pure functions, no
database. A mapping file (TOML) renames the other system's columns to the standard ones and
may name the date formats it writes::

    [columns]                 # standard name = the file's column
    source_record_id = "BookingNo"
    event_at = "BookDate"
    released_at = "ReleaseDate"

    [formats]                 # strptime formats tried before ISO 8601
    date = "%m/%d/%Y"
    datetime = "%m/%d/%Y %H:%M"

    [values.discharge_reason] # the file's words for a choice = the standard value
    "Successful" = "completed"

Every problem is reported by line (the header is line 1) and column (the file's own name,
with the standard name beside it when they differ).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from .models import DischargeReason, RecordKind

IDENTIFIER_COLUMNS = (
    "first_name",
    "middle_name",
    "last_name",
    "dob",
    "sex",
    "race",
    "ethnicity",
    "phone",
    "address",
    "city",
    "zip",
)
STANDARD_COLUMNS = ("source_record_id", *IDENTIFIER_COLUMNS, "event_at", "event_type")
REQUIRED_COLUMNS = ("source_record_id", "event_at")
# The columns each kind adds to the standard ones.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    RecordKind.ARREST: ("charge", "disposition"),
    RecordKind.JAIL_BOOKING: ("released_at", "charge", "disposition"),
    RecordKind.EMS_OVERDOSE: ("fatal", "disposition"),
    RecordKind.ED_VISIT: ("disposition",),
    RecordKind.DEATH: ("fatal",),
    RecordKind.TREATMENT_ADMISSION: ("disposition",),
    RecordKind.TREATMENT_DISCHARGE: ("discharge_reason", "disposition"),
}
MAX_LENGTH = {
    "source_record_id": 128,
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "sex": 40,
    "race": 60,
    "ethnicity": 60,
    "phone": 40,
    "address": 200,
    "city": 100,
    "zip": 10,
    "event_type": 100,
    "charge": 200,
    "disposition": 200,
}
TRUE_WORDS = {"true", "t", "yes", "y", "1", "fatal"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "non-fatal", "nonfatal"}
MAX_ERRORS = 200
MAX_EXTRA_LENGTH = 500


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


class FileProblem(Exception):
    """The file or the mapping cannot be read at all (reported on line 1 or 0)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # standard -> file column
    date_formats: list[str] = field(default_factory=list)
    datetime_formats: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def mapping_parse(text: str) -> Mapping:
    """Read a mapping file; a mistake in it is a FileProblem on line 0."""
    if not (text or "").strip():
        return Mapping()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(
            [RowError(0, "", f"the mapping file is not valid TOML: {error}")]
        ) from None
    problems: list[RowError] = []
    known = set(STANDARD_COLUMNS) | {c for cols in KIND_COLUMNS.values() for c in cols}
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        columns = {}
        problems.append(RowError(0, "", '[columns] must be a table of name = "file column"'))
    for name, value in columns.items():
        if name not in known:
            problems.append(RowError(0, name, f"the mapping names an unknown column {name!r}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(RowError(0, name, "the mapping must name the file's column as text"))
    formats = data.get("formats", {})
    values = data.get("values", {})
    if problems:
        raise FileProblem(problems)
    return Mapping(
        columns={k: v.strip() for k, v in columns.items()},
        date_formats=[formats["date"]] if isinstance(formats.get("date"), str) else [],
        datetime_formats=[formats["datetime"]] if isinstance(formats.get("datetime"), str) else [],
        values={
            k: {str(a).strip().lower(): str(b) for a, b in v.items()}
            for k, v in values.items()
            if isinstance(v, dict)
        },
    )


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem([RowError(1, "", "the file is neither UTF-8 nor Windows-1252 text")])


@dataclass
class Reader:
    """The file's rows as standard values, with the header checked up front."""

    kind: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    file_column: dict[str, str]  # standard -> the file's column
    extra_columns: list[str]
    mapping: Mapping
    tz: dt.tzinfo

    def label(self, standard: str) -> str:
        column = self.file_column.get(standard, standard)
        return column if column == standard else f"{column} ({standard})"


def open_reader(text: str, *, kind: str, mapping: Mapping, tz: str) -> Reader:
    if kind not in RecordKind.values:
        raise FileProblem([RowError(0, "", f"unknown kind {kind!r}; one of {RecordKind.values}")])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise FileProblem([RowError(1, "", "the file is empty: no header line")])
    reader.fieldnames = header
    allowed = (*STANDARD_COLUMNS, *KIND_COLUMNS[kind])
    file_column = {name: mapping.columns.get(name, name) for name in allowed}
    problems = [
        RowError(1, file_column[name], f"the required column {file_column[name]!r} is missing")
        for name in REQUIRED_COLUMNS
        if file_column[name] not in header
    ]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    problems += [RowError(1, h, "the column appears twice") for h in duplicates]
    if problems:
        raise FileProblem(problems)
    mapped = {file_column[name] for name in allowed}
    extra_columns = [h for h in header if h and h not in mapped]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        line = 1
        for raw in reader:
            line_at = line + 1
            line = reader.line_num
            if None in raw:
                yield line_at, {"__too_many__": "x"}
                continue
            yield line_at, {k: (v or "").strip() for k, v in raw.items() if k}

    return Reader(kind, header, rows(), file_column, extra_columns, mapping, ZoneInfo(tz))


def count_rows(text: str) -> int:
    """Data rows in the file (records, not physical lines)."""
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1)


def _date(value: str, formats: list[str]) -> dt.date:
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 a date only
        except ValueError:
            continue
    return dt.date.fromisoformat(value)


def _datetime(value: str, formats: list[str], tz: dt.tzinfo) -> dt.datetime:
    parsed: dt.datetime | None = None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt)  # noqa: DTZ007 zone added below
            break
        except ValueError:
            continue
    if parsed is None:
        parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _text_fields(reader: Reader, raw: dict[str, str], line: int, errors: list[RowError]) -> dict:
    values: dict[str, Any] = {}
    names = (*STANDARD_COLUMNS, *KIND_COLUMNS[reader.kind])
    for name in names:
        if name in {"dob", "event_at", "released_at", "fatal", "discharge_reason"}:
            continue
        value = raw.get(reader.file_column[name], "")
        limit = MAX_LENGTH.get(name)
        if limit and len(value) > limit:
            errors.append(RowError(line, reader.label(name), f"longer than {limit} characters"))
        values[name] = value
    return values


def _time_fields(
    reader: Reader, raw: dict[str, str], line: int, errors: list[RowError], today: dt.date
) -> dict:
    values: dict[str, Any] = {"dob": None, "released_at": None}
    mapping = reader.mapping
    dob = raw.get(reader.file_column["dob"], "")
    if dob:
        try:
            values["dob"] = _date(dob, mapping.date_formats)
            if not dt.date(1900, 1, 1) <= values["dob"] <= today:
                errors.append(
                    RowError(line, reader.label("dob"), f"{dob!r} is not a plausible birth date")
                )
        except ValueError:
            errors.append(
                RowError(line, reader.label("dob"), f"{dob!r} is not a date (YYYY-MM-DD)")
            )
    stamps = (
        ("event_at", "released_at") if "released_at" in KIND_COLUMNS[reader.kind] else ("event_at",)
    )
    for name in stamps:
        value = raw.get(reader.file_column[name], "")
        if not value:
            if name == "event_at":
                errors.append(RowError(line, reader.label(name), "a value is required"))
            continue
        try:
            values[name] = _datetime(
                value, mapping.datetime_formats + mapping.date_formats, reader.tz
            )
        except ValueError:
            errors.append(
                RowError(line, reader.label(name), f"{value!r} is not a date and time (ISO 8601)")
            )
    event_at, released_at = values.get("event_at"), values["released_at"]
    if event_at and released_at and released_at < event_at:
        errors.append(
            RowError(line, reader.label("released_at"), "the release is before the booking")
        )
    return values


def _choice_fields(reader: Reader, raw: dict[str, str], line: int, errors: list[RowError]) -> dict:
    values: dict[str, Any] = {"fatal": None, "discharge_reason": ""}
    kind_columns = KIND_COLUMNS[reader.kind]
    if "fatal" in kind_columns:
        value = raw.get(reader.file_column["fatal"], "")
        word = reader.mapping.values.get("fatal", {}).get(value.lower(), value).lower()
        if word in TRUE_WORDS:
            values["fatal"] = True
        elif word in FALSE_WORDS:
            values["fatal"] = False
        elif word:
            errors.append(RowError(line, reader.label("fatal"), f"{value!r} is not yes or no"))
    if "discharge_reason" in kind_columns:
        value = raw.get(reader.file_column["discharge_reason"], "")
        word = reader.mapping.values.get("discharge_reason", {}).get(value.lower(), value).lower()
        if word in DischargeReason.values:
            values["discharge_reason"] = word
        elif word:
            errors.append(
                RowError(
                    line,
                    reader.label("discharge_reason"),
                    f"{value!r} is not one of {', '.join(DischargeReason.values)}",
                )
            )
    return values


def row_values(
    reader: Reader, line: int, raw: dict[str, str], today: dt.date
) -> tuple[dict[str, Any] | None, list[RowError]]:
    """One row's model values, or the row's problems."""
    errors: list[RowError] = []
    if "__too_many__" in raw:
        return None, [RowError(line, "", "the row has more values than the header has columns")]
    values = _text_fields(reader, raw, line, errors)
    values |= _time_fields(reader, raw, line, errors, today)
    values |= _choice_fields(reader, raw, line, errors)
    if not values["source_record_id"]:
        errors.append(RowError(line, reader.label("source_record_id"), "a value is required"))
    extra = {c: raw.get(c, "")[:MAX_EXTRA_LENGTH] for c in reader.extra_columns if raw.get(c)}
    values["extra"] = extra
    return (None, errors) if errors else (values, [])
