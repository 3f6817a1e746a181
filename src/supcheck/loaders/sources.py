"""Finding the tables in a data folder or workbook, and reading them as raw rows.

A source yields `(row_number, cells)` pairs where the row number is the one a
spreadsheet user sees: for a CSV, the record number as Excel numbers rows when it
opens the file (blank and title lines count; a quoted cell with line breaks is one
row); for a worksheet, the sheet's row number. Cells are strings for delimited files
and whatever calamine gives (str, int, float, date, datetime, time, timedelta, bool;
"" for an empty cell) for workbooks (`workbooks`); typing them is `values`' job.

Anything that prevents reading a file at all becomes an `InputError` with one line
`FILE: reason`, so that the CLI can stop with exit code 2 instead of a traceback.
"""

from __future__ import annotations

import codecs
import csv
import functools
import importlib.util
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..dq import data_quality
from ..errors import InputError
from ..files import regular_file_problem
from ..models import Finding
from . import census
from .headers import fold_words
from .limits import MAX_COLUMNS, check_file_size
from .values import PLAIN_ID_RE2
from .workbooks import Workbook, frames, open_workbook, workbook_kind

Row = tuple[int, Sequence[Any]]

DELIMITED_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
UNSUPPORTED_SUFFIXES = frozenset({".numbers"})
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
    census: list[Path] = field(default_factory=list)  # DfE census returns (`census.sniff`)


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
            names = (reader or Reader()).sheet_names(data, data.name)
            _discover_workbook(data, names, found, taken)
        else:
            _check_suffix(data, data.name)
            raise InputError(
                f"{data}: DATA must be a folder of exports (one file per table) or a workbook "
                "(.xlsx, .xlsm, .xlsb, .xls, .ods) with one sheet per table"
            )
    return found


