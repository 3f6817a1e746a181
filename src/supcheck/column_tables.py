"""The large tables, sessions, allocations and case discussions, kept as columns.

They are nearly every row of a council's exports (a worker holds a few dozen cases,
each discussed every few weeks, and is supervised every few weeks), so they are not
turned into one pydantic model a row: at national size that would take tens of
gigabytes. A `ColumnTable` holds numpy arrays instead: ids as object arrays (each
distinct id one shared string), dates as `datetime64[D]` with NaT for a blank, numbers
as float64 with NaN for a blank, other values (a session's type, a yes/no) as object
arrays, each row's spreadsheet row and the table's one file, so a finding can still name
the cell.
The rules that read these tables and the integrity checks work on the arrays; anything
else can still iterate the table and get `Session` / `Allocation` / `Discussion`
models, built on the fly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterator, Sequence
from datetime import date
from typing import Any, ClassVar

import numpy as np

from .models import Absence, Agreement, Allocation, Appraisal, Discussion, Record, Session, SourceRef, Staff

NAT = np.datetime64("NaT", "D")
DAY = "datetime64[D]"


def filled(length: int, value: Any) -> np.ndarray:
    """An object array of `length` references to one `value` (a column's default).
    (`np.full(n, "x", dtype=object)` would make n separate copies of the string.)"""
    array = np.empty(length, dtype=object)
    array.fill(value)
    return array


def to_day_array(values: Sequence[date | None]) -> np.ndarray:
    """Dates (None for blank) -> `datetime64[D]` (NaT for blank)."""
    return np.array([NAT if v is None else v for v in values], dtype="datetime64[D]")


def day_objects(days: np.ndarray) -> list[date]:
    """`days.tolist()` (no NaT), with one `date` object per distinct day shared by every element
    (a list of millions of dates then takes 8 bytes an element, not 40)."""
    if len(days) == 0:
        return []
    low = days.min()
    offsets = (days - low).astype(np.int64)
    shared = np.empty(int(offsets.max()) + 1, dtype=object)
    shared[:] = (low + np.arange(len(shared))).tolist()
    return shared[offsets].tolist()


def optional_days(days: np.ndarray) -> list[date | None]:
    """`day_objects`, with None for NaT."""
    known = ~np.isnat(days)
    out: list[date | None] = [None] * len(days)
    for i, day in zip(np.flatnonzero(known).tolist(), day_objects(days[known]), strict=True):
        out[i] = day
    return out


def latest_by_code(codes: np.ndarray, count: int, days: np.ndarray) -> np.ndarray:
    """For each of `count` codes, the latest of its `days` (NaT where it has none)."""
    latest = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)  # (NaT's integer)
    np.maximum.at(latest, codes, days.astype(DAY).view(np.int64))
    return latest.view(DAY)


def map_unique(values: np.ndarray, function: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
    """`function` applied to each element, computed once per distinct value: exports
    repeat the same dates and ids on thousands of rows, so this costs a Python call per
    distinct value, not per row."""
    if len(values) == 0:
        return np.empty(0, dtype=dtype)
    if values.dtype == object:
        import pandas as pd

        inverse, uniques = pd.factorize(values, use_na_sentinel=False)
    elif values.dtype.kind == "M" and not np.isnat(values).any():
        # Dates span a few thousand days: every day of the span, looked up by offset
        # (a sort of millions of dates costs more than the calls it saves).
        days = values.astype(np.int64)
        low = int(days.min())
        inverse = days - low
        uniques = np.arange(low, int(days.max()) + 1).astype(values.dtype)
        if len(uniques) > 4 * len(values):
            uniques, inverse = np.unique(values, return_inverse=True)
    else:
        uniques, inverse = np.unique(values, return_inverse=True)
    mapped = np.empty(len(uniques), dtype=dtype)
    mapped[:] = [function(u) for u in uniques.tolist()]
    return mapped[inverse.reshape(-1)]


def factorize_ids(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids -> (int32 codes, the distinct ids in order of first appearance)."""
    if len(ids) == 0:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=object)
    import pandas as pd

    codes, uniques = pd.factorize(ids, use_na_sentinel=False)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def shared_codes(*columns: tuple[np.ndarray, np.ndarray]) -> tuple[list[np.ndarray], int]:
    """Id columns of different tables, each as (codes, distinct ids), recoded into one
    space (int64 codes: equal ids, equal codes); and how many distinct ids there are."""
    if all(ids is columns[0][1] for _, ids in columns):  # one table's ids: the codes stand
        return [codes.astype(np.int64) for codes, _ in columns], max(len(columns[0][1]), 1)
    remap, distinct = factorize_ids(np.concatenate([ids for _, ids in columns]))
    recoded = []
    start = 0
    for codes, ids in columns:
        recoded.append(remap[start : start + len(ids)].astype(np.int64)[codes])
        start += len(ids)
    return recoded, max(len(distinct), 1)


