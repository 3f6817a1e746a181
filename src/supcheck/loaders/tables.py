"""Per-table column specs, and turning a table's rows into models.

`TableLoader` is built once per file from its header row (each canonical column's
position, unit and value words resolved up front) and then converts each data row.
A row is either a model or named in a data-quality finding that ends "row not used":
that accounting is what lets a manager trust that nothing vanished. Only checks
within one row are made here; checks across rows and tables (unknown staff ids,
duplicates, dates after as-of) belong to the rules.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from operator import itemgetter
from typing import Any

import numpy as np
from pydantic import ValidationError

from ..column_tables import (
    NAT,
    AbsenceTable,
    AgreementTable,
    AllocationTable,
    AppraisalTable,
    ColumnTable,
    DiscussionTable,
    SessionTable,
    factorize_ids,
    filled,
    object_array,
    to_day_array,
)
from ..dq import data_quality
from ..errors import InputError
from ..models import (
    Absence,
    Agreement,
    Allocation,
    Appraisal,
    Discussion,
    Finding,
    Record,
    Session,
    SourceRef,
    Staff,
)
from ..swe import normalise as normalise_swe_number
from .headers import PREFIXES, SYNONYMS, HeaderMatcher, Heading, decide_columns, fold_header
from .sources import CodedColumn
from .values import (
    PLAIN_ID,
    fold_word,
    id_text,
    is_blank,
    looks_scientific,
    minutes_between,
    null_text,
    parse_bool,
    parse_date,
    parse_duration,
    parse_id,
    parse_number,
    parse_status,
    parse_time,
    parse_type,
    to_text,
)

# --------------------------------------------------------------------------- specs

REGISTRATION_NUMBER_SYNONYMS: tuple[str, ...] = (
    "swe reg no",
    "swe registration number",
    "swe registration no",
    "swe number",
    "swe no",
    "swe id",
    "social work england number",
    "social work england registration number",
    "registration number",
    "registration no",
    "professional registration number",
    "hcpc number",
    "hcpc registration number",
)
"""Headers of the staff table's Social Work England number. (Kept here, and added to
`headers.SYNONYMS` below, while headers.py is being changed on another branch: they
belong in `SYNONYMS["staff"]` there.)"""
SYNONYMS["staff"].setdefault("registration_number", REGISTRATION_NUMBER_SYNONYMS)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # id text date end_date duration time bool number status type swe
    required: bool = False


def _c(name: str, kind: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, kind, required)


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[Record]
    columns: tuple[ColumnSpec, ...]
    person: str | None = None  # the column whose value a finding's staff_id gets
    case: str | None = None
    day: str | None = None  # the row's date, for a finding's start/end
    aux: frozenset[str] = frozenset()  # read to derive a field, not model fields

    def kind(self, column: str) -> str | None:
        for spec in self.columns:
            if spec.name == column:
                return spec.kind
        return None

    @property
    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.required)


SPECS: dict[str, TableSpec] = {
    "staff": TableSpec(
        "staff",
        Staff,
        (
            _c("staff_id", "id", True),
            _c("name", "text"),
            _c("first_name", "text"),
            _c("last_name", "text"),
            _c("role", "text", True),
            _c("team", "text"),
            _c("line_manager_id", "id"),
            _c("start_date", "date", True),
            _c("end_date", "end_date"),
            _c("case_holding", "bool"),
            _c("registered_social_worker", "bool"),
            _c("registration_expires", "date"),
            _c("asye_start", "date"),
            _c("enhanced_from", "date"),
            _c("enhanced_until", "date"),
            _c("fte", "number"),
            _c("agency", "bool"),
            _c("email", "text"),
            _c("registration_number", "swe"),
        ),
        person="staff_id",
        aux=frozenset({"first_name", "last_name"}),
    ),
    "supervisions": TableSpec(
        "supervisions",
        Session,
        (
            _c("session_id", "id"),
            _c("supervisee_id", "id", True),
            _c("supervisor_id", "id"),
            _c("date", "date", True),
            _c("duration_minutes", "duration"),
            _c("start_time", "time"),
            _c("end_time", "time"),
            _c("type", "type"),
            _c("status", "status"),
            _c("interrupted", "bool"),
            _c("signed_by_supervisee", "bool"),
            _c("signed_by_supervisor", "bool"),
        ),
        person="supervisee_id",
        day="date",
        aux=frozenset({"start_time", "end_time"}),
    ),
    "absences": TableSpec(
        "absences",
        Absence,
        (
            _c("staff_id", "id", True),
            _c("start_date", "date", True),
            _c("end_date", "date", True),
            _c("reason", "text"),
        ),
        person="staff_id",
        day="start_date",
    ),
    "allocations": TableSpec(
        "allocations",
        Allocation,
        (
            _c("case_id", "id", True),
            _c("worker_id", "id", True),
            _c("start_date", "date", True),
            _c("end_date", "end_date"),
        ),
        person="worker_id",
        case="case_id",
        day="start_date",
    ),
    "case_discussions": TableSpec(
        "case_discussions",
        Discussion,
        (
            _c("case_id", "id", True),
            _c("worker_id", "id", True),
            _c("date", "date", True),
            _c("recorded_date", "date"),
            _c("session_id", "id"),
            _c("decided_by", "id"),
        ),
        person="worker_id",
        case="case_id",
        day="date",
    ),
    "agreements": TableSpec(
        "agreements",
        Agreement,
        (
            _c("staff_id", "id", True),
            _c("supervisor_id", "id"),
            _c("signed_date", "date", True),
            _c("signed_by_supervisee", "bool"),
            _c("signed_by_supervisor", "bool"),
        ),
        person="staff_id",
        day="signed_date",
    ),
    "appraisals": TableSpec(
        "appraisals",
        Appraisal,
        (_c("staff_id", "id", True), _c("date", "date", True)),
        person="staff_id",
        day="date",
    ),
}

END_DATE_MEANING = {
    "staff": "no end date: treated as still employed",
    "allocations": "no end date: treated as still allocated",
}


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: how a spreadsheet user finds a column with no header."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- header resolution


@dataclass
class Column:
    """One canonical column as found in a file."""

    spec: ColumnSpec
    index: int
    header: str
    unit: str | None = None
    words: Mapping[str, object] | None = None  # mapped value words (folded) -> value


DEFAULTED_KINDS = frozenset({"end_date", "status", "type"})
"""Column kinds whose blank cell means something the rules rely on (still employed or
allocated, held, individual). Two headers that tie for such a column stop the table as
a tie on a required column does: reading neither would quietly give every row that
meaning."""


class UnreadableTable(InputError):
    """A table cannot be read without a column it lacks or cannot tell apart. The loader
    stops on it for a required table; an optional table is left unread (`reason` is why,
    for the rules that are then not assessed; `what` and `advice` make its finding)."""

    def __init__(
        self, label: str, header_row: int, column: str, headers: Sequence[str], what: str, advice: str
    ) -> None:
        self.label, self.header_row, self.column, self.headers = label, header_row, column, list(headers)
        self.what, self.advice = what, advice
        self.reason = f"{label}: {what}"
        super().__init__(f"{self.reason}; {advice}")


class AmbiguousColumns(UnreadableTable):
    """Headers tie for a column the table cannot be read without, and their values do
    not settle it."""

    def __init__(self, label: str, header_row: int, column: str, headers: Sequence[str]) -> None:
        what = f"columns {_and(headers)} {_both(headers)} read as {column}"
        super().__init__(label, header_row, column, headers, what, "rename one or map it in a mapping file")


class MissingColumn(UnreadableTable):
    """No header names a column the table cannot be read without."""

    def __init__(self, label: str, header_row: int, column: str, looked_for: str) -> None:
        super().__init__(label, header_row, column, [], f"no {column} column", looked_for)
        self.args = (f"{self.reason} ({looked_for})",)


def resolve_columns(
    matcher: HeaderMatcher,
    spec: TableSpec,
    label: str,
    header_row: int,
    header_cells: Sequence[object],
    value_words: Mapping[str, Mapping[str, object]] | None = None,
    mapped_headers: Mapping[str, str] | None = None,
    sample: Callable[[], Sequence[Sequence[object]]] = lambda: (),
) -> tuple[dict[str, Column], list[int], list[Finding], dict[str, str]]:
    """Which cell of the header is which canonical column (`headers.decide_columns`
    settles competing headers, from `sample`, the data rows below the header, if need be).

    Returns the columns found, the positions of blank header cells (to notice data
    without a header), findings for unknown, duplicate and ambiguous headers, and why
    a column that tied is not read (column -> reason). Raises InputError when a
    required column is missing, and `AmbiguousColumns` when a required or
    `DEFAULTED_KINDS` column ties.
    """
    findings: list[Finding] = []
    headings: list[Heading] = []
    unnamed: list[int] = []
    seen_keys: set[str] = set()
    bracketed: dict[str, list[str]] = {}  # header key without brackets -> headers with them
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            unnamed.append(index)
            continue
        folded = fold_header(cell)
        seen_keys.add(folded.exact)
        if folded.exact != folded.key:
            bracketed.setdefault(folded.key, []).append(folded.text)
        readings = matcher.readings(folded)
        if not readings:
            if not matcher.is_ignored(folded):
                findings.append(
                    data_quality(
                        f"column '{folded.text}' not recognised; ignored",
                        file=label,
                        row=header_row,
                        column=folded.text,
                    )
                )
            continue
        headings.append(Heading(index, folded.text, readings))
    for key, header in (mapped_headers or {}).items():
        if key not in seen_keys:
            near = bracketed.get(key, [])
            hint = (
                f" (the header has {_and(near)}: a mapping key names a header as the export "
                "writes it, brackets included)"
                if near
                else ""
            )
            findings.append(
                data_quality(
                    f"the mapping file names column '{header}', which is not in the header{hint}",
                    file=label,
                    row=header_row,
                    column=header,
                )
            )

    kinds = {c.name: c.kind for c in spec.columns}
    decision = decide_columns(headings, kinds, sample)
    columns: dict[str, Column] = {}
    for name, (heading, match) in decision.used.items():
        column_spec = next(c for c in spec.columns if c.name == name)
        columns[name] = Column(
            column_spec, heading.index, heading.text, match.unit, (value_words or {}).get(name)
        )
    unread: dict[str, str] = {}
    notes: list[tuple[int, Finding]] = []  # (header position, finding): in header order
    for name, tied in decision.tied.items():
        headers = [h.text for h in tied]
        unread[name] = f"{label}: columns {_and(headers)} {_both(headers)} read as {name}"
        message = f"columns {_and(headers)} {_both(headers)} read as {name}; " + (
            "none used" if len(headers) > 2 else "neither used"
        )
        notes.append(
            (tied[0].index, data_quality(message, file=label, row=header_row, column=", ".join(headers)))
        )
    for ignored in decision.ignored:
        used = f", but '{ignored.used.text}' is used" if ignored.used is not None else ""
        why = f" ({ignored.why})" if ignored.why else ""
        message = f"column '{ignored.heading.text}' also reads as {ignored.column}{used}{why}; ignored"
        notes.append(
            (
                ignored.heading.index,
                data_quality(message, file=label, row=header_row, column=ignored.heading.text),
            )
        )
    findings.extend(finding for _, finding in sorted(notes, key=lambda note: note[0]))

    fatal = [name for name in decision.tied if name in spec.required or kinds[name] in DEFAULTED_KINDS]
    if fatal:  # (the first in the header is named)
        name = min(fatal, key=lambda name: decision.tied[name][0].index)
        raise AmbiguousColumns(label, header_row, name, [h.text for h in decision.tied[name]])
    for name in sorted(spec.required):
        if name in columns:
            continue
        spellings = ", ".join(f"'{s}'" for s in matcher.spellings(name))
        prefixes = ", ".join(f"'{p} ...'" for p in PREFIXES[spec.name][:3])
        shown = ", ".join(f"'{to_text(c)}'" for c in header_cells if not is_blank(c))
        raise MissingColumn(
            label,
            header_row,
            name,
            f"looked for {spellings}, also after a prefix such as {prefixes}; header taken "
            f"from row {header_row}: {shown or 'blank'}",
        )
    return columns, unnamed, findings, unread


def _both(items: Sequence[str]) -> str:
    return "both" if len(items) == 2 else "all"


def _and(items: Sequence[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


# --------------------------------------------------------------------------- rows
#
# Rows are converted a block at a time, column by column: each column's cells are read
# through a per-file memo (exports repeat the same dates, ids and words on thousands of
# rows, so most cells are one dictionary lookup), and only then are the rows assembled
# into models. The outcome is exactly that of converting one row at a time: the same
# models, and the same findings in the same order (row by row, and within a row the
# unnamed-column notes, then the cells from left to right, then the checks across cells).

BLOCK_ROWS = 4096
"""Rows converted together: large enough to amortise the per-column work, small enough
that the raw cells of only one block are held at a time."""

_MEMO_LIMIT = 65536
"""A column's memo is emptied when it holds more distinct values than this (ids of
millions of cases are not worth remembering)."""


class _Skip:
    """A blank cell, or a placeholder such as `N/A`: the field is simply not set."""

    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover (debugging aid)
        return "SKIP"


_SKIP = _Skip()


class _Problem:
    """A cell that gives a finding: fatal ("row not used") or not. `value` is what the
    field is still set to (an id in scientific notation), or `_SKIP`; `shown` says whether
    the finding quotes the cell (not for a missing value)."""

    __slots__ = ("fatal", "message", "value", "shown")

    def __init__(self, fatal: bool, message: str, value: object = _SKIP, shown: bool = True) -> None:
        self.fatal = fatal
        self.message = message
        self.value = value
        self.shown = shown


_MISSING = _Problem(True, "is missing", shown=False)

_SCIENTIFIC_NOTE = "looks like an id Excel showed in scientific notation (digits may be lost); read as it is."


def _parser(kind: str, month_first: bool, unit: str | None) -> Callable[[Any], Any]:
    if kind in ("date", "end_date"):
        return lambda value: parse_date(value, month_first=month_first)
    if kind == "duration":
        return lambda value: parse_duration(value, unit=unit)
    return {
        "time": parse_time,
        "bool": parse_bool,
        "number": parse_number,
        "status": parse_status,
        "type": parse_type,
        "swe": normalise_swe_number,
    }[kind]


def _cell_reader(
    table: str,
    kind: str,
    required: bool,
    words: Mapping[str, object] | None,
    parse: Callable[[Any], Any] | None,
) -> Callable[[Any], Any]:
    """One column's cell -> its value, `_SKIP` or a `_Problem`. A pure function of the
    cell, so that string cells can be memoised."""

    def read(raw: Any) -> Any:
        if (
            raw is None
            or raw == ""
            or (raw.__class__ is str and raw.isspace())
            or (raw.__class__ is float and raw != raw)
        ):
            return _MISSING if required else _SKIP
        if kind == "id":
            if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
                return _SKIP  # "N/A" as a line manager or supervisor: none
            value = id_text(raw) if raw.__class__ is str else parse_id(raw)
            if ("E+" in value or "e+" in value) and looks_scientific(value):
                return _Problem(False, _SCIENTIFIC_NOTE, value)
            return value
        if kind == "text":
            return to_text(raw)
        if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
            return _SKIP
        if words is not None:
            word = fold_word(raw)
            if word in words:
                return words[word]
        try:
            return parse(raw)  # type: ignore[misc]
        except ValueError as exc:
            if required or kind in ("status", "type"):
                return _Problem(True, str(exc))
            if kind == "end_date":
                return _Problem(False, f"{exc}; read as blank ({END_DATE_MEANING[table]}).")
            if kind == "time":
                return _Problem(False, f"{exc}; duration read as blank.")
            return _Problem(False, f"{exc}; read as blank.")

    return read


class _Memo(dict):
    """String cell -> what the column makes of it, computed once."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        super().__init__()
        self.read = read
        self.problems = False  # some remembered cell gives a finding
        self.made = 0  # findings computed so far (never reset)
        self.skips = False  # some remembered cell is blank
        self.skipped = 0  # blanks computed so far (never reset)

    def __missing__(self, raw: Any) -> Any:
        result = self.read(raw)
        if result.__class__ is _Problem:
            self.problems = True
            self.made += 1
        elif result is _SKIP:
            self.skips = True
            self.skipped += 1
        if len(self) >= _MEMO_LIMIT:
            self.clear()
            self.problems = result.__class__ is _Problem
            self.skips = result is _SKIP
        self[raw] = result
        return result


