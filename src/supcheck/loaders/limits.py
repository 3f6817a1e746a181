"""Limits that keep a hostile or broken input from exhausting memory or time.

An export is a few megabytes, a few hundred for a very large council. Anything far
beyond that is refused before it is read, with one line saying why and which
environment variable raises the limit:

- `SUPCHECK_MAX_FILE_MB` (default 2048): no input file larger than this is read. CSV
  files are streamed, so a file under the limit costs memory for its rows, not its bytes.
- `SUPCHECK_MAX_UNCOMPRESSED_MB` (default 512): an .xlsx workbook (a zip archive) whose
  parts would unpack to more than this in total is refused before it is opened, as is
  one with a part larger than 10 MB compressed more than 100 to 1: a zip bomb. The sizes
  checked are the ones the archive declares; Python's zipfile never unpacks more than
  the declared size of a part, so they cannot lie.

Fixed limits, which no export from a spreadsheet program can reach:

- a row with more than 16,384 cells (Excel's column limit) stops the run;
- a CSV cell longer than 131,072 characters (the csv module's field limit; Excel holds at
  most 32,767 in a cell) stops the run: it is nearly always an opening quote mark that is
  never closed, which makes the rest of the file one cell;
- a mapping file larger than 1 MB is not a mapping file.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, SupcheckError
from ..files import not_regular

MB = 1024 * 1024
MAX_FILE_MB_VAR = "SUPCHECK_MAX_FILE_MB"
MAX_UNCOMPRESSED_MB_VAR = "SUPCHECK_MAX_UNCOMPRESSED_MB"
DEFAULT_MAX_FILE_MB = 2048
DEFAULT_MAX_UNCOMPRESSED_MB = 512
BOMB_RATIO = 100
"""A workbook part compressed more than this many times over ..."""
BOMB_PART_MB = 10
"""... and unpacking to more than this is a zip bomb, whatever the total."""
MAX_COLUMNS = 16_384
MAX_MAPPING_BYTES = MB


def limit_mb(variable: str, default: int) -> float:
    """A size limit in MB from the environment, or the default."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise SupcheckError(f"{variable} must be a positive number of megabytes, not '{text}'")
    return value


def _mb(size: float) -> str:
    if size < MB:
        return f"{size / 1024:,.0f} kB"
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:,.1f} MB"


def check_file_size(path: Path, label: str) -> int:
    """The file's size in bytes; InputError when it cannot be examined, is not a regular
    file (a named pipe would block the read, `/dev/zero` would never end) or is over the
    limit."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    problem = not_regular(info.st_mode)
    if problem is not None:
        raise InputError(f"{label}: {problem}")
    size = info.st_size
    limit = limit_mb(MAX_FILE_MB_VAR, DEFAULT_MAX_FILE_MB)
    if size > limit * MB:
        raise InputError(
            f"{label}: refused: the file is {_mb(size)}, more than the {limit:g} MB limit for one "
            f"export (set {MAX_FILE_MB_VAR} to raise it)"
        )
    return size


def check_workbook_archive(source: Path | BinaryIO, label: str) -> None:
    """Refuse a workbook whose zip parts would unpack to too much (a zip bomb), before
    anything is unpacked. A file that is not a zip archive is left to the workbook reader,
    which says so."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return
    finally:
        if not isinstance(source, Path):
            source.seek(0)
    limit = limit_mb(MAX_UNCOMPRESSED_MB_VAR, DEFAULT_MAX_UNCOMPRESSED_MB)
    total = sum(part.file_size for part in parts)
    if total > limit * MB:
        raise InputError(
            f"{label}: refused: the workbook would unpack to {_mb(total)}, more than the "
            f"{limit:g} MB limit (a zip bomb, or far larger than an export; set "
            f"{MAX_UNCOMPRESSED_MB_VAR} to raise it)"
        )
    for part in parts:
        if part.file_size > BOMB_PART_MB * MB and part.file_size > BOMB_RATIO * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise InputError(
                f"{label}: refused: its part {part.filename} would unpack to {_mb(part.file_size)} "
                f"from {_mb(part.compress_size)} ({ratio:,.0f} to 1): a zip bomb, not a spreadsheet"
            )