_TABLE_SUFFIXES = DELIMITED_SUFFIXES | WORKBOOK_SUFFIXES | UNSUPPORTED_SUFFIXES


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
        table = table_for_name(entry.stem) if suffix in _TABLE_SUFFIXES else None
        problem = regular_file_problem(entry)
        if problem is not None:
            if table is None:
                continue  # not a table, not a file: nothing to read or report
            # Named like a table but a pipe, a device, a folder or a broken link: reading
            # it could block or never end, and leaving it out would change the findings.
            raise InputError(
                f"{name}: {problem}; the {table} table must be an ordinary file "
                "(copy the export into the folder)"
            )
        if any(path == entry.resolve() for path, _ in taken):
            continue  # read as the mapping file says
        if census.sniff(entry):  # (a regular file: sniffing cannot block)
            found.census.append(entry)  # a workforce census return, whatever its name
            continue
        if suffix not in _TABLE_SUFFIXES:
            continue
        if table is None:
            if suffix != ".txt":  # a README.txt is not a table and not worth a finding
                found.unrecognised.append(name)
                found.findings.append(data_quality("unrecognised-file", file=name, what="file"))
            continue
        source = Source(table=table, path=entry, label=name)
        if table in found.sources and found.sources[table].mapped:
            found.findings.append(
                data_quality("mapped-elsewhere", file=name, table=table, source=found.sources[table].label)
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
            found.findings.append(data_quality("unrecognised-file", file=label, what="sheet"))
            continue
        if table in found.sources and found.sources[table].mapped:
            found.findings.append(
                data_quality("mapped-elsewhere", file=label, table=table, source=found.sources[table].label)
            )
            continue
        if table in found.sources:
            raise InputError(
                f"two {table} sheets in {book.name}: {found.sources[table].label} and {label}; "
                "remove one or name the right one in a mapping file"
            )
        found.sources[table] = Source(table=table, path=book, label=label, sheet=sheet)


# --------------------------------------------------------------------------- workbooks


def _sheet_rows(book: Workbook, sheet: str | None, label: str, table: str, notes: list[Finding]) -> list:
    """The rows of the sheet holding `table`: the named sheet, else the workbook's only
    sheet, the one named after the table, or the first (with a note saying so)."""
    names = book.sheet_names
    if sheet is None:
        if not names:
            raise InputError(f"{label}: the workbook has no sheets")
        matching = [n for n in names if table_for_name(n) == table]
        sheet = matching[0] if len(matching) == 1 else names[0]
        if len(names) > 1 and len(matching) != 1:
            notes.append(data_quality("extra-sheets", file=label, count=len(names), sheet=sheet))
    elif sheet not in names:
        raise InputError(f"{label}: no sheet named '{sheet}' (sheets: {', '.join(names)})")
    return book.rows(sheet)


# --------------------------------------------------------------------------- delimited text

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ",;\t|"
_SEP_LINE = re.compile(r"^sep=(.)\r?$")
_READ_BYTES = 1 << 20
_HEAD_CHARS = 65536 + 64
"""Text kept from the start of a file: the `sep=` line, then the sniffing sample."""
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters no text export contains (tab, line breaks and form feed excepted)."""


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


@dataclass
class _TextScan:
    """What one pass over a file's text found, without keeping the text."""

    encoding: str
    head: str = ""  # the first _HEAD_CHARS characters
    blank: bool = True  # whitespace only
    nul: bool = False  # a NUL character anywhere: binary data
    wrapped: bool = False  # '="' somewhere: cells may be written ="00123"


#: Encodings in which a piece of ASCII bytes decodes to the same ASCII text (stateless
#: apart from a multi-byte character cut at a piece's end, which `_scan_text` checks).
_ASCII_TRANSPARENT = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii"})


def _scan_text(open_binary: Callable[[], BinaryIO], encoding: str) -> _TextScan:
    """Decode the whole file in pieces with `encoding` (UnicodeDecodeError if it is not
    that encoding, LookupError if there is no such codec), noting what `_TextScan` holds.

    A piece of plain ASCII, past the head and the first non-blank text, is checked as
    bytes without being decoded (it reads the same in any `_ASCII_TRANSPARENT`
    encoding): nearly all of an export, at memory speed."""
    scan = _TextScan(encoding)
    try:  # LookupError for a codec that is not a text encoding (base64), as bytes.decode gives
        b"a".decode(encoding)
    except UnicodeDecodeError:
        pass
    transparent = codecs.lookup(encoding).name in _ASCII_TRANSPARENT
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    head: list[str] = []
    kept = 0
    last = ""
    with open_binary() as handle:
        while True:
            data = handle.read(_READ_BYTES)
            if (
                transparent
                and data
                and kept >= _HEAD_CHARS
                and not scan.blank  # (so the first piece, with any BOM, has been decoded)
                and data.isascii()
                and not decoder.getstate()[0]  # (no character cut at the last piece's end)
            ):
                if not scan.nul and b"\x00" in data:
                    scan.nul = True
                if not scan.wrapped and ((last == "=" and data[:1] == b'"') or _has_wrapped_bytes(data)):
                    scan.wrapped = True
                last = chr(data[-1])
                continue
            text = decoder.decode(data, final=not data)
            if text:
                if kept < _HEAD_CHARS:
                    head.append(text[: _HEAD_CHARS - kept])
                    kept += len(head[-1])
                if scan.blank and text.strip():
                    scan.blank = False
                if not scan.nul and "\x00" in text:
                    scan.nul = True
                if not scan.wrapped and ('="' in last + text[:1] or '="' in text):
                    scan.wrapped = True
                last = text[-1]
            if not data:
                break
    scan.head = "".join(head)
    return scan


def _has_wrapped_bytes(data: bytes) -> bool:
    """`b'="' in data`, by finding each `=` (rare in exports; `in` is slow on a two-byte
    needle: 0.15 s for 160 MB)."""
    at = data.find(b"=")
    for _ in range(64):
        if at == -1:
            return False
        if data[at + 1 : at + 2] == b'"':
            return True
        at = data.find(b"=", at + 1)
    return b'="' in data  # (many = signs: the plain search after all)


def _choose_encoding(open_binary: Callable[[], BinaryIO], label: str, encoding: str | None) -> _TextScan:
    """The file's encoding, as `decode` chooses it, found by reading the file in pieces."""
    try:
        if encoding:
            try:
                return _scan_text(open_binary, encoding)
            except LookupError:
                raise InputError(f"{label}: unknown encoding '{encoding}'") from None
            except UnicodeDecodeError as exc:
                raise InputError(f"{label}: not valid {encoding} text ({exc.reason})") from None
        with open_binary() as handle:
            start = handle.read(2)
        if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            try:
                return _scan_text(open_binary, "utf-16")
            except UnicodeDecodeError as exc:
                raise InputError(f"{label}: not valid UTF-16 text ({exc.reason})") from None
        for name in _ENCODINGS:
            try:
                return _scan_text(open_binary, name)
            except UnicodeDecodeError:
                continue
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
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
    check_file_size(path, label)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    except MemoryError:
        raise InputError(f"{label}: too large to read into memory") from None


IN_MEMORY_BYTES = 64 * 1024 * 1024
"""Files up to this size are read whole; larger ones are read from disk in pieces."""


def _binary(path: Path, label: str) -> tuple[bytes, Callable[[], BinaryIO]]:
    """The file's first bytes, and a way to open it as a binary stream (as many times as
    needed), after checking its size against the limit."""
    if check_file_size(path, label) <= IN_MEMORY_BYTES:
        data = read_bytes(path, label)
        return data[:8], lambda: io.BytesIO(data)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    return magic, lambda: open(path, "rb")  # noqa: SIM115 (the caller closes it)


def _is_binary(scan: _TextScan) -> bool:
    """NUL characters, or many control characters at the start: not a text export."""
    if scan.nul:
        return True
    sample = scan.head[:4096]
    controls = len(_CONTROL.findall(sample))
    return controls >= 32 and controls * 20 > len(sample)


def _csv_error(label: str, row: int, exc: csv.Error) -> InputError:
    if "field larger than field limit" in str(exc):
        return InputError(
            f"{label} row {row}: a cell is longer than {csv.field_size_limit():,} characters (a "
            'spreadsheet cell holds at most 32,767): usually a quote mark (") that is never '
            "closed, so that the rest of the file reads as one cell; check that row"
        )
    return InputError(f"{label} row {row}: cannot read the CSV ({exc})")


@dataclass(frozen=True)
class _Dialect:
    """How a delimited text file is written, found once and used by both readers."""

    encoding: str
    delimiter: str
    sep_line: bool  # Excel's "sep=;" hint line comes first (not a row)
    wrapped: bool  # some cell may be written ="00123"


def _dialect(open_binary: Callable[[], BinaryIO], source: Source) -> _Dialect:
    label = source.label
    scan = _choose_encoding(open_binary, label, source.encoding)
    if scan.blank:
        raise InputError(f"{label}: the file is empty (no header row)")
    if _is_binary(scan):
        raise InputError(f"{label}: not a text file (it contains binary data)")
    head = scan.head
    first_line_end = head.find("\n")
    first_line = head if first_line_end < 0 else head[:first_line_end]
    sep = _SEP_LINE.match(first_line) if first_line_end >= 0 or len(head) < _HEAD_CHARS else None
    delimiter = source.delimiter
    if sep:  # Excel's "sep=;" hint line: not shown as a row when Excel opens the file
        delimiter = delimiter or sep.group(1)
        head = "" if first_line_end < 0 else head[first_line_end + 1 :]
    if delimiter is None:
        delimiter = "\t" if source.path.suffix.lower() == ".tsv" else sniff_delimiter(head)
    return _Dialect(scan.encoding, delimiter, bool(sep), scan.wrapped)


def _iter_delimited(open_binary: Callable[[], BinaryIO], source: Source, dialect: _Dialect) -> Iterator[Row]:
    """The rows of a delimited text file, decoded in pieces (the text is never held
    whole): one pass finds the encoding and looks for binary data, the second parses."""
    label = source.label
    try:
        handle = open_binary()
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    number = 0
    try:
        with io.TextIOWrapper(handle, encoding=dialect.encoding, newline="") as stream:
            if dialect.sep_line:
                stream.readline()
            reader = csv.reader(stream, delimiter=dialect.delimiter)
            if dialect.wrapped:
                for number, cells in enumerate(reader, start=1):  # noqa: B007
                    if len(cells) > MAX_COLUMNS:
                        raise _too_wide(label, number, len(cells))
                    yield number, [_unwrap(c) if c[:2] == '="' else c for c in cells]
            else:  # no cell can be wrapped: the rows as the csv module reads them
                for number, cells in enumerate(reader, start=1):  # noqa: B007
                    if len(cells) > MAX_COLUMNS:
                        raise _too_wide(label, number, len(cells))
                    yield number, cells
    except csv.Error as exc:
        raise _csv_error(label, number + 1, exc) from exc
    except UnicodeDecodeError as exc:  # the file changed while it was read
        raise InputError(f"{label}: not valid {dialect.encoding} text ({exc.reason})") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    finally:
        handle.close()


FRAME_ROWS = 262144
"""Rows parsed together by the fast reader: each column of such a chunk is a few
megabytes of pointers, and the strings behind them are freed chunk by chunk."""

ARROW_MIN_BYTES = 4 * 2**20
"""Delimited files at least this large are parsed by pyarrow's reader (`_iter_arrow_frames`):
it parses on every core and hands each column over as codes into its distinct cells,
never making a string per cell. Smaller files are not worth importing it for."""

ARROW_BLOCK_BYTES = 16 * 2**20


class CodedColumn:
    """A chunk's column as codes into its distinct cells (`uniques`, no repeats), as the
    Arrow and workbook readers give it (and `convert` makes of the others), with two
    facts about each distinct cell: `blank` (empty or whitespace) and `plain` (a plain
    id, `values.PLAIN_ID`; None where the reader did not find it). Indexing a position
    gives the cell."""

    __slots__ = ("codes", "uniques", "blank", "plain")

    def __init__(
        self, codes: np.ndarray, uniques: np.ndarray, blank: np.ndarray, plain: np.ndarray | None
    ) -> None:
        self.codes, self.uniques, self.blank, self.plain = codes, uniques, blank, plain

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, key: int) -> Any:
        return self.uniques[self.codes[key]]