@dataclass
class _PlannedColumn:
    name: str
    index: int
    header: str
    read: Callable[[Any], Any]
    memo: _Memo
    plain_ids: bool = False  # an id column: plain id cells read as themselves


class _Builder:
    """`build(label, row, fields)` == `model(ref=SourceRef(file=label, row=row), **fields)`.

    One call into pydantic's validator per row (the ref is validated from a dict in the
    same call). Records with the same fields set then share one `model_fields_set`
    object: pydantic gives each instance its own set, which is most of the memory a
    small model takes, and a frozen model never changes it (`model_copy` copies it first).
    """

    def __init__(self, model: type[Record]) -> None:
        self.validate = model.__pydantic_validator__.validate_python
        self.fields_sets: dict[tuple[str, ...], set[str]] = {}

    def __call__(self, label: str, row: int, fields: dict[str, Any]) -> Record:
        key = tuple(fields)
        fields["ref"] = SourceRef(label, row)
        record = self.validate(fields)
        shared = self.fields_sets.get(key)
        if shared is None:
            self.fields_sets[key] = record.__pydantic_fields_set__
        else:
            _set(record, "__pydantic_fields_set__", shared)
        return record

    def many(self, label: str, rows: Sequence[int], fields_list: Sequence[dict[str, Any]]) -> list[Record]:
        """The same for many rows, with fewer lookups per row."""
        records: list[Record] = []
        append = records.append
        validate = self.validate
        fields_sets = self.fields_sets
        for row, fields in zip(rows, fields_list, strict=True):
            shared = fields_sets.get(tuple(fields))
            if shared is None:
                append(self(label, row, fields))
                continue
            fields["ref"] = SourceRef(label, row)
            record = validate(fields)
            _set(record, "__pydantic_fields_set__", shared)
            append(record)
        return records


