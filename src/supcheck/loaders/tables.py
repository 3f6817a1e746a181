"""Per-table column specs, and turning a table's rows into models.

`TableLoader` is built once per file from its header row (each canonical column's
position, unit and value words resolved up front) and then converts each data row.
A row is either a model or named in a data-quality finding that ends "row not used":
that accounting is what lets a manager trust that nothing vanished. Only checks
within one row are made here; checks across rows and tables (unknown staff ids,
duplicates, dates after as-of) belong to the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

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
from .headers import PREFIXES, HeaderMatcher, fold_header
from .values import (
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


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # id text date end_date duration time bool number status type
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


@dataclass
class _Candidate:
    level: int
    index: int
    header: str
    unit: str | None


def resolve_columns(
    matcher: HeaderMatcher,
    spec: TableSpec,
    label: str,
    header_row: int,
    header_cells: Sequence[object],
    value_words: Mapping[str, Mapping[str, object]] | None = None,
    mapped_headers: Mapping[str, str] | None = None,
) -> tuple[dict[str, Column], list[int], list[Finding]]:
    """Which cell of the header is which canonical column.

    Returns the columns found, the positions of blank header cells (to notice data
    without a header), and findings for unknown, duplicate and ambiguous headers.
    Raises InputError when a required column is missing or ambiguous.
    """
    findings: list[Finding] = []
    candidates: dict[str, list[_Candidate]] = {}
    unnamed: list[int] = []
    seen_keys: set[str] = set()
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            unnamed.append(index)
            continue
        folded = fold_header(cell)
        seen_keys.add(folded.key)
        match = matcher.match(folded)
        if match is None:
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
        candidates.setdefault(match.column, []).append(
            _Candidate(match.level, index, folded.text, match.unit)
        )
    for key, header in (mapped_headers or {}).items():
        if key not in seen_keys:
            findings.append(
                data_quality(
                    f"the mapping file names column '{header}', which is not in the header",
                    file=label,
                    row=header_row,
                    column=header,
                )
            )

    columns: dict[str, Column] = {}
    ambiguous: dict[str, list[str]] = {}
    for name, found in candidates.items():
        top = max(c.level for c in found)
        best = [c for c in found if c.level == top]
        if len(best) > 1:
            headers = [c.header for c in best]
            ambiguous[name] = headers
            findings.append(
                data_quality(
                    f"columns {_and(headers)} all read as {name}; none used"
                    if len(best) > 2
                    else f"columns {_and(headers)} both read as {name}; neither used",
                    file=label,
                    row=header_row,
                    column=", ".join(headers),
                )
            )
        else:
            chosen = best[0]
            column_spec = next(c for c in spec.columns if c.name == name)
            columns[name] = Column(
                column_spec,
                chosen.index,
                chosen.header,
                chosen.unit,
                (value_words or {}).get(name),
            )
        for loser in found:
            if loser.level < top:
                used = f", but '{best[0].header}' is used" if len(best) == 1 else ""
                findings.append(
                    data_quality(
                        f"column '{loser.header}' also reads as {name}{used}; ignored",
                        file=label,
                        row=header_row,
                        column=loser.header,
                    )
                )

    for name in sorted(spec.required):
        if name in columns:
            continue
        if name in ambiguous:
            raise InputError(
                f"{label}: columns {_and(ambiguous[name])} both read as {name}; rename one "
                "or map it in a mapping file"
            )
        spellings = ", ".join(f"'{s}'" for s in matcher.spellings(name))
        prefixes = ", ".join(f"'{p} ...'" for p in PREFIXES[spec.name][:3])
        shown = ", ".join(f"'{to_text(c)}'" for c in header_cells if not is_blank(c))
        raise InputError(
            f"{label}: no {name} column (looked for {spellings}, also after a prefix such "
            f"as {prefixes}; header taken from row {header_row}: {shown or 'blank'})"
        )
    return columns, unnamed, findings


def _and(items: Sequence[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


# --------------------------------------------------------------------------- rows


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
    }[kind]


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
        self._plan = [
            (
                column.spec.name,
                column.index,
                column.header,
                column.words,
                None
                if column.spec.kind in ("id", "text")
                else _parser(column.spec.kind, self.month_first, column.unit),
                column.spec.kind,
                column.spec.required,
            )
            for column in sorted(self.columns.values(), key=lambda c: c.index)
        ]
        self._needs_finish = self.spec.name in ("staff", "supervisions", "absences", "allocations")
        self._reported_unnamed: set[int] = set()
        self._check_width = bool(self.unnamed)
        first = min(self.columns.values(), key=lambda c: c.index, default=None)
        self._first_index = first.index if first else 0
        self._first_raw = (
            self.header_cells[self._first_index]
            if first and self._first_index < len(self.header_cells)
            else None
        )

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
        """One data row (already known not to be blank) -> (model or None, findings).

        This runs once per row of files with millions of rows, so the common case (a
        non-blank string that parses) is kept to a few dictionary lookups and cached
        parser calls; findings are only assembled when there is something to say.
        """
        notes: list[Finding] = []
        width = len(cells)
        if self._check_width or width > self.header_width:
            self._notice_unnamed(number, cells, notes)
        if self._first_raw is not None and self._is_header_repeat(cells):
            notes.append(data_quality("repeats the header row; row not used.", file=self.label, row=number))
            return None, notes
        fields: dict[str, Any] = {}
        fatal: list[tuple[str, str, object, str]] = []  # column, header, raw, reason
        soft: list[tuple[str, str, object, str]] = []
        for name, index, header, words, parse, kind, required in self._plan:
            raw = cells[index] if index < width else None
            if (
                raw is None
                or raw == ""
                or (raw.__class__ is str and raw.isspace())
                or (raw.__class__ is float and raw != raw)
            ):
                if required:
                    fatal.append((name, header, None, "is missing"))
                continue
            if kind == "id":
                if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
                    continue  # "N/A" as a line manager or supervisor: none
                value = id_text(raw) if raw.__class__ is str else parse_id(raw)
                fields[name] = value
                if ("E+" in value or "e+" in value) and looks_scientific(value):
                    soft.append(
                        (
                            name,
                            header,
                            raw,
                            "looks like an id Excel showed in scientific notation "
                            "(digits may be lost); read as it is.",
                        )
                    )
                continue
            if kind == "text":
                fields[name] = to_text(raw)
                continue
            if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
                continue
            if words is not None:
                word = fold_word(raw)
                if word in words:
                    fields[name] = words[word]
                    continue
            try:
                fields[name] = parse(raw)
            except ValueError as exc:
                if required or kind in ("status", "type"):
                    fatal.append((name, header, raw, str(exc)))
                elif kind == "end_date":
                    soft.append(
                        (name, header, raw, f"{exc}; read as blank ({END_DATE_MEANING[self.spec.name]}).")
                    )
                elif kind == "time":
                    soft.append((name, header, raw, f"{exc}; duration read as blank."))
                else:
                    soft.append((name, header, raw, f"{exc}; read as blank."))

        if not fatal and self._needs_finish:
            self._finish(number, cells, fields, fatal, soft)
        if fatal:
            notes.extend(self._findings(number, fields, fatal, "; row not used."))
            return None, notes
        if soft:
            notes.extend(self._findings(number, fields, soft, ""))
        try:
            record = self.spec.model(ref=SourceRef(file=self.label, row=number), **fields)
        except ValidationError as exc:  # pragma: no cover (values are already typed)
            error = exc.errors()[0]
            column = str(error["loc"][0]) if error["loc"] else ""
            notes.append(
                data_quality(
                    f"{column} is not valid ({error['msg']}); row not used.",
                    file=self.label,
                    row=number,
                    column=column,
                )
            )
            return None, notes
        return record, notes

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

    def _raw(self, cells: Sequence[Any], column: str) -> tuple[str, object]:
        found = self.columns[column]
        return found.header, cells[found.index] if found.index < len(cells) else None

    def _finish(
        self, number: int, cells: Sequence[Any], fields: dict[str, Any], fatal: list, soft: list
    ) -> None:
        """Checks and derived values within one row."""
        table = self.spec.name
        if table == "staff":
            first = fields.pop("first_name", "")
            last = fields.pop("last_name", "")
            if not fields.get("name") and (first or last):
                fields["name"] = f"{first} {last}".strip()
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
        positions = [i for i in self.unnamed if i < len(cells)]
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