def _iter_arrow_frames(
    open_binary: Callable[[], BinaryIO], dialect: _Dialect, width: int, skip: int
) -> Iterator[tuple[int, list[CodedColumn]]]:
    """`_iter_frames`, parsed by pyarrow: (number of the chunk's first row, its columns
    as `CodedColumn`s), from row `skip + 1` on. Every row must have exactly `width`
    cells: any other row (a blank line, a ragged row) raises, and the caller falls back
    to the csv module from there."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as arrow_csv

    names = [str(i) for i in range(width)]
    handle = open_binary()
    try:
        encoding = dialect.encoding
        if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
            if handle.read(3) != codecs.BOM_UTF8:
                handle.seek(0)
            encoding = "utf8"  # (pyarrow decodes anything else through Python's codecs)
        reader = arrow_csv.open_csv(
            handle,
            read_options=arrow_csv.ReadOptions(
                skip_rows=skip + dialect.sep_line,
                column_names=names,
                block_size=ARROW_BLOCK_BYTES,
                encoding=encoding,
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=dialect.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        number = skip + 1
        for batch in reader:
            if not batch.num_rows:
                continue
            columns = []
            for column in batch.columns:
                encoded = column.dictionary_encode()
                codes = encoded.indices.to_numpy()
                cells = encoded.dictionary
                if dialect.wrapped:
                    remap, unique = pd.factorize(_unwrapped(cells.to_pylist()))  # ="001", 001: one cell
                    codes, cells = remap[codes], pa.array(unique, type=pa.string())
                columns.append(coded(codes, cells))
            yield number, columns
            number += batch.num_rows
    finally:
        handle.close()


def _iter_frames(
    open_binary: Callable[[], BinaryIO], dialect: _Dialect, width: int, skip: int
) -> Iterator[tuple[int, list[np.ndarray]]]:
    """The same rows as `_iter_delimited`, parsed by pandas' C reader a chunk at a time:
    (number of the chunk's first row, its columns as object arrays of strings), from
    row `skip + 1` on. Every row is padded with blank cells to `width`; a row wider than
    that raises `pandas.errors.ParserError`, and the caller falls back to the csv module,
    which is exact about every quirk of a file but several times slower."""
    import pandas as pd

    handle = open_binary()
    try:
        if dialect.sep_line:
            handle.readline()
        chunks = pd.read_csv(
            handle,
            sep=dialect.delimiter,
            header=None,
            names=range(width),
            index_col=False,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            skiprows=skip,
            quotechar='"',
            doublequote=True,
            engine="c",
            encoding=dialect.encoding,
            chunksize=FRAME_ROWS,
        )
        number = skip + 1
        with chunks:
            for chunk in chunks:
                columns = [chunk[i].to_numpy(dtype=object) for i in range(width)]
                if dialect.wrapped:
                    columns = [_unwrap_column(c) for c in columns]
                yield number, columns
                number += len(chunk)
    finally:
        handle.close()


def coded(codes: np.ndarray, cells: Any) -> CodedColumn:
    """A `CodedColumn` from codes and an Arrow string array of the distinct cells."""
    import pyarrow.compute as arrow

    uniques = cells.to_numpy(zero_copy_only=False)
    # Blank: empty or whitespace as Python's str.isspace says; only cells with no ASCII
    # letter or digit can be, and those few are asked in Python.
    unsure = np.flatnonzero(~arrow.match_substring_regex(cells, "[A-Za-z0-9]").to_numpy(zero_copy_only=False))
    blank = np.zeros(len(uniques), dtype=bool)
    blank[unsure] = [not cell or cell.isspace() for cell in uniques[unsure].tolist()]
    plain = arrow.match_substring_regex(cells, PLAIN_ID_RE2[0]).to_numpy(
        zero_copy_only=False
    ) & ~arrow.match_substring_regex(cells, PLAIN_ID_RE2[1]).to_numpy(zero_copy_only=False)
    return CodedColumn(codes, uniques, blank, plain)


@functools.cache
def _arrow_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def _unwrap_column(column: np.ndarray) -> np.ndarray:
    import pandas as pd

    codes, uniques = pd.factorize(column)
    return _unwrapped(uniques)[codes]


def _unwrapped(cells: Sequence[str]) -> np.ndarray:
    """Distinct cells with Excel's `="00123"` wrapping taken off, as an object array."""
    unwrapped = np.empty(len(cells), dtype=object)
    unwrapped[:] = [_unwrap(c) if c[:2] == '="' else c for c in cells]
    return unwrapped


def _too_wide(label: str, number: int, width: int) -> InputError:
    return InputError(
        f"{label} row {number}: {width:,} cells, more than a spreadsheet can hold "
        f"({MAX_COLUMNS:,} columns); not an export"
    )


class Reader:
    """Reads sources as raw rows; keeps workbooks open while their sheets are read and
    closes them all at the end (`with Reader() as reader:`)."""

    def __init__(self) -> None:
        self._books: dict[Path, Workbook] = {}
        self._sheets: dict[tuple[Path, str | None], list] = {}
        self.notes: list[Finding] = []

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for book in self._books.values():
            book.close()
        self._books.clear()
        self._sheets.clear()

    def _book(self, path: Path, label: str, magic: bytes | None = None) -> Workbook:
        key = path.resolve()
        if key not in self._books:
            if magic is None:
                magic = _magic(path, label)
            self._books[key] = open_workbook(path, label, magic)
        return self._books[key]

    def sheet_names(self, path: Path, label: str) -> list[str]:
        return list(self._book(path, label).sheet_names)

    def _workbook_rows(self, source: Source, magic: bytes | None = None) -> list:
        key = (source.path.resolve(), source.sheet)
        if key not in self._sheets:
            book = self._book(source.path, source.label, magic)
            self._sheets[key] = _sheet_rows(book, source.sheet, source.label, source.table, self.notes)
        return self._sheets[key]

    def _is_workbook(self, source: Source) -> tuple[bool, bytes | None]:
        """Whether the source is a workbook (by its suffix, or by its first bytes whatever
        its name), and those bytes when they were read."""
        path = source.path
        if path.resolve() in self._books or path.suffix.lower() in WORKBOOK_SUFFIXES:
            return True, None
        magic = _magic(path, source.label)
        return workbook_kind(magic) is not None, magic

    def rows(self, source: Source) -> Iterator[Row]:
        path = source.path
        _check_suffix(path, source.label)
        if not path.is_file():
            raise InputError(f"{source.label}: not a file")
        workbook, magic = self._is_workbook(source)
        if workbook:
            rows = self._workbook_rows(source, magic)
            return ((number, tuple(cells)) for number, cells in enumerate(rows, start=1))
        magic, open_binary = _binary(path, source.label)
        if source.sheet is not None:
            raise InputError(f"{source.label}: sheet '{source.sheet}' given, but this is not a workbook")
        return _iter_delimited(open_binary, source, _dialect(open_binary, source))

    def frames(self, source: Source, width: int, skip: int) -> Iterator[tuple[int, list[Any]]] | None:
        """The rows after row `skip` as column chunks: a workbook's (`workbooks.frames`,
        every row as wide as the sheet), or a delimited file's (`_iter_frames`, rows
        `width` cells wide); None when there is nothing to read that way."""
        path = source.path
        workbook, _ = self._is_workbook(source)
        if workbook:
            rows = self._sheets.pop((path.resolve(), source.sheet))  # (freed as it is read)
            return frames(rows, skip)
        _, open_binary = _binary(path, source.label)
        if _arrow_available() and path.stat().st_size >= ARROW_MIN_BYTES:
            return _iter_arrow_frames(open_binary, _dialect(open_binary, source), width, skip)
        return _iter_frames(open_binary, _dialect(open_binary, source), width, skip)

    def is_workbook(self, source: Source) -> bool:
        return self._is_workbook(source)[0]


def _magic(path: Path, label: str) -> bytes:
    check_file_size(path, label)
    try:
        with open(path, "rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc
