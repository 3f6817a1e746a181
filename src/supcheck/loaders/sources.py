"""Finding the tables in a data folder or workbook, and reading them as raw rows.

A source yields `(row_number, cells)` pairs where the row number is the one a
spreadsheet user sees: for a CSV, the record number as Excel numbers rows when it
opens the file (blank and title lines count; a quoted cell with line breaks is one
row); for a worksheet, the sheet's row number. Cells are strings for delimited files
and whatever openpyxl gives (str, int, float, datetime, time, timedelta, bool, None)
for workbooks; typing them is `values`' job.

Anything that prevents reading a file at all becomes an `InputError` with one line
`FILE: reason`, so that the CLI can stop with exit code 2 instead of a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dq import data_quality
from ..errors import InputError
from ..models import Finding
from .headers import fold_words

Row = tuple[int, Sequence[Any]]

DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
UNSUPPORTED_SUFFIXES = frozenset({".xls", ".xlsb", ".ods", ".numbers"})
"""Spreadsheet formats that are recognised by name but cannot be read: the user is told
to save them as .xlsx or CSV rather than having them ignored."""

TABLE_NAMES: dict[str, tuple[str, ...]] = {
    "staff": ("staff", "staff list", "employees", "employee", "workforce", "people", "establishment"),
    "supervisions": (
        "supervisions",
        "supervision",
        "sessions",
        "session",
        "supervision sessions",
        "supervision records",
        "supervision log",
    ),
    "absences": ("absences", "absence", "leave", "absence records", "sickness"),
    "allocations": (
        "allocations",
        "allocation",
        "case allocations",
        "caseloads",
        "caseload",
        "allocated cases",
    ),
    "case_discussions": (
        "case discussions",
        "case discussion",
        "discussions",
        "discussion",
        "case supervisions",
        "case supervision",
    ),
    "agreements": ("agreements", "agreement", "supervision agreements", "supervision agreement"),
    "appraisals": ("appraisals", "appraisal", "annual appraisals", "performance reviews"),
}
"""File stems and sheet names recognised per table (folded: case and punctuation ignored)."""

NOISE_WORDS = frozenset({"export", "extract", "report", "data", "list", "table", "records", "all", "file"})
"""Words allowed around a table name in a file name (`Staff export.csv`)."""

_TABLE_BY_KEY: dict[str, str] = {
    "".join(fold_words(name)): table for table, names in TABLE_NAMES.items() for name in names
}


def table_for_name(stem: str) -> str | None:
    """The table a file stem or sheet name names, or None."""
    words = fold_words(stem)
    key = "".join(words)
    if key in _TABLE_BY_KEY:
        return _TABLE_BY_KEY[key]
    core = [w for w in words if w not in NOISE_WORDS]
    if core and len(core) < len(words):
        return _TABLE_BY_KEY.get("".join(core))
    return None


# --------------------------------------------------------------------------- sources


@dataclass
class Source:
    """Where one table is read from."""

    table: str
    path: Path
    label: str
    sheet: str | None = None  # a named sheet of a workbook; None: the file's own data
    delimiter: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    mapped: bool = False  # named by the mapping file


@dataclass
class Discovery:
    sources: dict[str, Source] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    workbook: Path | None = None  # DATA itself was a workbook


def _check_suffix(path: Path, label: str) -> None:
    if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
        raise InputError(
            f"{label}: {path.suffix} files cannot be read; open it in Excel and save it as .xlsx or CSV"
        )


def discover(data: Path, mapped: dict[str, Source], reader: Reader | None = None) -> Discovery:
    """The tables in DATA: a folder with one file per table, or one workbook with one sheet
    per table. `mapped` are the sources the mapping file names; they take precedence.
    A `reader` keeps a DATA workbook open for reading its sheets afterwards."""
    if not data.exists():
        raise InputError(f"{data}: no such file or folder")
    found = Discovery(sources=dict(mapped))
    taken = {(s.path.resolve(), s.sheet) for s in mapped.values()}
    if data.is_dir():
        _discover_folder(data, found, taken)
    else:
        suffix = data.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            found.workbook = data
            names = reader.sheet_names(data, data.name) if reader else sheet_names(data, data.name)
            _discover_workbook(data, names, found, taken)
        else:
            _check_suffix(data, data.name)
            raise InputError(
                f"{data}: DATA must be a folder of exports (one file per table) or an .xlsx "
                "workbook with one sheet per table"
            )
    return found


def _discover_folder(folder: Path, found: Discovery, taken: set) -> None:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name.lower())
    except OSError as exc:
        raise InputError(f"{folder}: cannot list the folder: {exc.strerror or exc}") from exc
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        suffix = entry.suffix.lower()
        if suffix not in DELIMITED_SUFFIXES | WORKBOOK_SUFFIXES | UNSUPPORTED_SUFFIXES:
            continue
        try:
            if not entry.is_file():
                continue
        except OSError:
            continue
        if any(path == entry.resolve() for path, _ in taken):
            continue  # read as the mapping file says
        table = table_for_name(entry.stem)
        if table is None:
            if suffix != ".txt":  # a README.txt is not a table and not worth a finding
                found.unrecognised.append(name)
                found.findings.append(data_quality("file not recognised as a table; ignored", file=name))
            continue
        source = Source(table=table, path=entry, label=name)
        if table in found.sources and found.sources[table].mapped:
            found.findings.append(
                data_quality(
                    f"not read: the mapping file reads {table} from {found.sources[table].label}; ignored",
                    file=name,
                )
            )
            continue
        if table in found.sources:
            raise InputError(
                f"two {table} tables in {folder}: {found.sources[table].label} and {name}; "
                "remove one or name the right one in a mapping file"
            )
        found.sources[table] = source


def _discover_workbook(book: Path, names: list[str], found: Discovery, taken: set) -> None:
    for sheet in names:
        if (book.resolve(), sheet) in taken:
            continue
        label = f"{book.name}[{sheet}]"
        table = table_for_name(sheet)
        if table is None:
            found.unrecognised.append(label)
            found.findings.append(data_quality("sheet not recognised as a table; ignored", file=label))
            continue
        if table in found.sources and found.sources[table].mapped:
            found.findings.append(
                data_quality(
                    f"not read: the mapping file reads {table} from {found.sources[table].label}; ignored",
                    file=label,
                )
            )
            continue
        if table in found.sources:
            raise InputError(
                f"two {table} sheets in {book.name}: {found.sources[table].label} and {label}; "
                "remove one or name the right one in a mapping file"
            )
        found.sources[table] = Source(table=table, path=book, label=label, sheet=sheet)


def expected_names(table: str) -> str:
    return f"{table}.csv or {table}.xlsx"


# --------------------------------------------------------------------------- workbooks


def _workbook_error(label: str, exc: BaseException) -> InputError:
    if isinstance(exc, zipfile.BadZipFile):
        reason = (
            "not a valid .xlsx workbook (not a zip archive: it may be damaged, "
            "password-protected or an old .xls file renamed)"
        )
    elif isinstance(exc, OSError):
        reason = f"cannot read: {exc.strerror or exc}"
    else:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        reason = f"not a readable .xlsx workbook ({detail})"
    return InputError(f"{label}: {reason}")


def open_workbook(path: Path | io.BytesIO, label: str):
    """openpyxl in read-only, values-only mode (formulas give their cached values)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise _workbook_error(label, exc) from exc


