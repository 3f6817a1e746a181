"""Small builders for rule tests: a dataset from a few rows, and a run of the engine."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from supcheck.column_tables import TABLE_TYPES, ColumnTable, object_array, to_day_array
from supcheck.engine import Scope, run_check
from supcheck.integrity import check_integrity
from supcheck.models import (
    Absence,
    Dataset,
    Period,
    Session,
    Staff,
    TableInfo,
)
from supcheck.packs import load_pack
from supcheck.window_judging import STATUSES, AbsenceCover, DatedEvents, window_outcomes

ALL_STAFF_COLUMNS = frozenset(Staff.model_fields) - {"ref"}
ALL_SESSION_COLUMNS = frozenset(Session.model_fields) - {"ref"}


def person(staff_id="S1", role="Social Worker", start=date(2020, 1, 1), **kw) -> Staff:
    kw.setdefault("name", f"Person {staff_id}")
    kw.setdefault("team", "North")
    kw.setdefault("registered_social_worker", True)
    return Staff(staff_id=staff_id, role=role, start_date=start, **kw)


_counter = iter(range(1, 10**9))


def session(day: date, staff_id="S1", **kw) -> Session:
    kw.setdefault("duration_minutes", 90)
    kw.setdefault("supervisor_id", "M1")
    return Session(
        session_id=kw.pop("session_id", f"X{next(_counter)}"), supervisee_id=staff_id, date=day, **kw
    )


def absence(start: date, end: date, staff_id="S1") -> Absence:
    return Absence(staff_id=staff_id, start_date=start, end_date=end)


def dataset(
    staff, sessions=(), absences=None, *, staff_columns=None, session_columns=None, **tables
) -> Dataset:
    info = {
        "staff": TableInfo(name="staff", label="staff.csv", columns=staff_columns or ALL_STAFF_COLUMNS),
        "supervisions": TableInfo(
            name="supervisions", label="supervisions.csv", columns=session_columns or ALL_SESSION_COLUMNS
        ),
    }
    data = {"staff": {s.staff_id: s for s in staff}, "sessions": list(sessions)}
    if absences is not None:
        info["absences"] = TableInfo(
            name="absences", label="absences.csv", columns=frozenset({"staff_id", "start_date", "end_date"})
        )
        data["absences"] = list(absences)
    for name, (attr, rows, columns) in tables.items():
        info[name] = TableInfo(name=name, label=f"{name}.csv", columns=frozenset(columns))
        data[attr] = list(rows)
    tables_of = {attr: table_of(TABLE_TYPES[attr], rows) for attr, rows in data.items() if attr != "staff"}
    return Dataset(tables=info, staff=data["staff"], **tables_of)


def table_of(table_type: type[ColumnTable], records) -> ColumnTable:
    """A column table of a few models, as the loader would make it of their rows."""
    records = list(records)
    columns: dict[str, np.ndarray] = {}
    for name in table_type.id_fields:
        columns[name] = object_array([getattr(r, name) for r in records])
    for name in table_type.date_fields:
        columns[name] = to_day_array([getattr(r, name) for r in records])
    for name in table_type.number_fields:
        columns[name] = np.array(
            [np.nan if (v := getattr(r, name)) is None else v for r in records], dtype=np.float64
        )
    for name in table_type.value_fields:
        columns[name] = object_array([getattr(r, name) for r in records])
    files = {r.ref.file for r in records if r.ref}
    assert len(files) <= 1, f"a table's rows come from one file, not {sorted(files)}"
    rows = np.array([r.ref.row if r.ref else 0 for r in records], dtype=np.int32)
    return table_type(columns, files.pop() if files else "", rows)


def check(data: Dataset, start: date, end: date, as_of: date, policy="national", staff=None, **kw):
    """Integrity checks then the engine, as the CLI runs them; `staff` limits the report."""
    cleaned, findings = check_integrity(data, as_of)
    if staff:
        kw["scope"] = Scope(staff_ids=frozenset(staff))
    return run_check(
        cleaned,
        load_pack(policy),
        Period(**{"from": start, "to": end}),
        as_of,
        load_findings=findings,
        **kw,
    )


def kinds(run, kind=None) -> list[tuple]:
    """(kind, staff_id, start, end) of each finding, optionally of one kind."""
    return [
        (f.kind, f.staff_id, f.start, f.end) for f in run.result.findings if kind is None or f.kind == kind
    ]


def plain_absent_days(window, absences) -> int:
    """The distinct days of `window` that some (start, end) absence covers, counted one
    day at a time: the reference the array judge is compared with."""
    days = set()
    for start, end in absences:
        day = max(start, window.start)
        while day <= min(end, window.end):
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def cover_status(window, absences) -> tuple[str, int]:
    """How the rules judge `window` for someone with these absences and no sessions:
    ("excused" or "missed", absent days), through `window_judging`."""
    cover = AbsenceCover(
        ["S1"],
        np.zeros(len(absences), dtype=np.int64),
        np.array([s.toordinal() for s, _ in absences], dtype=np.int64),
        np.array([e.toordinal() for _, e in absences], dtype=np.int64),
    )
    nobody = DatedEvents(
        [], np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    )
    status, absent, _, _ = window_outcomes(
        ["S1"],
        np.zeros(1, dtype=np.int64),
        np.array([window.start.toordinal()]),
        np.array([window.end.toordinal()]),
        nobody,
        cover,
    )
    return STATUSES[status[0]], int(absent[0])
