"""The records supcheck works on: one pydantic model per input table, plus findings.

Loaders turn export rows into these models; rules read them and yield `Finding`s;
reporters render findings. Every input model remembers where it came from
(`ref`: file and spreadsheet row) so that any later doubt about it can point
at the cell, as frictionless-py's row errors do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

SessionType = Literal["individual", "group", "professional", "informal"]
SessionStatus = Literal["held", "cancelled", "not held"]
Severity = Literal["breach", "warning"]
Interval = Literal["week", "fortnight", "month", "quarter"]

FORMAL_TYPES: frozenset[str] = frozenset({"individual", "group", "professional"})


class SourceRef(NamedTuple):
    """Where a row came from: the file (or `workbook.xlsx[sheet]`) and its spreadsheet row.

    A named tuple, not a model: every loaded row has one, and a tuple of two takes a
    fifth of the memory of a pydantic model."""

    file: str
    row: int


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: SourceRef | None = None


class Staff(Record):
    staff_id: str
    name: str = ""
    role: str
    team: str = ""
    line_manager_id: str = ""
    start_date: date
    end_date: date | None = None
    case_holding: bool | None = None
    registered_social_worker: bool | None = None
    registration_expires: date | None = None
    #: Social Work England number, normalised (`swe.normalise`: `SW12345`).
    registration_number: str = ""
    asye_start: date | None = None
    enhanced_from: date | None = None
    enhanced_until: date | None = None
    fte: float | None = None
    agency: bool | None = None
    email: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.staff_id

    def employed_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Session(Record):
    session_id: str
    supervisee_id: str
    supervisor_id: str = ""
    date: date
    duration_minutes: float | None = None
    type: SessionType = "individual"
    status: SessionStatus = "held"
    interrupted: bool | None = None
    signed_by_supervisee: bool | None = None
    signed_by_supervisor: bool | None = None

    @property
    def is_held_formal(self) -> bool:
        return self.status == "held" and self.type in FORMAL_TYPES


class Absence(Record):
    staff_id: str
    start_date: date
    end_date: date
    reason: str = ""


class Allocation(Record):
    case_id: str
    worker_id: str
    start_date: date
    end_date: date | None = None


class Discussion(Record):
    case_id: str
    worker_id: str
    date: date
    recorded_date: date | None = None
    session_id: str = ""
    decided_by: str = ""


class Agreement(Record):
    staff_id: str
    supervisor_id: str = ""
    signed_date: date
    signed_by_supervisee: bool | None = None
    signed_by_supervisor: bool | None = None


class Appraisal(Record):
    staff_id: str
    date: date


class Finding(BaseModel):
    """One result of a check, in the shape of cli.md's JSON report.

    `file`, `row`, `column` and `value` are set for data-quality findings only.
    `team` and `staff_name` are carried so that reporters can group and label
    without looking anything up.
    """

    model_config = ConfigDict(frozen=True)

    kind: str
    rule: str
    severity: Severity
    #: A data-quality finding's stable code (`dq.CODES`: `not-a-date`, `unknown-staff`,
    #: ...), for scripts and filters that must not match on wording; "" for the rest.
    code: str = ""
    staff_id: str = ""
    case_id: str = ""
    start: date | None = None
    end: date | None = None
    message: str
    source: str = ""
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    team: str = ""
    staff_name: str = ""
    #: The staff member's line manager (id, and name when the staff table has them),
    #: for the reports' line-manager column; set by the engine like `team`.
    line_manager_id: str = ""
    line_manager_name: str = ""

    @property
    def is_data_quality(self) -> bool:
        return self.kind == "data-quality"

    def sort_key(self) -> tuple:
        return (
            self.staff_id,
            self.kind,
            self.start or date.min,
            self.end or date.min,
            self.case_id,
            self.file or "",
            self.row or 0,
            self.rule,
        )


class FindingTable(Sequence[Finding]):
    """Findings as columns, one list per `Finding` field (by name: a field added to the
    model is carried with no change here), from the rules to the reporters.

    Five years of a national export make 250,000 findings: as pydantic objects they took
    0.35 GB, and giving each its team and line manager copied them all. The engine takes
    the rules' findings apart as they are yielded (`extend`) and finishes them column by
    column; the JSON and CSV reports read `rows()`, light named tuples made as they are
    written; anything else reads `Finding`s, made one at a time as it iterates or indexes.
    """

    def __init__(self, columns: dict[str, list[Any]] | None = None):
        self.columns: dict[str, list[Any]] = columns or {name: [] for name in FINDING_FIELDS}

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingTable:
        if isinstance(findings, FindingTable):
            return findings
        table = cls()
        table.extend(findings)
        return table

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add each finding's values; the finding itself is not kept."""
        appends = [(name, column.append) for name, column in self.columns.items()]
        for finding in findings:
            values = finding.__dict__
            for name, append in appends:
                append(values[name])

    def __len__(self) -> int:
        return len(self.columns["kind"])

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> FindingTable: ...
    def __getitem__(self, index: int | slice) -> Finding | FindingTable:
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        return Finding(**{name: column[index] for name, column in self.columns.items()})

    def __iter__(self) -> Iterator[Finding]:
        for values in zip(*self.columns.values(), strict=True):
            yield Finding(**dict(zip(self.columns, values, strict=True)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FindingTable):
            return self.columns == other.columns
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FindingTable({len(self)} findings)"

    def rows(self) -> Iterator[FindingRow]:
        """Each finding as a `FindingRow` (its fields by name), made as it is read."""
        return map(FindingRow._make, zip(*self.columns.values(), strict=True))

    def column(self, name: str) -> list[Any]:
        return self.columns[name]

    def take(self, positions: Iterable[int]) -> FindingTable:
        """The findings at `positions`, in that order."""
        picked = list(positions)
        return FindingTable({name: [column[i] for i in picked] for name, column in self.columns.items()})

    def sorted(self) -> FindingTable:
        """In the reports' order (`Finding.sort_key`)."""
        keys = [row.sort_key() for row in self.rows()]
        return self.take(sorted(range(len(keys)), key=keys.__getitem__))


FINDING_FIELDS: tuple[str, ...] = tuple(Finding.model_fields)


class FindingRow(NamedTuple("_FindingValues", [(name, Any) for name in FINDING_FIELDS])):  # type: ignore[misc]
    """One finding's values by field name, with the model's own `is_data_quality` and
    `sort_key`: what the JSON and CSV reports read (a tuple, not a validated model)."""

    __slots__ = ()
    is_data_quality = Finding.is_data_quality
    sort_key = Finding.sort_key


def finding_rows(findings: Sequence[Finding]) -> Iterable[Finding | FindingRow]:
    """The findings' values by field name: a table's `rows()`, or a list's own findings."""
    return findings.rows() if isinstance(findings, FindingTable) else findings


class NotAssessed(BaseModel):
    rule: str
    reason: str


class TableSpan(BaseModel):
    """The days one export covers, from `begins` (None: as far back as needed) to `ends`
    (None: no day at all), and why it ends there (`basis`: "taken on 1 November 2026, as
    staff.csv's title row says: 'Extracted 01/11/2026 07:02'"). `first_row` is the date
    `begins` was taken from. Made by `coverage`, read by the engine and the reports."""

    model_config = ConfigDict(frozen=True)

    table: str
    file: str
    begins: date | None = None
    ends: date | None = None
    basis: str = ""
    first_row: date | None = None

    def begins_text(self) -> str:
        """`allocations.tsv begins on 6 January 2025` (its first row; covered from 1 January)."""
        assert self.first_row is not None
        return f"{self.file} begins on {self.first_row.day} {self.first_row:%B %Y}"

    def ends_text(self) -> str:
        if self.ends is None:
            return f"{self.file}: {self.basis}"
        return f"{self.file} ends on {self.ends.day} {self.ends:%B %Y} ({self.basis})"


class Period(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class Summary(BaseModel):
    """The report's counts. `compliance` is windows met / (windows assessed - windows
    excused), as the health check computes it: an excused window (the person was absent)
    is neither met nor missed, so it is left out of the rate and shown apart. None when
    no window could be met or missed (then there is no rate to give, not 100%)."""

    staff: int = 0
    windows_assessed: int = 0
    windows_met: int = 0
    windows_excused: int = 0
    windows_missed: int = 0
    breaches: int = 0
    warnings: int = 0
    compliance: float | None = None


class TeamSummary(BaseModel):
    """One team's counts (`team` empty: staff with no team recorded), as the engine
    counted them for the report's "by team" table."""

    team: str
    summary: Summary


class SkippedReport(BaseModel):
    """An earlier report `--since-last` passed over: `problem` is `unreadable` (truncated,
    not JSON, not a supcheck report) or `not-earlier` (recorded as made after this run)."""

    file: str
    problem: Literal["unreadable", "not-earlier"]
    reason: str


class SinceLast(BaseModel):
    """Breaches new and resolved since the previous run's JSON report (`--since-last`).

    `previous` is the file name of that report, None when there was none (then every
    breach is new). A finding's identity is (kind, rule, staff_id, case_id, start, end).
    `skipped` lists the newer reports in the folder that could not be used, so the
    analyst sees why the comparison is with an older one (or with none).
    """

    previous: str | None = None
    new: list[Finding] = Field(default_factory=list)
    resolved: list[Finding] = Field(default_factory=list)
    skipped: list[SkippedReport] = Field(default_factory=list)


class Unrouted(BaseModel):
    """Someone whose breaches cannot be mailed to a line manager (`--email-managers`)."""

    staff_id: str
    staff_name: str = ""
    team: str = ""
    reason: str
    breaches: int = 0


class DueItem(BaseModel):
    """One requirement that closes soon with nothing yet counting towards it (`supcheck
    due`): a window, a case-discussion deadline or an annual requirement. `deadline` is
    the last day it can still be met; `booked` the first booked session that would
    count (None: none booked), `booked_in_time` whether that booking is by the deadline."""

    model_config = ConfigDict(frozen=True)

    kind: str
    rule: str
    rule_title: str = ""
    staff_id: str
    staff_name: str = ""
    team: str = ""
    line_manager_id: str = ""
    line_manager_name: str = ""
    case_id: str = ""
    start: date | None = None
    deadline: date
    booked: date | None = None
    booked_in_time: bool = False
    what: str
    """What is due, in words: "monthly supervision (window 1-31 October 2026)"."""
    booking: str
    """The booking, in words: "booked for 9 December 2026", or "nothing booked"."""


class DueResult(BaseModel):
    """Everything a `supcheck due` reporter needs, already computed."""

    supcheck_version: str
    policy: str
    policy_title: str = ""
    as_of: date
    within: int
    until: date
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    not_judged: list[str] = Field(default_factory=list)
    items: list[DueItem] = Field(default_factory=list)
    organisation: str = ""
    """The council's name (`--organisation`, config `organisation`): in the title."""


class CheckResult(BaseModel):
    """Everything a reporter needs, already computed: reporters only render this.

    The last three fields are set only by the unattended-run features: `audience` says
    whom a copy is for (a line manager's e-mail), `since_last` compares with the previous
    run, and `unrouted` (the analyst's e-mail when mailing managers) lists the staff
    whose line manager has no e-mail address.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    supcheck_version: str
    policy: str
    policy_title: str = ""
    period: Period
    as_of: date
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    #: What the exports cover, and the sentences saying which part of the period was
    #: therefore not judged (shown in a report's first lines); empty when everything was.
    coverage: list[TableSpan] = Field(default_factory=list)
    not_judged: list[str] = Field(default_factory=list)
    summary: Summary
    findings: FindingTable = Field(default_factory=FindingTable)
    #: The summary per team, teams in the order of the reports' team headings.
    teams: list[TeamSummary] = Field(default_factory=list)
    audience: str = ""
    since_last: SinceLast | None = None
    unrouted: list[Unrouted] | None = None
    generated_at: datetime | None = None
    """When the run wrote its reports to an output folder (local time with its offset):
    `--since-last` orders earlier reports by it, not by their file names."""
    due: list[DueItem] | None = None
    """A line manager's copy (`--email-managers`): what their staff have due soon, under
    their breaches; None elsewhere. `due_until` is the last day that list looks at."""
    due_until: date | None = None
    due_not_judged: list[str] = Field(default_factory=list)
    organisation: str = ""
    """The council's name (`--organisation`, config `organisation`): in the title and footer."""
    instructions: str = ""
    """A line manager's copy: the config's short paragraph of what to do, above their list."""
    rule_titles: dict[str, str] = Field(default_factory=dict)
    """Rule id -> the pack's title for it, so reports for people name rules in words."""
    full_list: list[str] = Field(default_factory=list)
    """Where this run put every finding (the JSON, CSV or workbook it wrote, or "the attached
    workbook ..."), for a report for people too long to list them all (`reporters.digest`);
    empty: that report says how to get the full list."""

    @field_validator("findings", mode="before")
    @classmethod
    def _findings_as_table(cls, value: Any) -> FindingTable:
        """Findings given as a list (a manager's copy, a test) are made a table."""
        if isinstance(value, FindingTable):
            return value
        return FindingTable.of(f if isinstance(f, Finding) else Finding.model_validate(f) for f in value)


TABLES: tuple[str, ...] = (
    "staff",
    "supervisions",
    "absences",
    "allocations",
    "case_discussions",
    "agreements",
    "appraisals",
)
REQUIRED_TABLES: frozenset[str] = frozenset({"staff", "supervisions"})

ATTRIBUTES: dict[str, str] = {
    "staff": "staff",
    "supervisions": "sessions",
    "absences": "absences",
    "allocations": "allocations",
    "case_discussions": "discussions",
    "agreements": "agreements",
    "appraisals": "appraisals",
}
"""Each table's `Dataset` attribute (the models' names differ from the tables')."""


class TableInfo(BaseModel):
    """What was found for one table: where it came from, which canonical columns it had,
    and the extraction date a title row above its header printed (`loaders.extraction`)."""

    name: str
    label: str
    columns: frozenset[str]
    rows_read: int = 0
    #: Columns whose headers tied and were not read -> why ("staff.csv: columns 'Manager'
    #: and 'Reports To' both read as line_manager_id"), for the rules not assessed.
    unread: dict[str, str] = Field(default_factory=dict)
    extracted: date | None = None
    extracted_text: str = ""


def _empty(attribute: str) -> Any:
    from .column_tables import TABLE_TYPES

    return TABLE_TYPES[attribute].empty()


class Dataset(BaseModel):
    """All loaded tables. A table absent from the export has no entry in `tables`.

    Staff are models by id (tens of thousands at most, read by every rule); every other
    table is its `column_tables.ColumnTable` type (`column_tables.TABLE_TYPES`: sessions a
    `SessionTable`, ...), columns rather than a model a row: at national size there are
    tens of millions of rows. (Annotated `Any` because column_tables imports this
    module; `_column_table` holds each attribute to its type.)
    """

    staff: dict[str, Staff] = Field(default_factory=dict)
    sessions: Any = Field(default_factory=lambda: _empty("sessions"))
    absences: Any = Field(default_factory=lambda: _empty("absences"))
    allocations: Any = Field(default_factory=lambda: _empty("allocations"))
    discussions: Any = Field(default_factory=lambda: _empty("discussions"))
    agreements: Any = Field(default_factory=lambda: _empty("agreements"))
    appraisals: Any = Field(default_factory=lambda: _empty("appraisals"))
    tables: dict[str, TableInfo] = Field(default_factory=dict)
    #: Tables found but not read -> why ("allocations.csv: columns 'Worker ID' and
    #: 'Allocated To' both read as worker_id"): the rules that need them say so.
    unread: dict[str, str] = Field(default_factory=dict)
    #: The DfE workforce census returns found in DATA (`loaders.census.CensusReturn`),
    #: read only for the health check.
    census: list[Any] = Field(default_factory=list)
    #: Supervision rows dated after the as-of date, of known staff within their
    #: employment: diary bookings (`integrity`), read by `supcheck due`, never counted
    #: as held by a rule.
    bookings: Any = Field(default_factory=lambda: _empty("sessions"))

    @field_validator(
        "sessions",
        "absences",
        "allocations",
        "discussions",
        "agreements",
        "appraisals",
        "bookings",
        mode="before",
    )
    @classmethod
    def _column_table(cls, value: Any, info: ValidationInfo) -> Any:
        from .column_tables import TABLE_TYPES

        expected = TABLE_TYPES[info.field_name]
        if not isinstance(value, expected):
            raise TypeError(f"{info.field_name} must be a {expected.__name__}, not {type(value).__name__}")
        return value

    def has_table(self, table: str) -> bool:
        return table in self.tables

    def has_column(self, table: str, column: str) -> bool:
        info = self.tables.get(table)
        return info is not None and column in info.columns