def sheet_names(path: Path, label: str) -> list[str]:
    book = open_workbook(path, label)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _iter_sheet(book, sheet: str | None, label: str, table: str, notes: list[Finding]) -> Iterator[Row]:
    try:
        names = list(book.sheetnames)
        if sheet is None:
            if not names:
                raise InputError(f"{label}: the workbook has no sheets")
            matching = [n for n in names if table_for_name(n) == table]
            sheet = matching[0] if len(matching) == 1 else names[0]
            if len(names) > 1 and len(matching) != 1:
                notes.append(
                    data_quality(
                        f"the workbook has {len(names)} sheets; read the first, '{sheet}'",
                        file=label,
                    )
                )
        elif sheet not in names:
            raise InputError(f"{label}: no sheet named '{sheet}' (sheets: {', '.join(names)})")
        worksheet = book[sheet]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some exporters write a wrong used range
        yield from enumerate(worksheet.iter_rows(values_only=True), start=1)
    except InputError:
        raise
    except Exception as exc:
        raise _workbook_error(label, exc) from exc


# --------------------------------------------------------------------------- delimited text

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ",;\t|"
_SEP_LINE = re.compile(r"^sep=(.)\r?$")


def decode(data: bytes, label: str, encoding: str | None = None) -> str:
    """UTF-8 (with or without BOM), then Windows-1252 as Excel saves "CSV", then Latin-1.
    UTF-16 with a BOM is what Excel's "Unicode Text" gives."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"{label}: unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{label}: not valid {encoding} text ({exc.reason})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{label}: not valid UTF-16 text ({exc.reason})") from None
    for name in _ENCODINGS:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{label}: cannot decode the text")  # pragma: no cover (latin-1 always works)


def _width_score(sample: str, delimiter: str) -> tuple[int, int]:
    """How consistently `delimiter` splits the sample: (rows sharing the commonest width,
    that width), ignoring one-cell rows such as titles."""
    try:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        return (0, 0)
    widths = Counter(len(r) for r in rows if len(r) > 1)
    if not widths:
        return (0, 0)
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    return (count, width)


def sniff_delimiter(text: str) -> str:
    """`,` `;` tab or `|`: csv.Sniffer's answer when it splits the first lines at least as
    consistently as any other, otherwise the most consistent by counting."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    sample = "\n".join(lines)
    scores = {d: _width_score(sample, d) for d in DELIMITERS}
    best = max(scores.values())
    if best[0] == 0:
        return ","
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed] == best:
        return sniffed
    return next(d for d in DELIMITERS if scores[d] == best)


