"""Cross-table checks on loaded data (rules.md, "Data quality").

The loaders judge one row at a time; this module judges rows against each other and
against `as_of`: unknown staff ids, duplicate rows, dates after as_of, sessions outside
the supervisee's employment, line managers missing from the staff table. A row that
cannot be used is removed from the dataset and named in a data-quality finding that says
so; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from .dq import data_quality
from .models import Dataset, Finding, Record, Session, Staff
from .text import long_date

R = TypeVar("R", bound=Record)


def _dq(
    record: Record, column: str, value: object, message: str, *, staff_id: str = "", day: date | None = None
) -> Finding:
    ref = record.ref
    return data_quality(
        message,
        file=ref.file if ref else None,
        row=ref.row if ref else None,
        column=column,
        value=value,
        staff_id=staff_id,
        day=day,
    )


def _keep(records: Iterable[R], problem: Callable[[R], Finding | None], findings: list[Finding]) -> list[R]:
    kept = []
    for record in records:
        finding = problem(record)
        if finding is None:
            kept.append(record)
        else:
            findings.append(finding)
    return kept


def check_integrity(data: Dataset, as_of: date) -> tuple[Dataset, list[Finding]]:
    """Return the dataset with unusable rows removed, and a finding for every doubt."""
    findings: list[Finding] = []
    staff = data.staff
    known = staff.keys()

    for member in staff.values():
        if member.line_manager_id and member.line_manager_id not in known:
            findings.append(
                _dq(
                    member,
                    "line_manager_id",
                    member.line_manager_id,
                    f"line_manager_id '{member.line_manager_id}' of {member.display_name} is not "
                    "in the staff table; row used, manager unknown.",
                    staff_id=member.staff_id,
                )
            )
        if member.end_date is not None and member.end_date < member.start_date:
            findings.append(
                _dq(
                    member,
                    "end_date",
                    member.end_date.isoformat(),
                    f"end_date {member.end_date.isoformat()} is before start_date "
                    f"{member.start_date.isoformat()}; row used as employed from start_date only.",
                    staff_id=member.staff_id,
                )
            )

    def unknown_staff(table: str, column: str, staff_id: str, record: Record) -> Finding | None:
        if staff_id in known:
            return None
        return _dq(
            record,
            column,
            staff_id,
            f"{column} '{staff_id}' is not in the staff table; row not used.",
            staff_id=staff_id,
        )

    def after_as_of(column: str, day: date, record: Record, staff_id: str) -> Finding | None:
        if day <= as_of:
            return None
        return _dq(
            record,
            column,
            day.isoformat(),
            f"{column} {day.isoformat()} is after the as-of date {as_of.isoformat()}; row not used.",
            staff_id=staff_id,
            day=day,
        )

    seen_ids: set[str] = set()
    seen_content: set[tuple] = set()

    def session_problem(s: Session) -> Finding | None:
        problem = unknown_staff("supervisions", "supervisee_id", s.supervisee_id, s)
        if problem is None:
            problem = after_as_of("date", s.date, s, s.supervisee_id)
        if problem is None:
            problem = _outside_employment(s, staff[s.supervisee_id])
        if problem is None:
            problem = _duplicate(s, seen_ids, seen_content)
        return problem

    sessions = _keep(data.sessions, session_problem, findings)

    absences = _keep(
        data.absences,
        lambda a: (
            unknown_staff("absences", "staff_id", a.staff_id, a)
            or (
                _dq(
                    a,
                    "end_date",
                    a.end_date.isoformat(),
                    f"absence ends ({a.end_date.isoformat()}) before it starts "
                    f"({a.start_date.isoformat()}); row not used.",
                    staff_id=a.staff_id,
                )
                if a.end_date < a.start_date
                else None
            )
        ),
        findings,
    )
    allocations = _keep(
        data.allocations,
        lambda a: (
            unknown_staff("allocations", "worker_id", a.worker_id, a)
            or after_as_of("start_date", a.start_date, a, a.worker_id)
            or (
                _dq(
                    a,
                    "end_date",
                    a.end_date.isoformat(),
                    f"allocation ends ({a.end_date.isoformat()}) before it starts "
                    f"({a.start_date.isoformat()}); row not used.",
                    staff_id=a.worker_id,
                )
                if a.end_date is not None and a.end_date < a.start_date
                else None
            )
        ),
        findings,
    )
    discussions = _keep(
        data.discussions,
        lambda d: (
            unknown_staff("case_discussions", "worker_id", d.worker_id, d)
            or after_as_of("date", d.date, d, d.worker_id)
        ),
        findings,
    )
    agreements = _keep(
        data.agreements,
        lambda a: (
            unknown_staff("agreements", "staff_id", a.staff_id, a)
            or after_as_of("signed_date", a.signed_date, a, a.staff_id)
        ),
        findings,
    )
    appraisals = _keep(
        data.appraisals,
        lambda a: (
            unknown_staff("appraisals", "staff_id", a.staff_id, a)
            or after_as_of("date", a.date, a, a.staff_id)
        ),
        findings,
    )
    cleaned = data.model_copy(
        update={
            "sessions": sessions,
            "absences": absences,
            "allocations": allocations,
            "discussions": discussions,
            "agreements": agreements,
            "appraisals": appraisals,
        }
    )
    return cleaned, findings


def _outside_employment(s: Session, supervisee: Staff) -> Finding | None:
    if s.date < supervisee.start_date:
        when = f"before {supervisee.display_name} started on {long_date(supervisee.start_date)}"
    elif supervisee.end_date is not None and s.date > supervisee.end_date:
        when = f"after {supervisee.display_name} left on {long_date(supervisee.end_date)}"
    else:
        return None
    return _dq(
        s,
        "date",
        s.date.isoformat(),
        f"session on {long_date(s.date)} is {when}; row not used.",
        staff_id=s.supervisee_id,
        day=s.date,
    )


def _duplicate(s: Session, seen_ids: set[str], seen_content: set[tuple]) -> Finding | None:
    """A session id seen before, or the same supervisee, supervisor, date, type, status and
    length as an earlier row, is a duplicate: the first row is used, the later one is not."""
    content = (s.supervisee_id, s.supervisor_id, s.date, s.type, s.status, s.duration_minutes)
    generated_id = s.ref is not None and s.session_id.startswith(f"{s.ref.file}#")
    if not generated_id and s.session_id in seen_ids:
        what = f"session_id '{s.session_id}' appears again"
        column, value = "session_id", s.session_id
    elif content in seen_content:
        what = "same supervisee, supervisor, date, type, status and duration as an earlier row"
        column, value = "date", s.date.isoformat()
    else:
        seen_ids.add(s.session_id)
        seen_content.add(content)
        return None
    return _dq(
        s, column, value, f"duplicate session ({what}); row not used.", staff_id=s.supervisee_id, day=s.date
    )
