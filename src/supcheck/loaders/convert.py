"""Turning one file's data rows, a chunk of columns at a time, into its table.

Every reader hands over the same chunk: a list of columns, each either a
`sources.CodedColumn` (codes into the distinct cells, as the Arrow and workbook readers
give them) or an object array of strings (pandas' reader, and the csv module's rows,
`dataset._blocks`). `TableConverter.convert` reads each column's distinct cells once
(`cells.cell_reader`), makes the table's columns from them (`column_tables`), makes the
checks within a row on whole columns (an end before its start, a duration from start
and end times, a session id for a row without one), and turns every row with a problem
into data-quality findings. A row is in the table or named in a finding ending "row not
used": that accounting is what lets a manager trust that nothing vanished.

Findings come in row order; within a row: data in a column with no header, then the
cells from left to right, then the checks across cells. A row with a problem that stops
it reports only what stopped it. Checks across rows and tables (unknown staff ids,
duplicates, dates after as-of) belong to `integrity`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import numpy as np

from ..column_tables import NAT, ColumnTable, factorize_ids, filled, object_array, to_day_array
from ..dq import data_quality
from ..models import Finding
from .cells import BLANK, CellProblem, cell_reader
from .columns import Column
from .sources import CodedColumn
from .specs import END_DATE_MEANING, TableSpec, column_letter
from .values import PLAIN_ID, is_blank, minutes_between, to_text


@dataclass
class ConvertedChunk:
    """What `TableConverter.convert` made of a chunk."""

    table: ColumnTable
    findings: list[Finding]
    rows_read: int  # the chunk's rows that are not blank


@dataclass
class _Planned:
    """One canonical column of the file: where it is and how its cells are read."""

    name: str
    index: int
    read: Callable[[Any], Any]
    plain_ids: bool  # an id column: a plain id cell (`values.PLAIN_ID`) reads as itself


@dataclass
class _Read:
    """A planned column of a chunk: each row's code into the distinct cells, and what
    each distinct cell read as (a value, `BLANK` or a `CellProblem`)."""

    column: _Planned
    codes: np.ndarray
    cells: np.ndarray
    values: np.ndarray
    as_is: bool  # every distinct cell is a plain id, read as itself

    def given(self, blank: Any = None) -> np.ndarray:
        """Per distinct cell: the value the field gets (a problem's kept value), or
        `blank` where it gets none."""
        given = self.values.copy()
        for i, value in enumerate(given.tolist()):
            if value.__class__ is CellProblem:
                value = value.kept
            if value is BLANK or value is None:
                given[i] = blank
            elif given[i] is not value:
                given[i] = value
        return given

    def problem_rows(self) -> np.ndarray:
        problem = np.fromiter((v.__class__ is CellProblem for v in self.values), bool, len(self.values))
        return np.flatnonzero(problem[self.codes]) if problem.any() else np.empty(0, dtype=np.intp)


@dataclass
class _Issue:
    """One finding to make about a row: the column, the cell as the export has it (None:
    not quoted) and what is wrong."""

    column: str
    cell: object
    problem: CellProblem


class TableConverter:
    """Converts one file's data rows into one table, chunk by chunk."""

    def __init__(
        self,
        spec: TableSpec,
        label: str,
        columns: dict[str, Column],
        *,
        unnamed: Sequence[int] = (),
        header_cells: Sequence[Any] = (),
        month_first: bool = False,
    ) -> None:
        self.spec, self.label, self.columns = spec, label, columns
        self.unnamed = list(unnamed)
        self.header_cells = tuple(header_cells)
        self.header_width = len(self.header_cells)
        self._plan = [
            _Planned(
                column.spec.name,
                column.index,
                cell_reader(
                    spec.name,
                    column.spec.kind,
                    column.spec.required,
                    words=column.words,
                    month_first=month_first,
                    unit=column.unit,
                ),
                column.spec.kind == "id",
            )
            for column in sorted(columns.values(), key=lambda c: c.index)
        ]
        self._reported_unnamed: set[int] = set()
        self._width = max((column.index + 1 for column in self._plan), default=0)
        first = self._plan[0].index if self._plan else 0
        self._first_index = first
        self._first_cell = self.header_cells[first] if self._plan and first < self.header_width else None

    @property
    def present(self) -> frozenset[str]:
        """Canonical model columns present (derived ones included, helper columns not)."""
        names = set(self.columns) - self.spec.aux
        if self.spec.name == "staff" and ({"first_name", "last_name"} & set(self.columns)):
            names.add("name")
        if self.spec.name == "supervisions" and {"start_time", "end_time"} <= set(self.columns):
            names.add("duration_minutes")
        return frozenset(names)

    # ------------------------------------------------------------------ a chunk

    def convert(self, first: int, columns: list[Any]) -> ConvertedChunk:
        """A chunk of rows (`first` is the spreadsheet number of its first row), blank
        rows included: they are dropped here."""
        table_type = self.spec.table
        if not columns or not len(columns[0]):
            return ConvertedChunk(table_type.empty(), [], 0)
        count = len(columns[0])
        coded = [_coded(column) for column in columns]
        # A chunk of short rows (the csv module's, a block narrower than the header): the
        # planned columns past its last cell are blank.
        blank = CodedColumn(np.zeros(count, dtype=np.intp), filled(1, ""), np.ones(1, dtype=bool), None)
        coded += [blank] * (self._width - len(coded))
        nonblank = np.zeros(count, dtype=bool)
        for column in coded:
            if not column.blank.all():
                nonblank |= ~column.blank[column.codes]
        keep = np.flatnonzero(nonblank)
        numbers = keep + first

        def cells_of(j: int) -> list[Any]:
            row = keep[j]
            cells = [column.uniques[column.codes[row]] for column in coded]
            while cells and is_blank(cells[-1]):
                cells.pop()  # as the csv module reads the row: no padding
            return cells

        notes = self._unnamed_notes(coded, keep, numbers, cells_of)
        read = [self._read(column, coded[column.index], keep) for column in self._plan]
        repeats = self._header_repeats(read, cells_of)

        table_columns, uniques, issues = self._table_columns(read, len(keep))
        self._check_rows(table_columns, uniques, read, numbers, issues, _stopped(issues) | repeats)
        fatal = _stopped(issues)  # (the checks across cells may stop a row too)

        findings = self._findings(table_columns, uniques, numbers, notes, repeats, issues)
        table = table_type(table_columns, self.label, numbers.astype(np.int32), uniques)
        dropped = fatal | repeats
        if dropped:
            used = np.ones(len(keep), dtype=bool)
            used[sorted(dropped)] = False
            table = table.take(used)
        return ConvertedChunk(table, findings, rows_read=len(keep))

    def _read(self, column: _Planned, cells: CodedColumn, keep: np.ndarray) -> _Read:
        """What each distinct cell of a planned column reads as. Plain ids (nearly every
        id cell) are their own value and skip the reader: a case table has tens of
        thousands of distinct case ids."""
        codes, uniques, plain = cells.codes, cells.uniques, cells.plain
        count = len(uniques)
        values = np.empty(count, dtype=object)
        if column.plain_ids:
            values[:] = uniques
            if plain is None:
                plain = np.fromiter(
                    (cell.__class__ is str and PLAIN_ID.fullmatch(cell) is not None for cell in uniques),
                    dtype=bool,
                    count=count,
                )
            todo = np.flatnonzero(~plain).tolist()
        else:
            todo = range(count)
        read = column.read
        for i in todo:
            values[i] = read(uniques[i])
        return _Read(
            column, codes[keep], np.asarray(uniques, dtype=object), values, column.plain_ids and not todo
        )

    def _unnamed_notes(
        self, coded: list[CodedColumn], keep: np.ndarray, numbers: np.ndarray, cells_of: Callable[[int], list]
    ) -> dict[int, list[Finding]]:
        """Data in a column with no header: the first row with data in each, once per file."""
        notes: dict[int, list[Finding]] = {}
        for index in [*self.unnamed, *range(self.header_width, len(coded))]:
            if index in self._reported_unnamed or index >= len(coded):
                continue
            rows = np.flatnonzero(~coded[index].blank[coded[index].codes[keep]])
            if len(rows):
                notes.setdefault(int(rows[0]), [])
        for j in sorted(notes):
            cells = cells_of(j)
            positions = self.unnamed[: bisect_left(self.unnamed, len(cells))]  # ascending
            positions += range(self.header_width, len(cells))
            for index in positions:
                if index in self._reported_unnamed or is_blank(cells[index]):
                    continue
                self._reported_unnamed.add(index)
                notes[j].append(
                    data_quality(
                        "no-header",
                        file=self.label,
                        row=int(numbers[j]),
                        column=column_letter(index),
                        value=to_text(cells[index]),
                    )
                )
        return notes

    def _header_repeats(self, read: list[_Read], cells_of: Callable[[int], list]) -> set[int]:
        """Rows that repeat the header row, as report-style exports do on every page."""
        if self._first_cell is None or not read:
            return set()
        leftmost = read[0]  # the plan is in header order
        where = np.flatnonzero(leftmost.cells == self._first_cell)
        if not len(where):
            return set()
        return {
            j
            for j in np.flatnonzero(leftmost.codes == where[0]).tolist()
            if self._repeats_header(cells_of(j))
        }

    def _repeats_header(self, cells: Sequence[Any]) -> bool:
        width = min(len(cells), self.header_width)
        return all(to_text(cells[i]) == to_text(self.header_cells[i]) for i in range(width))

    # ------------------------------------------------------------------ columns

    def _table_columns(
        self, read: list[_Read], count: int
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[int, list[_Issue]]]:
        """The table's columns (id columns as codes into their distinct ids), and the
        issues of each row whose cells give findings, in column order."""
        table_type = self.spec.table
        by_name = {r.column.name: r for r in read}
        columns: dict[str, np.ndarray] = {}
        uniques: dict[str, np.ndarray] = {}
        for name in table_type.id_fields:
            r = by_name.get(name)
            if r is None:
                columns[name], uniques[name] = np.zeros(count, dtype=np.int32), filled(1, "")
            elif r.as_is:  # distinct cells, distinct ids: the codes stand
                columns[name], uniques[name] = r.codes.astype(np.int32), r.values
            else:
                remap, uniques[name] = factorize_ids(r.given(blank=""))
                columns[name] = remap[r.codes]
        for name in table_type.date_fields:
            r = by_name.get(name)
            if r is None:
                columns[name] = np.full(count, NAT)
            else:
                columns[name] = to_day_array([v if v.__class__ is date else None for v in r.given()])[r.codes]
        for name in table_type.number_fields:
            r = by_name.get(name)
            if r is None:
                columns[name] = np.full(count, np.nan)
            else:
                floats = [v if v.__class__ in (int, float) else np.nan for v in r.given()]
                columns[name] = np.array(floats, dtype=np.float64)[r.codes]
        for name in table_type.value_fields:
            default = table_type.model.model_fields[name].default
            r = by_name.get(name)
            if r is None:
                columns[name] = filled(count, default)
            else:
                columns[name] = r.given(blank=default)[r.codes]
        issues: dict[int, list[_Issue]] = {}
        for r in read:
            for j in r.problem_rows().tolist():
                cell = r.cells[r.codes[j]]
                problem = r.values[r.codes[j]]
                issues.setdefault(j, []).append(
                    _Issue(r.column.name, cell if problem.shown else None, problem)
                )
        return columns, uniques, issues

    # ------------------------------------------------------------------ checks within a row

    def _check_rows(
        self,
        columns: dict[str, np.ndarray],
        uniques: dict[str, np.ndarray],
        read: list[_Read],
        numbers: np.ndarray,
        issues: dict[int, list[_Issue]],
        stopped: set[int],
    ) -> None:
        """Checks and derived values across the cells of a row, on whole columns. Rows in
        `stopped` (a problem already stops them) are not checked."""
        by_name = {r.column.name: r for r in read}
        table = self.spec.name

        def cell(name: str, j: int) -> Any:
            r = by_name[name]
            return r.cells[r.codes[j]]

        if table in ("staff", "absences", "allocations"):
            start, end = columns["start_date"], columns["end_date"]
            for j in np.flatnonzero(end < start).tolist():  # (NaT compares False)
                if j in stopped:
                    continue
                detail = f"is before start_date {start[j].astype(object).isoformat()}"
                if table == "staff":  # an end date that cannot be right: still employed
                    problem = CellProblem(
                        "end-before-start",
                        detail,
                        fatal=False,
                        outcome=f"read as blank ({END_DATE_MEANING['staff']})",
                    )
                    end[j] = NAT
                else:
                    problem = CellProblem("end-before-start", detail, fatal=True)
                issues.setdefault(j, []).append(_Issue("end_date", cell("end_date", j), problem))
        if table == "staff" and ({"first_name", "last_name"} & by_name.keys()):
            columns["name"] = self._joined_names(columns["name"], by_name)
        if table == "supervisions":
            self._session_ids(columns, uniques, numbers)
            if "start_time" in by_name and "end_time" in by_name:
                self._durations(
                    columns["duration_minutes"], by_name["start_time"], by_name["end_time"], issues, stopped
                )

    @staticmethod
    def _joined_names(names: np.ndarray, by_name: dict[str, _Read]) -> np.ndarray:
        """A staff row's first and last names, as its name when it has no name of its own."""

        def part(name: str) -> list[str]:
            r = by_name.get(name)
            if r is None:
                return [""] * len(names)
            return r.given(blank="")[r.codes].tolist()

        joined = [
            name or f"{first} {last}".strip()
            for name, first, last in zip(names.tolist(), part("first_name"), part("last_name"), strict=True)
        ]
        return object_array(joined)

    def _session_ids(
        self, columns: dict[str, np.ndarray], uniques: dict[str, np.ndarray], numbers: np.ndarray
    ) -> None:
        """A session without an id of its own gets `<file>#<row>`."""
        codes, ids = columns["session_id"], uniques["session_id"]
        blank = np.flatnonzero(np.isin(codes, np.flatnonzero(ids == "")))
        if not len(blank):
            return
        made = object_array([f"{self.label}#{number}" for number in numbers[blank].tolist()])
        codes = codes.copy()
        codes[blank] = np.arange(len(ids), len(ids) + len(blank))
        remap, uniques["session_id"] = factorize_ids(np.concatenate([ids, made]))
        columns["session_id"] = remap[codes]

    @staticmethod
    def _durations(
        durations: np.ndarray, starts: _Read, ends: _Read, issues: dict[int, list[_Issue]], stopped: set[int]
    ) -> None:
        """A session with no duration but a start and an end time: the minutes between
        them, worked out once per distinct pair of times. An end not after the start
        gives no duration, and a finding."""
        timed = np.flatnonzero(
            np.isnan(durations)
            & np.fromiter((v.__class__ is time for v in starts.values), bool, len(starts.values))[
                starts.codes
            ]
            & np.fromiter((v.__class__ is time for v in ends.values), bool, len(ends.values))[ends.codes]
        )
        between: dict[tuple[int, int], float | None] = {}
        pairs = zip(timed.tolist(), starts.codes[timed].tolist(), ends.codes[timed].tolist(), strict=True)
        for j, a, b in pairs:
            if (a, b) not in between:
                try:
                    between[a, b] = minutes_between(starts.values[a], ends.values[b])
                except ValueError:
                    between[a, b] = None
            minutes = between[a, b]
            if minutes is not None:
                durations[j] = minutes
            elif j not in stopped:
                detail = f"is not after start_time {starts.values[a].strftime('%H:%M')}"
                problem = CellProblem(
                    "end-not-after-start", detail, fatal=False, outcome="duration read as blank"
                )
                issues.setdefault(j, []).append(_Issue("end_time", ends.cells[b], problem))

    # ------------------------------------------------------------------ findings

    def _findings(
        self,
        columns: dict[str, np.ndarray],
        uniques: dict[str, np.ndarray],
        numbers: np.ndarray,
        notes: dict[int, list[Finding]],
        repeats: set[int],
        issues: dict[int, list[_Issue]],
    ) -> list[Finding]:
        """The chunk's findings, row by row. A finding names the row's staff member, case
        and date where the row gives them."""
        spec = self.spec

        def ids(name: str | None, j: int) -> str:
            return str(uniques[name][columns[name][j]]) if name else ""

        findings: list[Finding] = []
        for j in sorted(notes.keys() | repeats | issues.keys()):
            number = int(numbers[j])
            findings.extend(notes.get(j, ()))
            if j in repeats:
                findings.append(data_quality("repeated-header", file=self.label, row=number))
                continue
            row_issues = issues.get(j, [])
            stopping = [issue for issue in row_issues if issue.problem.fatal]
            day = columns[spec.day][j] if spec.day else NAT
            for issue in stopping or row_issues:
                problem = issue.problem
                findings.append(
                    data_quality(
                        problem.code,
                        file=self.label,
                        row=number,
                        column=issue.column,
                        value=None if issue.cell is None else to_text(issue.cell),
                        staff_id=ids(spec.person, j),
                        case_id=ids(spec.case, j),
                        day=None if np.isnat(day) else day.astype(object),
                        detail=problem.detail,
                        outcome=problem.outcome,
                    )
                )
        return findings


def _stopped(issues: dict[int, list[_Issue]]) -> set[int]:
    """The rows a problem stops."""
    return {j for j, row_issues in issues.items() if any(i.problem.fatal for i in row_issues)}


def _coded(column: Any) -> CodedColumn:
    """A reader's column as a `CodedColumn`: pandas factorises an object array of cells
    (the pandas reader's, the csv module's); which cells are plain ids is then found
    where needed (`TableConverter._read`)."""
    import pandas as pd

    if isinstance(column, CodedColumn):
        return column
    codes, uniques = pd.factorize(column)
    blank = np.fromiter(map(is_blank, uniques), dtype=bool, count=len(uniques))
    return CodedColumn(codes, uniques, blank, None)
