"""Workbooks (.xlsx, .xlsm, .xlsb, legacy .xls, .ods), read with python-calamine.

A workbook is read by what it is, not by its suffix: its first bytes say whether it is a
zip archive (`.xlsx`, `.xlsm`, `.xlsb` or `.ods`, told apart by the parts inside) or an
OLE2 compound file (a legacy BIFF `.xls`, or a password-protected `.xlsx`, which Excel
wraps in one). Before calamine sees a file it passes the same refusals as before:

- its size (`limits.check_file_size`) and, for an archive, the zip-bomb checks
  (`limits.check_workbook_archive`);
- no XML part declares a document type or entities (the "billion laughs" expansion and
  external entities): each part's prolog is read, never more;
- an .xlsx/.xlsm sheet whose cells lie so far apart that the rectangle holding them
  would be vast (a cell in A1 and one in XFD1048576): calamine holds a sheet as that
  whole rectangle and would exhaust memory on it.

A sheet's rows come as calamine gives them (str, float, int, bool, date, datetime, time,
timedelta; "" for an empty cell), numbered as the sheet numbers them. `frames` turns the
rows below a header into column chunks (`CodedColumn`: codes into each column's
distinct cells), the same shape the delimited readers give, so that one converter
handles both.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .limits import check_file_size, check_workbook_archive
from .values import PLAIN_ID, is_blank

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CHUNK_ROWS = 65536
"""Rows of a sheet turned into column chunks together."""

_NAMES = {"xlsx": ".xlsx", "xlsb": ".xlsb", "ods": ".ods", "xls": ".xls"}


def workbook_kind(magic: bytes) -> str | None:
    """'zip' or 'ole2' from a file's first bytes, or None for anything else."""
    if magic[:4] == ZIP_MAGIC:
        return "zip"
    if magic[:8] == OLE2_MAGIC:
        return "ole2"
    return None


def _zip_kind(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and ("mimetype" in names or "META-INF/manifest.xml" in names):
        return "ods"
    return None


# --------------------------------------------------------------------------- refusals

_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_PROLOG_BYTES = 65536
_ENTITIES = (
    "refused: the workbook's XML declares entities or a document type, which no "
    'spreadsheet needs and an XML attack ("billion laughs", external entities) uses'
)


def _declares_entities(head: bytes) -> bool:
    """Whether an XML part's prolog (what precedes its root element) declares a document
    type or entities; also True when the prolog does not end within its first 64 kB."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"
        if head[:2] == b"\x00<":
            encoding = "utf-16-be"
        head = head.decode(encoding, errors="replace").encode("utf-8")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.lstrip()[:1] == b"<":
        return False  # not XML (an image, a binary .xlsb part)
    end = _PROLOG.match(head).end()  # type: ignore[union-attr]
    rest = head[end:]
    if rest[:2] == b"<!":
        return True
    return not rest and len(head) >= _PROLOG_BYTES


_ROW = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"")
_WIDE_CELL = re.compile(rb" r=\"([A-Z]{2,3})\d")
_DIMENSION = re.compile(rb"<dimension\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
SPREAD_FULL_SCAN = 4 * 2**20
"""Sheet parts up to this size (unpacked) are scanned whole for the extent of their cells;
a larger one (a large export, costly to scan twice) is judged by the used range it
declares (`<dimension ref="A1:G40000">`, which Excel and other writers keep true)."""
SPREAD_CELLS = 4_000_000
"""A sheet's rectangle may hold this many cells however few are filled ..."""
SPREAD_RATIO = 50
"""... or this many times the cells it has, whichever is more."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_spread(archive: zipfile.ZipFile, part: zipfile.ZipInfo, head: bytes, label: str) -> None:
    """Refuse a sheet whose cells span a rectangle far larger than they fill. Rows come
    from the `<row r=...>` tags and any cell numbered past them; columns from the cells
    past Z (rare in an export, so cheap to find)."""
    if part.file_size > SPREAD_FULL_SCAN:
        cells = part.file_size // 32  # (a cell takes more than that in the XML)
        found = _DIMENSION.search(head)
        if found is None:
            return
        first_col, first_row, last_col, last_row = found.groups()
        rows = int(last_row or first_row) - int(first_row) + 1
        columns = _column_number(last_col or first_col) - _column_number(first_col) + 1
    else:
        with archive.open(part) as handle:
            text = handle.read()
        cells = text.count(b"<c ") + text.count(b"<c>")
        rows = max((int(m) for m in _ROW.findall(text)), default=0)
        far = re.compile(rb" r=\"[A-Z]{1,3}(\d{%d,})\"" % (len(str(rows)) + 1))
        rows = max([rows, *(int(m) for m in far.findall(text))])
        columns = max([26, *(_column_number(m) for m in _WIDE_CELL.findall(text))])
    if rows * columns > max(SPREAD_CELLS, SPREAD_RATIO * cells):
        raise InputError(
            f"{label}: refused: its sheet {part.filename} spans {rows:,} rows by {columns:,} columns "
            f"but holds about {max(cells, 1):,} cells; reading it would fill memory (delete the stray "
            "cells far from the data, or save it as CSV)"
        )


def check_archive(data: Path | io.BytesIO, label: str) -> str:
    """The zip workbook's kind ('xlsx', 'xlsb', 'ods'), after the refusals above."""
    check_workbook_archive(data, label)
    try:
        with zipfile.ZipFile(data) as archive:
            kind = _zip_kind(archive)
            if kind is None:
                raise InputError(
                    f"{label}: not a readable .xlsx workbook (a zip archive, but no workbook part in it)"
                )
            for part in archive.infolist():
                if part.is_dir():
                    continue
                with archive.open(part) as handle:
                    head = handle.read(_PROLOG_BYTES)
                if _declares_entities(head):
                    raise InputError(f"{label}: {_ENTITIES}")
                if (
                    kind == "xlsx"
                    and part.filename.startswith("xl/worksheets/")
                    and part.filename.endswith(".xml")
                ):
                    _check_spread(archive, part, head, label)
    except InputError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
    ) as exc:
        raise InputError(
            f"{label}: not a readable workbook (a damaged zip archive: {_first_line(exc)})"
        ) from None
    finally:
        if not isinstance(data, Path):
            data.seek(0)
    return kind


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


