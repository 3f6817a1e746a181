"""`load_dataset`: read every table of an export folder or workbook into a `Dataset`.

The one entry point the CLI calls. It finds the tables (`sources`), picks each file's
header row and columns (`headers`, `columns`), converts the rows into column tables
(`convert`) and gathers the data-quality findings made on the way. A file that cannot
be read at all raises `InputError`; a bad row never does.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, dropwhile, islice
from pathlib import Path
from typing import Any

import numpy as np

from .. import collector
from ..column_tables import ColumnTable, StaffTable, object_array
from ..dq import data_quality
from ..errors import InputError, printable
from ..models import (
    ATTRIBUTES,
    REQUIRED_TABLES,
    TABLES,
    Dataset,
    Finding,
    Staff,
    TableInfo,
)
from .census import CensusReturn, NotACensusReturn, read_census
from .columns import AmbiguousColumns, UnreadableTable, resolve_columns
from .convert import TableConverter
from .extraction import extraction_date
from .headers import HEADER_SEARCH_ROWS, SAMPLE_ROWS, HeaderMatcher, find_header_row
from .mapping import Mapping, TableMapping, load_mapping
from .sources import TABLE_NAMES, Discovery, Reader, Row, Source, discover
from .specs import SPECS


@dataclass
class LoadResult:
    """What loading produced.

    `dataset.staff` holds the first row for each staff_id; later rows with the same id are
    named in a data-quality finding.
    """

    dataset: Dataset
    findings: list[Finding] = field(default_factory=list)


def load_dataset(
    path: Path, *, mapping: Path | None = None, month_first: bool = False, census: bool = False
) -> LoadResult:
    """Load DATA (a folder of exports, or one workbook with a sheet per table).

    `mapping` is an optional TOML mapping file; `month_first` reads ambiguous numeric
    dates as month/day (the mapping file's `date_order` can also ask for it). `census`
    also reads the DfE workforce census returns in DATA (`loaders.census`; the health
    check's): with one, the staff and supervisions tables are no longer required.
    Raises InputError when DATA, the mapping or a table's file cannot be read, or a
    required table or column is missing.
    """
    path = Path(path)
    try:
        with collector.paused(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"openpyxl(\..*)?")
            return _load(path, Path(mapping) if mapping is not None else None, month_first, census)
    except InputError as exc:
        message = str(exc)
        if printable(message) != message:  # a header or file name with a line break in it
            raise InputError(printable(message)) from exc
        raise


def _load(path: Path, mapping_path: Path | None, month_first: bool, census: bool) -> LoadResult:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    mapping = load_mapping(mapping_path, path) if mapping_path is not None else Mapping()
    month_first = month_first or mapping.month_first
    mapped = {name: t.source for name, t in mapping.tables.items() if t.source is not None}
    findings: list[Finding] = []
    tables: dict[str, ColumnTable] = {}
    infos: dict[str, TableInfo] = {}
    unread: dict[str, str] = {}
    with Reader() as reader:
        found = discover(path, mapped, reader)
        returns = _census_returns(found.census, findings) if census else []
        for table in TABLES:
            if table in REQUIRED_TABLES and table not in found.sources and not returns:
                raise InputError(_missing_table(path, table, found))
        findings.extend(found.findings)
        for table in TABLES:
            source = found.sources.get(table)
            if source is None:
                continue
            try:
                info, table_rows, table_findings = _load_table(
                    reader, source, mapping.table(table), month_first
                )
            except UnreadableTable as exc:
                if table in REQUIRED_TABLES:
                    raise
                findings.extend(reader.notes)
                reader.notes.clear()
                findings.append(_unread_table(table, exc))
                unread[table] = exc.reason
                continue
            findings.extend(reader.notes)
            reader.notes.clear()
            findings.extend(table_findings)
            tables[table] = table_rows
            infos[table] = info

    for one, other, column in SHARED_IDS:
        if one in tables and other in tables:
            _share_ids(tables[one], tables[other], column)
    staff, duplicate_findings = _first_row_per_staff_id(tables.get("staff", StaffTable.empty()))
    findings.extend(duplicate_findings)
    if "staff" in infos:
        staff, infos["staff"] = _implied_registration(staff, infos["staff"])
    dataset = Dataset(
        staff=staff,
        **{
            attribute: tables[table]
            for table, attribute in ATTRIBUTES.items()
            if table in tables and table != "staff"
        },
        tables=infos,
        unread=unread,
        census=returns,
    )
    return LoadResult(dataset=dataset, findings=findings)


SHARED_IDS: tuple[tuple[str, str, str], ...] = (
    ("allocations", "case_discussions", "case_id"),
    ("supervisions", "case_discussions", "session_id"),
)
"""Id columns two tables mostly share (a discussed case is an allocated one)."""

SHARE_MIN_IDS = 65536
"""Fewer distinct ids than this are not worth sharing: a few megabytes at most, and a
small council's CSV exports are read without importing pyarrow."""


def _share_ids(one: ColumnTable, other: ColumnTable, column: str) -> None:
    """Make `other`'s distinct ids in `column` the very strings `one` holds where they are
    equal, so that each id is held once: five years of a national export have three
    million case ids, 185 MB of strings in each of the two tables."""
    ours, theirs = one.uniques[column], other.uniques[column]
    if len(theirs) < SHARE_MIN_IDS:
        return
    import pyarrow as pa
    import pyarrow.compute as arrow

    where = arrow.index_in(pa.array(theirs, type=pa.string()), value_set=pa.array(ours, type=pa.string()))
    at = where.fill_null(-1).to_numpy()  # (-1: not among `one`'s ids)
    found = np.flatnonzero(at >= 0)
    theirs[found] = ours[at[found]]


def _unread_table(table: str, exc: UnreadableTable) -> Finding:
    """An optional table that cannot be read without a column it lacks or cannot tell
    apart: the run goes on without it, and says so."""
    if isinstance(exc, AmbiguousColumns):
        what = f"{exc.what}, and their values do not settle which is which"
        advice = "rename one, or map it in a mapping file"
    else:
        what = f"{exc.what} ({exc.advice})"
        advice = "map the column in a mapping file, or export it"
    return data_quality(
        "unread-table",
        what=what,
        table=table,
        advice=advice,
        file=exc.label,
        row=exc.header_row,
        column=", ".join(exc.headers) or exc.column,
    )


def _census_returns(paths: list[Path], findings: list[Finding]) -> list[CensusReturn]:
    """Each census return in DATA, one a reference date."""
    returns: list[CensusReturn] = []
    for path in paths:
        try:
            made, notes = read_census(path)
        except NotACensusReturn as exc:
            findings.append(
                data_quality("census-unreadable", file=path.name, problem=str(exc).split(": ", 1)[1])
            )
            continue
        findings.extend(notes)
        twin = next((r for r in returns if r.reference_date == made.reference_date), None)
        if twin is not None:
            raise InputError(
                f"two census returns for {made.reference_date.isoformat()} in {path.parent}: "
                f"{twin.label} and {made.label}; remove one"
            )
        returns.append(made)
    return sorted(returns, key=lambda r: r.reference_date)


def _implied_registration(staff: dict[str, Staff], info: TableInfo) -> tuple[dict[str, Staff], TableInfo]:
    """A well-formed Social Work England number with no `registered_social_worker` value
    says the person is registered (data.md): a table with the number column has, in
    effect, the registration column too. An explicit no is kept."""
    if "registration_number" not in info.columns:
        return staff, info
    staff = {
        sid: person.model_copy(update={"registered_social_worker": True})
        if person.registration_number and person.registered_social_worker is None
        else person
        for sid, person in staff.items()
    }
    return staff, info.model_copy(update={"columns": info.columns | {"registered_social_worker"}})


def _first_row_per_staff_id(table: ColumnTable) -> tuple[dict[str, Staff], list[Finding]]:
    """The people of the staff table, by id. A staff id must be unique: the first row is
    used, every later one is reported."""
    staff: dict[str, Staff] = {}
    findings = []
    for person in table:
        first = staff.setdefault(person.staff_id, person)
        if first is not person:
            where = f" (first on row {first.ref.row})" if first.ref else ""
            findings.append(
                data_quality(
                    "duplicate-staff",
                    file=person.ref.file if person.ref else None,
                    row=person.ref.row if person.ref else None,
                    column="staff_id",
                    value=person.staff_id,
                    staff_id=person.staff_id,
                    where=where,
                )
            )
    return staff, findings


def _missing_table(path: Path, table: str, found: Discovery) -> str:
    others = ", ".join(n for n in TABLE_NAMES[table][1:4])
    if found.workbook is not None:
        message = f"no {table} table in {path}: expected a sheet named {table} (or {others})"
    else:
        message = (
            f"no {table} table in {path}: expected {table}.csv or {table}.xlsx (or a file "
            f"named {others}, or a mapping file naming it)"
        )
    if found.unrecognised:
        message += f"; not recognised: {', '.join(found.unrecognised)}"
    return message


def _is_blank_row(cells: Sequence[Any]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell and not cell.isspace():
                return False
            continue
        return False
    return True


def _load_table(
    reader: Reader, source: Source, table_map: TableMapping, month_first: bool
) -> tuple[TableInfo, ColumnTable, list[Finding]]:
    spec = SPECS[source.table]
    label = source.label
    rows = reader.rows(source)
    search = max(HEADER_SEARCH_ROWS, source.header_row or 0)
    head = list(islice(rows, search))
    matcher = HeaderMatcher(source.table, mapped=table_map.columns, ignored=table_map.ignore)
    if source.header_row is not None:
        index = next((i for i, (n, _) in enumerate(head) if n == source.header_row), -1)
        if index < 0:
            raise InputError(f"{label}: header_row {source.header_row} is not in the file")
    else:
        index = find_header_row(matcher, head, spec.required)
    if index < 0:
        raise InputError(f"{label}: no header row (the first {search} rows are blank)")
    header_number, header_cells = head[index]
    below: list[Row] = []  # rows read past `head` to settle competing headers

    def sample() -> list[Sequence[Any]]:
        wanted = SAMPLE_ROWS - (len(head) - index - 1)
        if wanted > 0 and not below:
            below.extend(islice(rows, wanted))
        return [cells for _, cells in chain(head[index + 1 :], below)]

    columns, unnamed, findings, unread = resolve_columns(
        matcher,
        spec,
        label,
        header_number,
        header_cells,
        value_words=table_map.values,
        mapped_headers=table_map.headers,
        sample=sample,
    )
    converter = TableConverter(
        spec, label, columns, unnamed=unnamed, header_cells=header_cells, month_first=month_first
    )
    parts: list[ColumnTable] = []
    rows_read = 0
    remaining: Iterator[Row] = chain(head[index + 1 :], below, rows)
    # The fast reader starts after the header row (title lines above it may be narrower).
    # As wide as the widest data row seen, and the header up to its last named cell: not
    # the header's thousands of trailing blank cells (a "select all" export), which would
    # pad every row to them (a wider row later hands over to the csv module, which reads
    # any width).
    named = max((j + 1 for j, cell in enumerate(header_cells) if not _is_blank_row([cell])), default=1)
    width = max((len(cells) for number, cells in head if number > header_number), default=named)
    width = max(width, named)
    frames = reader.frames(source, width, header_number)
    fast = frames is not None
    if frames is None:
        chunks = _blocks(remaining)
    else:  # (a workbook's chunks are made from the very rows the header search read)
        chunks = frames if reader.is_workbook(source) else _checked_frames(frames, head)
    done = header_number  # the last row converted
    while True:
        try:
            first, chunk = next(chunks)
        except StopIteration:
            break
        except Exception:  # a ragged or odd row: the csv module takes over from there
            if not fast:
                raise
            fast = False
            chunks = _blocks(dropwhile(lambda row, done=done: row[0] <= done, remaining))
            continue
        converted = converter.convert(first, chunk)
        rows_read += converted.rows_read
        findings.extend(converted.findings)
        parts.append(converted.table)
        if chunk:
            done = first + len(chunk[0]) - 1
    extracted = extraction_date(head[:index], month_first)
    info = TableInfo(
        name=source.table,
        label=label,
        columns=converter.present,
        rows_read=rows_read,
        unread=unread,
        extracted=extracted.day if extracted else None,
        extracted_text=extracted.text if extracted else "",
    )
    return info, spec.table.concat(parts), findings


class _FrameMismatch(Exception):
    pass


Chunk = tuple[int, list[Any]]


def _checked_frames(frames: Iterator[Chunk], head: list[Row]) -> Iterator[Chunk]:
    """The fast reader's chunks, after checking that its first rows are the csv module's
    (the header search read them with it): any disagreement on quoting, line ends or
    encoding, and the whole file is read by the csv module instead."""
    checked = False
    for first, columns in frames:
        if not checked:
            checked = True
            for number, cells in head:
                j = number - first
                if j < 0:
                    continue  # above the rows the fast reader was asked for
                if j >= len(columns[0]):
                    raise _FrameMismatch
                got = [c[j] for c in columns]
                if got[: len(cells)] != list(cells) or any(got[len(cells) :]):
                    raise _FrameMismatch
        yield first, columns


BLOCK_ROWS = 65536
"""Rows the csv module's reader hands over together, as columns, to the converter."""


def _blocks(rows: Iterator[Row]) -> Iterator[Chunk]:
    """Rows read by the csv module, as the fast readers' chunks: (number of the first
    row, its columns as object arrays of strings, short rows padded with blank cells).
    The csv module numbers rows one by one (`sources._iter_delimited`), so a block's rows
    are consecutive."""
    while True:
        block = list(islice(rows, BLOCK_ROWS))
        if not block:
            return
        width = max(len(cells) for _, cells in block)
        padded = [
            cells if len(cells) == width else [*cells, *[""] * (width - len(cells))] for _, cells in block
        ]
        yield block[0][0], [object_array(list(column)) for column in zip(*padded, strict=True)]