def isin_keys(values: np.ndarray, keys: Container[Any]) -> np.ndarray:
    """A boolean mask: which elements are in `keys` (a dict or set), looked up once per
    distinct value."""
    return map_unique(values, keys.__contains__, dtype=bool)


class ColumnTable:
    """Rows of one table as columns. Subclasses name the model and its fields.

    An id column is held as int32 codes into an array of its distinct ids
    (`codes(name)`); `table[name]` gives the ids themselves. Codes are a quarter of the
    memory of a column of string references, and array code (integrity, the case
    rules) compares and looks up ids on the codes: a lookup once per distinct id."""

    model: ClassVar[type[Record]]
    id_fields: ClassVar[tuple[str, ...]]
    date_fields: ClassVar[tuple[str, ...]]
    #: float64 columns, NaN for a blank.
    number_fields: ClassVar[tuple[str, ...]] = ()
    #: object columns holding the model's value (its default for a blank cell).
    value_fields: ClassVar[tuple[str, ...]] = ()

    __slots__ = ("columns", "file", "rows", "uniques")

    def __init__(
        self,
        columns: dict[str, np.ndarray],
        file: str,
        rows: np.ndarray,
        uniques: dict[str, np.ndarray] | None = None,
    ) -> None:
        """`columns` gives each id column either as ids (an object array) or, with its
        distinct ids (no repeats) in `uniques`, as codes into them. `file` is the file (or
        `workbook.xlsx[Sheet]`) every row comes from: a table is read from one source, so
        a column of it would be 8 bytes a row of the same name ("" for rows of no file,
        built in tests); `rows` their spreadsheet row numbers."""
        self.columns = dict(columns)
        self.uniques = dict(uniques or {})
        for name in self.id_fields:
            if name not in self.uniques:
                self.columns[name], self.uniques[name] = factorize_ids(self.columns[name])
        self.file = file
        self.rows = rows

    # ------------------------------------------------------------------ building

    @classmethod
    def empty(cls) -> ColumnTable:
        columns = {name: np.empty(0, dtype=object) for name in cls.id_fields}
        columns.update({name: np.empty(0, dtype="datetime64[D]") for name in cls.date_fields})
        columns.update({name: np.empty(0, dtype=np.float64) for name in cls.number_fields})
        columns.update({name: np.empty(0, dtype=object) for name in cls.value_fields})
        return cls(columns, "", np.empty(0, dtype=np.int32))

    @classmethod
    def concat(cls, parts: list[ColumnTable]) -> ColumnTable:
        """The parts' rows, in order. The parts are emptied as their columns are copied
        (a column at a time), so that the table is not held twice."""
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        files = {p.file for p in parts if len(p)}
        if len(files) > 1:
            raise ValueError(f"one table's rows from several files: {sorted(files)}")
        file = files.pop() if files else parts[0].file
        columns = {}
        uniques = {}
        for name in list(parts[0].columns):
            if name in cls.id_fields:
                ids = [p.uniques.pop(name) for p in parts]
                remap, uniques[name] = factorize_ids(np.concatenate(ids))
                starts = np.cumsum([0, *map(len, ids)])
                columns[name] = np.concatenate(
                    [
                        remap[start:][p.columns.pop(name)]
                        for p, start in zip(parts, starts[:-1].tolist(), strict=True)
                    ]
                )
            else:
                columns[name] = np.concatenate([p.columns.pop(name) for p in parts])
        rows = np.concatenate([p.rows for p in parts])
        parts.clear()
        return cls(columns, file, rows, uniques)

    def take(self, index: np.ndarray) -> ColumnTable:
        """The rows at `index` (positions or a boolean mask), in that order."""
        return type(self)(
            {name: values[index] for name, values in self.columns.items()},
            self.file,
            self.rows[index],
            self.uniques,
        )

    def replace(self, **columns: np.ndarray) -> ColumnTable:
        """The table with some columns replaced (id columns given as ids)."""
        uniques = {name: ids for name, ids in self.uniques.items() if name not in columns}
        return type(self)({**self.columns, **columns}, self.file, self.rows, uniques)

    def map_ids(self, name: str, function: Callable[[str], Any], dtype: Any = object) -> np.ndarray:
        """`function` of each row's id in column `name`, called once per distinct id."""
        codes, ids = self.codes(name)
        mapped = np.empty(len(ids), dtype=dtype)
        mapped[:] = [function(i) for i in ids.tolist()]
        return mapped[codes]

    def at(self, name: str, index: Any) -> Any:
        """Column `name` at `index` (positions, a mask, a slice or one position), without
        building the whole column (`table[name]` builds it: no use in a loop)."""
        values = self.columns[name][index]
        ids = self.uniques.get(name)
        return values if ids is None else ids[values]

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """An id column as (int32 codes, the distinct ids they index)."""
        return self.columns[name], self.uniques[name]

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str | int) -> Any:
        """A column by name, or a row (as a model) by position."""
        if isinstance(key, str):
            if key in self.uniques:
                return self.uniques[key][self.columns[key]]
            return self.columns[key]
        return self.record(range(len(self))[key])

    def record(self, i: int) -> Record:
        """Row `i` as a model (the staff table's people; messages, explanations, tests).

        The columns hold values already typed by the loader, so the model is constructed
        without validating them again, and every model of a table shares one set of
        field names (pydantic would give each its own: most of a small model's memory).
        """
        fields: dict[str, Any] = {}
        for name in self.id_fields:
            fields[name] = self.uniques[name][self.columns[name][i]]
        for name in self.date_fields:
            value = self.columns[name][i]
            fields[name] = None if np.isnat(value) else value.astype(object)
        for name in self.number_fields:
            value = self.columns[name][i]
            fields[name] = None if np.isnan(value) else float(value)
        for name in self.value_fields:
            fields[name] = self.columns[name][i]
        fields["ref"] = SourceRef(file=self.file, row=int(self.rows[i])) if self.file else None
        return self.model.model_construct(_fields_set=_every_field(self.model), **fields)

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self.record(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list):
            return list(self) == other
        if not isinstance(other, ColumnTable):
            return NotImplemented
        return type(self) is type(other) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} rows)"