# --------------------------------------------------------------------------- reading


def _open_calamine(data: Any) -> Any:
    """calamine's workbook from a binary stream (a seam for tests: nothing else calls it)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(data)


class Workbook:
    """One open workbook: its sheet names, and each sheet's rows (read once, on request)."""

    def __init__(self, book: Any, kind: str, label: str) -> None:
        self._book, self.kind, self.label = book, kind, label
        self.sheet_names: list[str] = list(book.sheet_names)

    def rows(self, sheet: str) -> list[list[Any]]:
        """The sheet's rows from A1, every row as wide as the sheet's used range."""
        try:
            cells = self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own kinds on a damaged sheet
            raise InputError(
                f"{self.label}: not a readable {_NAMES[self.kind]} workbook ({_first_line(exc)})"
            ) from None
        if self.kind == "ods":
            cells = [
                [_ods_duration(c) if c.__class__ is str and c[:2] == "PT" else c for c in row]
                for row in cells
            ]
        return cells

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # closing a broken workbook must not hide the real error
            pass


def open_workbook(path: Path, label: str, magic: bytes) -> Workbook:
    """A workbook after the refusals, opened with calamine; InputError with one line
    saying why when it cannot be."""
    check_file_size(path, label)
    try:
        raw = path.read_bytes()
        data = io.BytesIO(raw)
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    kind = workbook_kind(magic)
    if kind == "zip":
        kind = check_archive(data, label)
    elif kind == "ole2":
        if _ENCRYPTED in raw:
            raise InputError(
                f"{label}: the workbook is password-protected (encrypted); remove the password in "
                "Excel (File > Info > Protect Workbook) or save it as CSV"
            )
        kind = "xls"
    else:
        raise InputError(
            f"{label}: not a valid workbook (neither a zip archive like .xlsx and .ods nor an "
            "Excel 97-2003 .xls file: it may be damaged, or not a workbook at all)"
        )
    try:
        book = _open_calamine(data)
    except Exception as exc:  # calamine raises its own kinds on a bad file
        if type(exc).__name__ == "PasswordError":
            raise InputError(
                f"{label}: the workbook is password-protected; remove the password or save it as CSV"
            ) from None
        raise InputError(f"{label}: not a readable {_NAMES[kind]} workbook ({_first_line(exc)})") from None
    return Workbook(book, kind, label)


_ISO_DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


def _ods_duration(cell: str) -> Any:
    """An .ods time-span cell, which calamine gives as ISO 8601 text (`PT01H30M00S`), as the
    duration it is (what an .xlsx `[h]:mm` cell gives)."""
    match = _ISO_DURATION.fullmatch(cell)
    if match is None:
        return cell
    hours, minutes, seconds = match.groups()
    span = timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
    return -span if cell.startswith("-") else span


# --------------------------------------------------------------------------- column chunks


def frames(rows: Sequence[list[Any]], skip: int) -> Iterator[tuple[int, list[Any]]]:
    """The rows after row `skip` as column chunks: (number of the chunk's first row, its
    columns as `sources.CodedColumn`s), `CHUNK_ROWS` rows at a time. Each column is
    dictionary-encoded once, so a cell is read once per distinct value."""
    for start in range(skip, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        yield start + 1, [_coded_column(cells) for cells in zip(*chunk, strict=True)]


def _coded_column(cells: Sequence[Any]) -> Any:
    """One column's cells as codes into its distinct cells. A column of text cells only
    (ids, names, words, text dates: most of an export) is encoded by pyarrow, which also
    finds the blank and plain-id cells (`sources.coded`); any other column by a
    dictionary. (pyarrow is not asked to infer a type: it would read a serial number
    among date cells as days since 1970, and True among numbers as 1.0.)"""
    import pyarrow as pa

    from .sources import CodedColumn, coded

    if cells and cells[0].__class__ is str:
        try:
            array = pa.array(cells, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            array = None
        if array is not None and array.null_count == 0:
            encoded = array.dictionary_encode()
            return coded(encoded.indices.to_numpy(), encoded.dictionary)
    codes, uniques = _factorize(cells)
    blank = np.fromiter(map(is_blank, uniques), dtype=bool, count=len(uniques))
    plain = np.fromiter(
        (u.__class__ is str and PLAIN_ID.fullmatch(u) is not None for u in uniques),
        dtype=bool,
        count=len(uniques),
    )
    return CodedColumn(codes, uniques, blank, plain)


def _factorize(cells: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the distinct cells. Python's equality makes True, 1 and 1.0 one value:
    in a column with a yes/no cell they are kept apart."""
    index = dict(zip(dict.fromkeys(cells), itertools.count()))
    codes = np.fromiter(map(index.__getitem__, cells), dtype=np.intp, count=len(cells))
    if any(u.__class__ is bool for u in index):  # (1 or 1.0 may hide behind True)
        index = {}
        codes = np.fromiter(
            [index.setdefault((c.__class__ is bool, c), len(index)) for c in cells],
            dtype=np.intp,
            count=len(cells),
        )
        values: list[Any] = [cell for _, cell in index]
    else:
        values = list(index)
    uniques = np.empty(len(values), dtype=object)
    uniques[:] = values
    return codes, uniques
