"""What each table holds: its canonical columns, their kinds, and which are required.

A column's kind says how its cells are read (`loaders.cells`): `id`, `text`, `date`,
`end_date` (a blank means still employed or allocated), `duration`, `time`, `bool`,
`number`, `status`, `type` or `swe` (a Social Work England number).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..column_tables import (
    AbsenceTable,
    AgreementTable,
    AllocationTable,
    AppraisalTable,
    ColumnTable,
    DiscussionTable,
    SessionTable,
    StaffTable,
)


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
    table: type[ColumnTable]  # what the rows become
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
        StaffTable,
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
        SessionTable,
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
        AbsenceTable,
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
        AllocationTable,
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
        DiscussionTable,
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
        AgreementTable,
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
        AppraisalTable,
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