@functools.cache
def _every_field(model: type[Record]) -> set[str]:
    return set(model.model_fields)


def object_array(values: list[Any]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class StaffTable(ColumnTable):
    """The staff table as loaded; `loaders.dataset` makes a `Staff` model of each row
    (tens of thousands at most, and every rule reads people as models)."""

    model = Staff
    id_fields = ("staff_id", "line_manager_id")
    date_fields = (
        "start_date",
        "end_date",
        "registration_expires",
        "asye_start",
        "enhanced_from",
        "enhanced_until",
    )
    number_fields = ("fte",)
    value_fields = (
        "name",
        "role",
        "team",
        "case_holding",
        "registered_social_worker",
        "agency",
        "email",
        "registration_number",
    )
    __slots__ = ()


class SessionTable(ColumnTable):
    model = Session
    id_fields = ("session_id", "supervisee_id", "supervisor_id")
    date_fields = ("date",)
    number_fields = ("duration_minutes",)
    value_fields = ("type", "status", "interrupted", "signed_by_supervisee", "signed_by_supervisor")
    __slots__ = ()

    def in_rule_order(self, rows: np.ndarray | None = None) -> SessionTable:
        """The rows (those of `rows`, a mask, when given) sorted by supervisee id, then
        date, file order on the same day: the order the rules read sessions in
        (`rules.base.index_sessions`). A table already in that order is itself, not a
        copy: at national size a copy is 160 MB."""
        codes, people = self.codes("supervisee_id")
        positions = np.arange(len(self)) if rows is None else np.flatnonzero(rows)
        rank = np.empty(len(people), dtype=np.int64)
        rank[np.argsort(people, kind="stable")] = np.arange(len(people))
        person = rank[codes[positions]]
        days = self.columns["date"][positions].view(np.int64)
        if len(positions) == len(self):  # already in order (as `integrity` leaves them): no sort
            later = person[1:] > person[:-1]
            if bool((later | ((person[1:] == person[:-1]) & (days[1:] >= days[:-1]))).all()):
                return self
        return self.take(positions[np.lexsort((days, person))])  # type: ignore[return-value]  # (stable)


class AllocationTable(ColumnTable):
    model = Allocation
    id_fields = ("case_id", "worker_id")
    date_fields = ("start_date", "end_date")
    __slots__ = ()


class DiscussionTable(ColumnTable):
    model = Discussion
    id_fields = ("case_id", "worker_id", "session_id", "decided_by")
    date_fields = ("date", "recorded_date")
    __slots__ = ()


class AbsenceTable(ColumnTable):
    model = Absence
    id_fields = ("staff_id",)
    date_fields = ("start_date", "end_date")
    value_fields = ("reason",)
    __slots__ = ()


class AgreementTable(ColumnTable):
    model = Agreement
    id_fields = ("staff_id", "supervisor_id")
    date_fields = ("signed_date",)
    value_fields = ("signed_by_supervisee", "signed_by_supervisor")
    __slots__ = ()


class AppraisalTable(ColumnTable):
    model = Appraisal
    id_fields = ("staff_id",)
    date_fields = ("date",)
    __slots__ = ()


TABLE_TYPES: dict[str, type[ColumnTable]] = {
    "sessions": SessionTable,
    "absences": AbsenceTable,
    "allocations": AllocationTable,
    "discussions": DiscussionTable,
    "agreements": AgreementTable,
    "appraisals": AppraisalTable,
    "bookings": SessionTable,
}
"""Dataset attribute -> the table type it holds."""
