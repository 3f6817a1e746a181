"""Cross-table checks on loaded data (rules.md, "Data quality").

The loaders judge one row at a time; this module judges rows against each other and
against `as_of`: unknown staff ids, duplicate sessions, dates after as_of, sessions
outside the supervisee's employment, line managers missing from the staff table or
recorded as the person themself. A row that cannot be used is removed from the dataset
and named in a data-quality finding that says so; nothing is dropped silently.

A supervision dated after as_of, of a known supervisee within their employment, is a
diary booking, not a doubtful row: it moves to `Dataset.bookings`, which `supcheck due`
reads ("booked for 9 December") and no rule counts as held (docs/data.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np

from .column_tables import DAY, ColumnTable, SessionTable
from .dq import about_record
from .models import Dataset, Finding, Record, Session, Staff
from .text import long_date, possessive

#: Tables keyed by a staff id: (dataset attribute, staff id field, date field that must
#: not be after as_of, or None). Absences are exempt: HR exports include booked leave.
STAFF_KEYED: tuple[tuple[str, str, str | None], ...] = (
    ("absences", "staff_id", None),
    ("allocations", "worker_id", "start_date"),
    ("discussions", "worker_id", "date"),
    ("agreements", "staff_id", "signed_date"),
    ("appraisals", "staff_id", "date"),
)


def check_integrity(data: Dataset, as_of: date) -> tuple[Dataset, list[Finding]]:
    """Return the dataset with unusable rows removed, and a finding for every doubt."""
    findings = [_manager_problem(m, data.staff) for m in data.staff.values()]
    findings = [f for f in findings if f is not None]

    def unknown_or_late(id_field: str, date_field: str | None) -> Callable[[Record], Finding | None]:
        def problem(record: Record) -> Finding | None:
            staff_id = getattr(record, id_field)
            if staff_id not in data.staff:
                return about_record(
                    record,
                    "unknown-staff",
                    column=id_field,
                    value=staff_id,
                    staff_id=staff_id,
                )
            if date_field is not None:
                return _after_as_of(record, date_field, getattr(record, date_field), as_of, staff_id)
            return None

        return problem

    update: dict[str, ColumnTable] = {}
    for attr, id_field, date_field in STAFF_KEYED:
        table = getattr(data, attr)
        usable = _usable_rows(table, id_field, date_field, data.staff, as_of)
        update[attr] = _keep_rows(table, usable, unknown_or_late(id_field, date_field), findings)
    sessions, bookings = _split_bookings(data.sessions, data.staff, as_of)
    update["sessions"] = _keep_sessions(
        sessions, data.staff, as_of, unknown_or_late("supervisee_id", None), findings
    )
    update["bookings"] = bookings
    return data.model_copy(update=update), findings


def _split_bookings(
    sessions: SessionTable, staff: dict[str, Staff], as_of: date
) -> tuple[SessionTable, SessionTable]:
    """(the sessions dated on or before as_of, or doubtful; the bookings): rows dated
    after as_of whose supervisee is in the staff table and employed on that day. A
    future row of an unknown id, or outside the person's employment, stays with the
    sessions to be reported as such."""
    if not len(sessions):
        return sessions, sessions
    day = sessions["date"]
    started = sessions.map_ids("supervisee_id", lambda i: staff[i].start_date if i in staff else None, DAY)
    left = sessions.map_ids("supervisee_id", lambda i: staff[i].end_date if i in staff else None, DAY)
    booked = (day > np.datetime64(as_of)) & (day >= started) & ~(day > left)  # NaT: False
    if not booked.any():
        return sessions, sessions.take(booked)
    return sessions.take(~booked), sessions.take(booked)


def _keep_sessions(
    sessions: SessionTable,
    staff: dict[str, Staff],
    as_of: date,
    unknown_or_late: Callable[[Record], Finding | None],
    findings: list[Finding],
) -> SessionTable:
    """The usable sessions: a known supervisee, dated on or before as_of and within their
    employment, and not a duplicate (`_DuplicateSessions`); in the rules' order
    (`SessionTable.in_rule_order`), so that the rules need no second copy of them.

    Worked on whole columns: only the rows that fail a test, and the rows that share a
    session id or contents with another (the only ones that can be duplicates, or make
    one), are looked at one by one, in file order, as models."""
    if not len(sessions):
        return sessions
    day = sessions["date"]
    started = sessions.map_ids("supervisee_id", lambda i: staff[i].start_date if i in staff else None, DAY)
    left = sessions.map_ids("supervisee_id", lambda i: staff[i].end_date if i in staff else None, DAY)
    eligible = (day <= np.datetime64(as_of)) & (day >= started) & ~(day > left)  # NaT: False
    involved = np.zeros(len(sessions), dtype=bool)
    rows = np.flatnonzero(eligible)
    if len(rows):
        import pandas as pd

        # (Id columns compared on their codes: equal codes, equal ids.)
        content = (
            pd.DataFrame({name: sessions.columns[name][rows] for name in _DuplicateSessions.CONTENT})
            .duplicated(keep=False)
            .to_numpy()
        )
        same_id = pd.Series(sessions.columns["session_id"][rows]).duplicated(keep=False).to_numpy()
        involved[rows[content | same_id]] = True
    if eligible.all() and not involved.any():
        return sessions.in_rule_order()
    usable = eligible & ~involved
    duplicates = _DuplicateSessions()
    for i in np.flatnonzero(~usable).tolist():
        s = sessions.record(i)
        if eligible[i]:
            finding = duplicates.check(s)
        else:
            finding = unknown_or_late(s) or _outside_employment(s, staff[s.supervisee_id])
        if finding is None:
            usable[i] = True
        else:
            findings.append(finding)
    return sessions.in_rule_order(usable)


def _usable_rows(
    table: ColumnTable, id_field: str, date_field: str | None, staff: dict[str, Staff], as_of: date
) -> np.ndarray:
    """Rows with a known staff id, dated on or before as_of (when `date_field` is given)."""
    usable = table.map_ids(id_field, staff.__contains__, bool)
    if date_field is not None:
        usable &= ~(table[date_field] > np.datetime64(as_of))
    return usable


def _keep_rows(
    table: ColumnTable,
    usable: np.ndarray,
    problem: Callable[[Record], Finding | None],
    findings: list[Finding],
) -> ColumnTable:
    """The usable rows; the few others become models, for their findings."""
    if usable.all():
        return table
    usable = usable.copy()
    for i in np.flatnonzero(~usable).tolist():
        finding = problem(table.record(i))
        if finding is None:
            usable[i] = True  # (the two tests agree; this is only a safety net)
        else:
            findings.append(finding)
    return table.take(usable)


def _manager_problem(member: Staff, staff: dict[str, Staff]) -> Finding | None:
    """A line manager missing from the staff table, or the person themself. The row is used
    either way; `--email-managers` lists the person as not sent (routing.py) rather than
    mailing them their own breaches as "staff you manage"."""
    manager_id = member.line_manager_id
    if not manager_id:
        return None
    if manager_id.strip() == member.staff_id:
        code = "own-line-manager"
    elif manager_id in staff:
        return None
    else:
        code = "unknown-line-manager"
    return about_record(
        member,
        code,
        column="line_manager_id",
        value=manager_id,
        staff_id=member.staff_id,
        name=member.display_name,
        whose=possessive(member.display_name),
    )


def _after_as_of(record: Record, column: str, day: date, as_of: date, staff_id: str) -> Finding | None:
    if day <= as_of:
        return None
    return about_record(
        record,
        "after-as-of",
        as_of=as_of.isoformat(),
        column=column,
        value=day.isoformat(),
        staff_id=staff_id,
        day=day,
    )


def _outside_employment(s: Session, supervisee: Staff) -> Finding | None:
    if s.date < supervisee.start_date:
        code, words = "before-start", {"start": long_date(supervisee.start_date)}
    elif supervisee.end_date is not None and s.date > supervisee.end_date:
        code, words = "after-leaving", {"end": long_date(supervisee.end_date)}
    else:
        return None
    return about_record(
        s,
        code,
        name=supervisee.display_name,
        on=long_date(s.date),
        **words,
        column="date",
        value=s.date.isoformat(),
        staff_id=s.supervisee_id,
        day=s.date,
    )


class _DuplicateSessions:
    """A session id seen before, or the same supervisee, supervisor, date, type, status and
    length as an earlier row, is a duplicate: the first row is used, the later one is not.
    Ids the loader generated (`file#row`) are unique by construction and not compared."""

    CONTENT = ("supervisee_id", "supervisor_id", "date", "type", "status", "duration_minutes")

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.contents: set[tuple] = set()

    def check(self, s: Session) -> Finding | None:
        content = tuple(getattr(s, name) for name in self.CONTENT)
        generated_id = s.ref is not None and s.session_id.startswith(f"{s.ref.file}#")
        if not generated_id and s.session_id in self.ids:
            what = f"session_id '{s.session_id}' appears again"
            column, value = "session_id", s.session_id
        elif content in self.contents:
            what = "same supervisee, supervisor, date, type, status and duration as an earlier row"
            column, value = "date", s.date.isoformat()
        else:
            self.ids.add(s.session_id)
            self.contents.add(content)
            return None
        return about_record(
            s,
            "duplicate-session",
            what=what,
            column=column,
            value=value,
            staff_id=s.supervisee_id,
            day=s.date,
        )