_set = object.__setattr__


def _join_names(fields: dict[str, Any]) -> None:
    """A staff row's first and last names, as its name when it has no name of its own."""
    first = fields.pop("first_name", "")
    last = fields.pop("last_name", "")
    if not fields.get("name") and (first or last):
        fields["name"] = f"{first} {last}".strip()


class _LazyCells(Sequence):
    """A row's cells, built only if a check needs to quote one (few rows do)."""

    __slots__ = ("_cells_of", "_j", "_cells")

    def __init__(self, cells_of: Callable[[int], Sequence[Any]], j: int) -> None:
        self._cells_of, self._j, self._cells = cells_of, j, None

    def _get(self) -> Sequence[Any]:
        if self._cells is None:
            self._cells = self._cells_of(self._j)
        return self._cells

    def __getitem__(self, index):  # type: ignore[override]
        return self._get()[index]

    def __len__(self) -> int:
        return len(self._get())


@dataclass
class ConvertedColumns:
    """What `convert_columns` made of a chunk: a `ColumnTable`, or models for staff."""

    records: list[Record] | ColumnTable
    findings: list[Finding]
    rows_read: int


COLUMNAR: dict[str, type[ColumnTable]] = {
    "supervisions": SessionTable,
    "absences": AbsenceTable,
    "allocations": AllocationTable,
    "case_discussions": DiscussionTable,
    "agreements": AgreementTable,
    "appraisals": AppraisalTable,
}
"""Tables kept as columns rather than models (see `column_tables`): all but staff."""


