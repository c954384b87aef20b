"""Parsing the files of an import: UTF-8 text, CSV rows, compiled HSDS JSON and the tabular
package's CSV files, into a ``Dataset``. Every problem names the file, the line or object and
what is wrong."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

from .. import hsds
from .dataset import Dataset, ImportFailed, Row

T_co = TypeVar("T_co", covariant=True)


class CsvReader(Protocol[T_co]):
    """``csv.reader`` or ``csv.DictReader``: rows, and the line the reader has reached."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> T_co: ...


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or ``ImportFailed`` naming the file, line and
    column of the first byte that is not UTF-8, or of a NUL character."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise ImportFailed(
            [
                f"{name}: line {line}, column {column}: byte 0x{data[error.start]:02X} is not "
                "UTF-8 text (save the file as CSV UTF-8 or JSON in UTF-8)"
            ]
        ) from None
    else:
        offset = text.find("\x00")
    if offset >= 0:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise ImportFailed([f"{name}: line {line}, column {column}: contains a NUL character"])
    return text


def csv_rows(reader: CsvReader[T_co], name: str) -> Iterator[T_co]:
    """The rows of a CSV reader; a malformed line is ``ImportFailed`` naming file and line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The record that failed starts on the line after the last one read whole.
            problem = f"{name}: line {reader.line_num + 1}: not valid CSV ({error})"
            raise ImportFailed([problem]) from None


def read_json(data: Any, name: str = "import.json") -> Dataset:
    """Compiled HSDS services: a paginated list (``contents``), a plain list, or one service."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items, prefix = data["contents"], "contents"
    elif isinstance(data, dict) and isinstance(data.get("services"), list):
        items, prefix = data["services"], "services"
    elif isinstance(data, list):
        items, prefix = data, ""
    elif isinstance(data, dict):
        items, prefix = [data], ""
    else:
        raise ImportFailed([f"{name}: expected a service, a list of services or a page of them"])
    dataset = Dataset()
    errors: list[str] = []
    for i, item in enumerate(items):
        _flatten(dataset, "service", item, f"{name} {prefix}[{i}]", {}, errors)
    if errors:
        raise ImportFailed(errors)
    return dataset


def _flatten(
    dataset: Dataset, table: str, obj: Any, where: str, implied: dict[str, Any], errors: list[str]
) -> str | None:
    if not isinstance(obj, dict):
        errors.append(f"{where}: must be an object")
        return None
    values = {k: v for k, v in obj.items() if k in hsds.TABLES[table].fields}
    for key, value in implied.items():
        values.setdefault(key, value)
    object_id = values.get("id")
    children = dict(hsds.NESTED.get(table, {}))
    if table == "service" and isinstance(obj.get("organization"), dict):
        org_id = _flatten(
            dataset, "organization", obj["organization"], f"{where}.organization", {}, errors
        )
        values.setdefault("organization_id", org_id)
    if table == "service_at_location" and isinstance(obj.get("location"), dict):
        loc_id = _flatten(dataset, "location", obj["location"], f"{where}.location", {}, errors)
        values.setdefault("location_id", loc_id)
    if table == "taxonomy_term" and isinstance(obj.get("taxonomy_detail"), dict):
        taxonomy_id = _flatten(
            dataset, "taxonomy", obj["taxonomy_detail"], f"{where}.taxonomy_detail", {}, errors
        )
        values.setdefault("taxonomy_id", taxonomy_id)
    if table == "attribute" and isinstance(obj.get("taxonomy_term"), dict):
        term_id = _flatten(
            dataset, "taxonomy_term", obj["taxonomy_term"], f"{where}.taxonomy_term", {}, errors
        )
        values.setdefault("taxonomy_term_id", term_id)
    dataset.tables[table].append(Row(values, where))
    for key, (child, ref, _many) in children.items():
        items = obj.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append(f"{where}.{key}: must be an array")
            continue
        for j, item in enumerate(items):
            implied_child = {ref: object_id}
            if child == "attribute":
                implied_child["link_entity"] = hsds.LINK_ENTITY[table]
            _flatten(dataset, child, item, f"{where}.{key}[{j}]", implied_child, errors)
    return object_id


def read_tabular(files: dict[str, str], name: str) -> Dataset:
    by_file = {spec.path: spec.name for spec in hsds.TABLES.values()}
    by_file |= {f"{spec.name}.csv": spec.name for spec in hsds.TABLES.values()}
    dataset = Dataset()
    unknown = [f for f in files if f not in by_file and f != "datapackage.json"]
    if not any(f in by_file for f in files):
        raise ImportFailed(
            [f"{name}: no HSDS tables found (expected files such as services.csv)"]
            + [f"{name}: {f}: not an HSDS table" for f in unknown]
        )
    for filename, text in files.items():
        table = by_file.get(filename)
        if table is None:
            continue
        reader = csv.DictReader(io.StringIO(text))
        for number, record in enumerate(csv_rows(reader, filename), start=2):
            values = {
                k.strip(): (v or "").strip()
                for k, v in record.items()
                if k and k.strip() in hsds.TABLES[table].fields and (v or "").strip() != ""
            }
            dataset.tables[table].append(Row(values, f"{filename} row {number}"))
    return dataset
