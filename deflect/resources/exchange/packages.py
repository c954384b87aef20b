"""Zip packages: the tabular package's CSV files read from a .zip in memory (nothing is ever
extracted to disk; unsafe entry names refuse the archive), and written to one on export."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .dataset import ImportFailed
from .parsing import decode_text


def _zip_entry_problem(entry: str) -> str:
    parts = entry.replace("\\", "/").split("/")
    if entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry):
        return "an absolute path"
    if ".." in parts:
        return "a path that leaves the archive ('..')"
    return ""


MAX_ZIP_ENTRIES = 100
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


def read_zip(path: Path) -> dict[str, str]:
    """The CSV files of a .zip, read in memory (nothing is ever extracted to disk). An entry
    with an absolute path or ``..`` refuses the whole archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            problems = [
                f"{path.name}: entry '{e.filename}': {problem}; nothing was read"
                for e in entries
                if (problem := _zip_entry_problem(e.filename))
            ]
            if problems:
                raise ImportFailed(problems)
            csvs = [e for e in entries if e.filename.lower().endswith(".csv") and not e.is_dir()]
            if len(csvs) > MAX_ZIP_ENTRIES:
                raise ImportFailed([f"{path.name}: more than {MAX_ZIP_ENTRIES} CSV files"])
            if sum(e.file_size for e in csvs) > MAX_UNZIPPED_BYTES:
                raise ImportFailed([f"{path.name}: the CSV files are too large once unzipped"])
            return {
                Path(e.filename).name: decode_text(archive.read(e), f"{path.name}: {e.filename}")
                for e in csvs
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise ImportFailed([f"{path.name}: not a readable .zip file ({error})"]) from None


def write_zip(path: Path, files: dict[str, str]) -> None:
    """Write the package's files (name -> text) into a new .zip at ``path``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