@dataclass
class TableLoader:
    """Converts one file's data rows into models of one table."""

    spec: TableSpec
    label: str
    columns: dict[str, Column]
    unnamed: list[int] = field(default_factory=list)
    header_width: int = 0
    header_cells: Sequence[Any] = ()
    month_first: bool = False

    def __post_init__(self) -> None:
        table = self.spec.name
        self._plan = [
            _PlannedColumn(
                column.spec.name,
                column.index,
                column.header,
                read := _cell_reader(
                    table,
                    column.spec.kind,
                    column.spec.required,
                    column.words,
                    None
                    if column.spec.kind in ("id", "text")
                    else _parser(column.spec.kind, self.month_first, column.unit),
                ),
                _Memo(read),
                column.spec.kind == "id",
            )
            for column in sorted(self.columns.values(), key=lambda c: c.index)
        ]
        self._names = tuple(c.name for c in self._plan)
        self._needs_finish = table in ("staff", "supervisions", "absences", "allocations")
        self._reported_unnamed: set[int] = set()
        self._check_width = bool(self.unnamed)
        first = min(self.columns.values(), key=lambda c: c.index, default=None)
        self._first_index = first.index if first else 0
        self._first_raw = (
            self.header_cells[self._first_index]
            if first and self._first_index < len(self.header_cells)
            else None
        )
        self._build = _Builder(self.spec.model)
        self.columnar = COLUMNAR.get(table)

    @property
    def present(self) -> frozenset[str]:
        """Canonical model columns present (derived ones included, helper columns not)."""
        names = set(self.columns) - self.spec.aux
        if self.spec.name == "staff" and ({"first_name", "last_name"} & set(self.columns)):
            names.add("name")
        if self.spec.name == "supervisions" and {"start_time", "end_time"} <= set(self.columns):
            names.add("duration_minutes")
        return frozenset(names)

    def convert(self, number: int, cells: Sequence[Any]) -> tuple[Record | None, Sequence[Finding]]:
        """One data row (already known not to be blank) -> (model or None, findings)."""
        records, findings = self.convert_rows([(number, cells)])
        return (records[0] if records else None), findings

    def convert_rows(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> tuple[list[Record], list[Finding]]:
        """Data rows (none blank), in file order -> (their models, the findings), as if each
        row were converted on its own: a row is a model or named in a finding that ends
        "row not used"."""
        records: list[Record] = []
        findings: list[Finding] = []
        if not rows:
            return records, findings
        cells_list = [cells for _, cells in rows]
        widths = list(map(len, cells_list))
        shortest = min(widths)
        text = cells_list[0].__class__ is list  # delimited text: every cell a str

        # Unnamed columns with data, once per column, in row order.
        row_notes: dict[int, list[Finding]] = {}
        if self._check_width or max(widths) > self.header_width:
            for j, (number, cells) in enumerate(rows):
                if self._check_width or widths[j] > self.header_width:
                    notes: list[Finding] = []
                    self._notice_unnamed(number, cells, notes)
                    if notes:
                        row_notes[j] = notes

        # Each column's cells, then what they read as.
        raws_by_column: list[list[Any]] = []
        values_by_column: list[list[Any]] = []
        problem_rows: set[int] = set()
        blank_columns: list[str] = []  # columns where some cell of the block is blank
        for column in self._plan:
            index = column.index
            if index < shortest:
                raws = list(map(itemgetter(index), cells_list))
            else:
                raws = [cells[index] if index < len(cells) else None for cells in cells_list]
            memo = column.memo
            had_problems, made, had_skips, skipped = memo.problems, memo.made, memo.skips, memo.skipped
            if column.plain_ids and text and index < shortest and all(map(PLAIN_ID.fullmatch, raws)):
                values = raws  # every cell is its own id (see PLAIN_ID)
            elif text:
                values = list(map(memo.__getitem__, raws))
                if had_skips or memo.skipped != skipped:
                    blank_columns.append(column.name)
            else:
                read = column.read
                values = [memo[r] if (r.__class__ is str or r is None) else read(r) for r in raws]
                if _SKIP in values:
                    blank_columns.append(column.name)
            if had_problems or memo.made != made or not text:
                problem_rows.update(j for j, v in enumerate(values) if v.__class__ is _Problem)
            raws_by_column.append(raws)
            values_by_column.append(values)

        # Rows that repeat the header (report exports repeat it on every page).
        repeats: set[int] = set()
        if self._first_raw is not None:
            first_raw = self._first_raw  # of the leftmost column, the plan's first
            repeats = {
                j
                for j, raw in enumerate(raws_by_column[0])
                if raw == first_raw and self._is_header_repeat(cells_list[j])
            }

        return self._assemble(
            [number for number, _ in rows],
            cells_list.__getitem__,
            values_by_column,
            raws_by_column,
            problem_rows | repeats | row_notes.keys(),
            repeats,
            row_notes,
            blank_columns,
        )

    def _assemble(
        self,
        numbers: Sequence[int],
        cells_of: Callable[[int], Sequence[Any]],
        values_by_column: list[list[Any]],
        raws_by_column: list[list[Any]],
        special: set[int],
        repeats: set[int],
        row_notes: dict[int, list[Finding]],
        blank_columns: list[str],
    ) -> tuple[list[Record], list[Finding]]:
        """Rows with something to say go the long way; the others straight to a model."""
        records: list[Record] = []
        findings: list[Finding] = []
        names = self._names
        build = self._build
        label = self.label
        finish = self._finish if self._needs_finish else None
        slow = set(special)
        if finish is not None:
            slow |= self._rows_to_finish(len(numbers), values_by_column)
        if slow:
            mask = np.ones(len(numbers), dtype=bool)
            mask[sorted(slow)] = False
            plain = np.flatnonzero(mask).tolist()
            columns = [np.asarray(column, dtype=object)[mask].tolist() for column in values_by_column]
        else:
            plain, columns = range(len(numbers)), values_by_column
        fields_list = [dict(zip(names, vs, strict=True)) for vs in zip(*columns, strict=True)]
        for fields in fields_list if blank_columns else ():
            for name in blank_columns:
                if fields[name] is _SKIP:
                    del fields[name]
        if finish is not None and self.spec.name == "staff":
            for fields in fields_list:  # (the only thing `_finish` does to a staff row with no problem)
                _join_names(fields)
        built = build.many(label, [numbers[j] for j in plain], fields_list)
        if not slow:
            return built, findings
        done = 0  # records of `built` placed so far
        for k, j in enumerate(sorted(slow)):
            records.extend(built[done : j - k])  # the plain rows before row j
            done = j - k
            row_values = [column[j] for column in values_by_column]
            number = numbers[j]
            if j in special:
                self._convert_special(
                    j,
                    number,
                    cells_of(j),
                    row_values,
                    raws_by_column,
                    row_notes,
                    repeats,
                    records,
                    findings,
                )
                continue
            fields = dict(zip(names, row_values, strict=True))
            for name in blank_columns:
                if fields[name] is _SKIP:
                    del fields[name]
            fatal: list[tuple[str, str, object, str]] = []
            soft: list[tuple[str, str, object, str]] = []
            finish(number, _LazyCells(cells_of, j), fields, fatal, soft)  # type: ignore[misc]
            if fatal or soft:
                self._conclude(number, fields, fatal, soft, records, findings)
                continue
            records.append(build(label, number, fields))
        records.extend(built[done:])
        return records, findings

    def convert_columns(self, first: int, columns: list[np.ndarray]) -> ConvertedColumns:
        """The same as `convert_rows`, for rows given as columns (the fast reader's chunks,
        every cell a string, short rows padded with blank cells, or `CodedColumn`s from
        the Arrow reader), blank rows included: they are dropped here. Each column is
        factorised (the Arrow reader's already are), so a cell is parsed once per distinct
        value. Every table but staff comes back as a `ColumnTable` (its ordinary rows
        never become models); staff as models."""
        import pandas as pd

        n = len(columns[0]) if columns else 0
        coded = [
            (column.codes, column.uniques) if isinstance(column, CodedColumn) else pd.factorize(column)
            for column in columns
        ]
        filled_by_column = []
        nonblank = np.zeros(n, dtype=bool)
        for column, (codes, uniques) in zip(columns, coded, strict=True):
            count = len(uniques)
            if isinstance(column, CodedColumn):
                filled = ~column.blank  # (found by the reader, on the distinct cells)
            else:
                filled = np.fromiter(map(len, uniques), dtype=np.int64, count=count) > 0
                filled &= ~np.fromiter(map(str.isspace, uniques), dtype=bool, count=count)
            filled_by_column.append(filled)
            if filled.any():
                nonblank |= filled[codes]
        keep = np.flatnonzero(nonblank)
        numbers = keep + first

        def cells_of(j: int) -> list[Any]:
            row = keep[j]
            cells = [uniques[codes[row]] for codes, uniques in coded]
            while cells and is_blank(cells[-1]):
                cells.pop()  # as the csv module reads the row: no padding
            return cells

        # Unnamed columns with data: the first row with data in each, once per file.
        row_notes: dict[int, list[Finding]] = {}
        for index in [*self.unnamed, *range(self.header_width, len(coded))]:
            if index in self._reported_unnamed or index >= len(coded):
                continue
            codes, _ = coded[index]
            rows = np.flatnonzero(filled_by_column[index][codes[keep]])
            if len(rows):
                row_notes.setdefault(int(rows[0]), [])
        for j in sorted(row_notes):
            self._notice_unnamed(int(numbers[j]), cells_of(j), row_notes[j])

        # Each planned column: what each distinct cell reads as, then per row.
        problem_rows: set[int] = set()
        blank_columns: list[str] = []
        read: list[tuple[_PlannedColumn, np.ndarray, np.ndarray, np.ndarray]] = []
        unread: dict[str, np.ndarray] = {}  # per column: which distinct cells gave no value
        as_is: set[str] = set()  # id columns whose distinct cells are all plain ids
        for column in self._plan:
            codes, uniques = coded[column.index]
            codes = codes[keep]
            given = columns[column.index]
            plain = given.plain if isinstance(given, CodedColumn) else None
            values, kinds, plain_ids = self._read_distinct(column, uniques, plain)
            if plain_ids:
                as_is.add(column.name)
            unread[column.name] = kinds != 0
            row_kinds = kinds[codes]
            if (kinds == 2).any():
                problem_rows.update(np.flatnonzero(row_kinds == 2).tolist())
            if (row_kinds == 1).any():
                blank_columns.append(column.name)
            read.append((column, codes, uniques, values))

        repeats: set[int] = set()
        if self._first_raw is not None and read:
            _, codes, uniques, _ = read[0]
            where = np.flatnonzero(np.asarray(uniques, dtype=object) == self._first_raw)
            if len(where):
                repeats = {
                    j
                    for j in np.flatnonzero(codes == where[0]).tolist()
                    if self._is_header_repeat(cells_of(j))
                }
        special = problem_rows | repeats | row_notes.keys()

        if self.columnar is None:
            values_by_column = [values[codes].tolist() for _, codes, _, values in read]
            return ConvertedColumns(
                *self._assemble(
                    numbers.tolist(),
                    cells_of,
                    values_by_column,
                    [np.asarray(uniques, dtype=object)[codes].tolist() for _, codes, uniques, _ in read],
                    special,
                    repeats,
                    row_notes,
                    blank_columns,
                ),
                rows_read=len(keep),
            )
        return self._columnar(numbers, cells_of, read, special, repeats, row_notes, unread, as_is)

    @staticmethod
    def _read_distinct(
        column: _PlannedColumn, uniques: np.ndarray, plain: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """What each distinct cell of a column reads as, and its kind: 0 a value, 1 blank
        (`_SKIP`), 2 a `_Problem`; and whether every one is a plain id read as itself.
        Plain ids (nearly every id cell) skip the memo: a case table has tens of
        thousands of distinct case ids. `plain` says which cells are plain ids, when
        the reader has found it (`PLAIN_ID`)."""
        count = len(uniques)
        values = np.empty(count, dtype=object)
        kinds = np.zeros(count, dtype=np.int8)
        if column.plain_ids:
            values[:] = uniques
            if plain is None:
                plain = np.fromiter(map(bool, map(PLAIN_ID.fullmatch, uniques)), dtype=bool, count=count)
            todo = np.flatnonzero(~plain)
            read = column.read
        else:
            todo = range(count)
            read = column.memo.__getitem__
        for i in todo:
            value = values[i] = read(uniques[i])
            if value.__class__ is _Problem:
                kinds[i] = 2
            elif value is _SKIP:
                kinds[i] = 1
        return values, kinds, column.plain_ids and not len(todo)

    def _columnar(
        self,
        numbers: np.ndarray,
        cells_of: Callable[[int], Sequence[Any]],
        read: list[tuple[_PlannedColumn, np.ndarray, np.ndarray, np.ndarray]],
        special: set[int],
        repeats: set[int],
        row_notes: dict[int, list[Finding]],
        unread: dict[str, np.ndarray],
        as_is: set[str],
    ) -> ConvertedColumns:
        """`convert_columns` for a column table: ordinary rows straight into columns.
        `unread` marks each column's distinct cells that gave no value (blank, or a
        problem); `as_is` names the id columns whose distinct cells are all plain ids."""
        table_type = self.columnar
        assert table_type is not None
        by_name = {column.name: (codes, values) for column, codes, _, values in read}
        columns: dict[str, np.ndarray] = {}
        uniques: dict[str, np.ndarray] = {}  # an id column: codes into its distinct ids
        for name in table_type.id_fields:
            if name not in by_name:
                columns[name] = np.zeros(len(numbers), dtype=np.int32)
                uniques[name] = filled(1, "")
                continue
            codes, values = by_name[name]
            if name in as_is:  # distinct cells, distinct ids: the codes stand
                columns[name], uniques[name] = codes.astype(np.int32), values
                continue
            ids = values.copy()
            ids[unread[name]] = ""
            remap, uniques[name] = factorize_ids(ids)  # (blank cells all read as "")
            columns[name] = remap[codes]
        for name in table_type.date_fields:
            if name not in by_name:
                columns[name] = np.full(len(numbers), NAT)
                continue
            codes, values = by_name[name]
            days = to_day_array([v if v.__class__ is date else None for v in values])
            columns[name] = days[codes]
        for name in table_type.number_fields:
            if name not in by_name:
                columns[name] = np.full(len(numbers), np.nan)
                continue
            codes, values = by_name[name]
            floats = np.array(
                [v if v.__class__ in (int, float) else np.nan for v in values], dtype=np.float64
            )
            columns[name] = floats[codes]
        for name in table_type.value_fields:
            default = table_type.model.model_fields[name].default
            if name not in by_name:
                columns[name] = filled(len(numbers), default)
                continue
            codes, values = by_name[name]
            given = values.copy()
            given[unread[name]] = default
            columns[name] = given[codes]
        if self.spec.name in ("allocations", "absences"):  # ending before they start
            start, end = columns["start_date"], columns["end_date"]
            special |= set(np.flatnonzero(end < start).tolist())  # NaT compares False
        elif self.spec.name == "supervisions":
            special |= self._session_columns(columns, uniques, numbers, by_name)
        findings: list[Finding] = []
        records: list[Record] = []
        if special:
            raws_by_column = [np.asarray(uniques, dtype=object)[codes] for _, codes, uniques, _ in read]
            for j in sorted(special):
                row_values = [values[codes[j]] for _, codes, _, values in read]
                self._convert_special(
                    j,
                    int(numbers[j]),
                    cells_of(j),
                    row_values,
                    raws_by_column,
                    row_notes,
                    repeats,
                    records,
                    findings,
                )
        ordinary = np.ones(len(numbers), dtype=bool)
        ordinary[sorted(special)] = False
        table = table_type(columns, filled(len(numbers), self.label), numbers.astype(np.int32), uniques)
        table = table.take(ordinary)
        if records:
            table = table_type.concat([table, table_type.from_models(records)])
            table = table.take(np.argsort(table.rows, kind="stable"))
        return ConvertedColumns(table, findings, rows_read=len(numbers))

    def _session_columns(
        self,
        columns: dict[str, np.ndarray],
        uniques: dict[str, np.ndarray],
        numbers: np.ndarray,
        by_name: dict[str, tuple],
    ) -> set[int]:
        """`_finish` for supervisions, on columns: a blank session id becomes
        `<file>#<row>`; a blank duration comes from the start and end times. Returns the
        rows whose times give no duration (the end is not after the start): they go the
        long way, for their finding."""
        codes, ids = columns["session_id"], uniques["session_id"]
        blank = np.flatnonzero(np.isin(codes, np.flatnonzero(ids == "")))
        if len(blank):
            made = object_array([f"{self.label}#{number}" for number in numbers[blank].tolist()])
            codes[blank] = np.arange(len(ids), len(ids) + len(blank))
            remap, uniques["session_id"] = factorize_ids(np.concatenate([ids, made]))
            columns["session_id"] = remap[codes]
        if "start_time" not in by_name or "end_time" not in by_name:
            return set()
        (start_codes, starts), (end_codes, ends) = by_name["start_time"], by_name["end_time"]
        durations = columns["duration_minutes"]
        timed = np.flatnonzero(
            np.isnan(durations)
            & np.fromiter((v.__class__ is time for v in starts), bool, len(starts))[start_codes]
            & np.fromiter((v.__class__ is time for v in ends), bool, len(ends))[end_codes]
        )
        unusable: set[int] = set()
        between: dict[tuple[int, int], float | None] = {}
        pairs = zip(timed.tolist(), start_codes[timed].tolist(), end_codes[timed].tolist(), strict=True)
        for j, a, b in pairs:
            if (a, b) not in between:
                try:
                    between[a, b] = minutes_between(starts[a], ends[b])
                except ValueError:
                    between[a, b] = None
            value = between[a, b]
            if value is None:
                unusable.add(j)
            else:
                durations[j] = value
        return unusable

    def _convert_special(
        self,
        j: int,
        number: int,
        cells: Sequence[Any],
        row_values: Sequence[Any],
        raws_by_column: list[list[Any]],
        row_notes: dict[int, list[Finding]],
        repeats: set[int],
        records: list[Record],
        findings: list[Finding],
    ) -> None:
        """A row with unnamed-column notes, a repeated header or cells that give findings."""
        notes = row_notes.get(j)
        if notes:
            findings.extend(notes)
        if j in repeats:
            findings.append(
                data_quality("repeats the header row; row not used.", file=self.label, row=number)
            )
            return
        fields: dict[str, Any] = {}
        fatal: list[tuple[str, str, object, str]] = []
        soft: list[tuple[str, str, object, str]] = []
        for c, (column, value) in enumerate(zip(self._plan, row_values, strict=True)):
            if value is _SKIP:
                continue
            if value.__class__ is _Problem:
                if value.value is not _SKIP:
                    fields[column.name] = value.value
                raw = raws_by_column[c][j] if value.shown else None
                (fatal if value.fatal else soft).append((column.name, column.header, raw, value.message))
                continue
            fields[column.name] = value
        if not fatal and self._needs_finish:
            self._finish(number, cells, fields, fatal, soft)
        self._conclude(number, fields, fatal, soft, records, findings)

    def _conclude(
        self,
        number: int,
        fields: dict[str, Any],
        fatal: list,
        soft: list,
        records: list[Record],
        findings: list[Finding],
    ) -> None:
        """A row's findings, then its model unless a problem was fatal."""
        if fatal:
            findings.extend(self._findings(number, fields, fatal, "; row not used."))
            return
        if soft:
            findings.extend(self._findings(number, fields, soft, ""))
        try:
            record = self._build(self.label, number, fields)
        except ValidationError as exc:  # pragma: no cover (values are already typed)
            error = exc.errors()[0]
            column = str(error["loc"][0]) if error["loc"] else ""
            findings.append(
                data_quality(
                    f"{column} is not valid ({error['msg']}); row not used.",
                    file=self.label,
                    row=number,
                    column=column,
                )
            )
            return
        records.append(record)

    def _findings(self, number: int, fields: dict[str, Any], problems: list, tail: str) -> list[Finding]:
        spec = self.spec
        staff_id = str(fields.get(spec.person, "")) if spec.person else ""
        case_id = str(fields.get(spec.case, "")) if spec.case else ""
        day = fields.get(spec.day) if spec.day else None
        day = day if isinstance(day, date) else None
        found = []
        for column, _header, raw, message in problems:
            shown = None if raw is None else to_text(raw)
            text = f"{column} {message}{tail}" if shown is None else (f"{column} '{shown}' {message}{tail}")
            found.append(
                data_quality(
                    text,
                    file=self.label,
                    row=number,
                    column=column,
                    value=shown,
                    staff_id=staff_id,
                    case_id=case_id,
                    day=day,
                )
            )
        return found

    def _rows_to_finish(self, count: int, values_by_column: list[list[Any]]) -> set[int]:
        """The rows of a block that `_finish` may have something to say about: every row,
        but for staff only those whose end date is before their start date (the rest
        need only their names joined, which `_assemble` does on the way)."""
        if self.spec.name != "staff":
            return set(range(count))
        if "start_date" not in self._names or "end_date" not in self._names:
            return set()
        starts = values_by_column[self._names.index("start_date")]
        ends = values_by_column[self._names.index("end_date")]
        return {
            j
            for j, (start, end) in enumerate(zip(starts, ends, strict=True))
            if isinstance(start, date) and isinstance(end, date) and end < start
        }

    def _raw(self, cells: Sequence[Any], column: str) -> tuple[str, object]:
        found = self.columns[column]
        return found.header, cells[found.index] if found.index < len(cells) else None

    def _finish(
        self, number: int, cells: Sequence[Any], fields: dict[str, Any], fatal: list, soft: list
    ) -> None:
        """Checks and derived values within one row."""
        table = self.spec.name
        if table == "staff":
            _join_names(fields)
            start, end = fields.get("start_date"), fields.get("end_date")
            if start and end and end < start:
                del fields["end_date"]
                soft.append(
                    (
                        "end_date",
                        *self._raw(cells, "end_date"),
                        f"is before start_date {start.isoformat()}; read as blank "
                        f"({END_DATE_MEANING['staff']}).",
                    )
                )
        elif table == "supervisions":
            start = fields.pop("start_time", None)
            end = fields.pop("end_time", None)
            if "duration_minutes" not in fields and start is not None and end is not None:
                try:
                    fields["duration_minutes"] = minutes_between(start, end)
                except ValueError:
                    soft.append(
                        (
                            "end_time",
                            *self._raw(cells, "end_time"),
                            f"is not after start_time {start.strftime('%H:%M')}; duration read as blank.",
                        )
                    )
            if not fields.get("session_id"):
                fields["session_id"] = f"{self.label}#{number}"
        elif table in ("absences", "allocations"):
            start, end = fields.get("start_date"), fields.get("end_date")
            if start and end and end < start:
                fatal.append(
                    ("end_date", *self._raw(cells, "end_date"), f"is before start_date {start.isoformat()}")
                )

    def _notice_unnamed(self, number: int, cells: Sequence[Any], notes: list[Finding]) -> None:
        positions = self.unnamed[: bisect_left(self.unnamed, len(cells))]  # ascending
        positions += range(self.header_width, len(cells))
        for index in positions:
            if index in self._reported_unnamed or is_blank(cells[index]):
                continue
            self._reported_unnamed.add(index)
            letter = column_letter(index)
            notes.append(
                data_quality(
                    f"column {letter} has data but no header; ignored",
                    file=self.label,
                    row=number,
                    column=letter,
                    value=to_text(cells[index]),
                )
            )

    def _is_header_repeat(self, cells: Sequence[Any]) -> bool:
        """A page header repeated in the data, as report-style exports do."""
        index = self._first_index
        if index >= len(cells) or cells[index] != self._first_raw:
            return False
        width = min(len(cells), len(self.header_cells))
        return all(to_text(cells[i]) == to_text(self.header_cells[i]) for i in range(width))