def _unwrap(cell: str) -> str:
    """`="00123"` is how exports keep Excel from dropping leading zeros: the text is 00123."""
    if len(cell) >= 3 and cell[0] == "=" and cell[1] == '"' and cell[-1] == '"':
        return cell[2:-1].replace('""', '"')
    return cell


def read_bytes(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc


def _iter_delimited(data: bytes, source: Source) -> Iterator[Row]:
    label = source.label
    text = decode(data, label, source.encoding)
    if not text.strip():
        raise InputError(f"{label}: the file is empty (no header row)")
    if "\x00" in text[:4096]:
        raise InputError(f"{label}: not a text file (it contains binary data)")
    first_line_end = text.find("\n")
    first_line = text if first_line_end < 0 else text[:first_line_end]
    sep = _SEP_LINE.match(first_line)
    delimiter = source.delimiter
    if sep:  # Excel's "sep=;" hint line: not shown as a row when Excel opens the file
        delimiter = delimiter or sep.group(1)
        text = "" if first_line_end < 0 else text[first_line_end + 1 :]
    if delimiter is None:
        delimiter = "\t" if source.path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007
            yield number, [_unwrap(c) if c[:2] == '="' else c for c in cells]
    except csv.Error as exc:
        raise InputError(f"{label} row {number + 1}: cannot read the CSV ({exc})") from exc


class Reader:
    """Reads sources as raw rows; keeps workbooks open while their sheets are read and
    closes them all at the end (`with Reader() as reader:`)."""

    def __init__(self) -> None:
        self._books: dict[Any, Any] = {}
        self.notes: list[Finding] = []

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for book in self._books.values():
            try:
                book.close()
            except Exception:  # closing a broken workbook must not hide the real error
                pass
        self._books.clear()

    def _book(self, key: Any, opener: Any, label: str):
        if key not in self._books:
            self._books[key] = open_workbook(opener, label)
        return self._books[key]

    def sheet_names(self, path: Path, label: str) -> list[str]:
        return list(self._book(path.resolve(), path, label).sheetnames)

    def rows(self, source: Source) -> Iterator[Row]:
        path = source.path
        _check_suffix(path, source.label)
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            if not path.is_file():
                raise InputError(f"{source.label}: not a file")
            book = self._book(path.resolve(), path, source.label)
            return _iter_sheet(book, source.sheet, source.label, source.table, self.notes)
        data = read_bytes(path, source.label)
        if data[:4] == b"PK\x03\x04":  # an Excel workbook saved under a .csv name
            book = self._book(path.resolve(), io.BytesIO(data), source.label)
            return _iter_sheet(book, source.sheet, source.label, source.table, self.notes)
        if source.sheet is not None:
            raise InputError(f"{source.label}: sheet '{source.sheet}' given, but this is not a workbook")
        return _iter_delimited(data, source)
