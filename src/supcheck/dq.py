"""Data-quality findings: every doubtful file, header, row or cell, named by a stable code.

Each finding carries a code (`CODES`), so that a script, a test or a spreadsheet filter
matches `code == "not-a-date"` rather than a sentence; its message is built here, and
only here, from the code's template and the finding's values. `docs/data.md` lists the
codes in a table that a test keeps in step with `CODES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Finding, Record


@dataclass(frozen=True)
class Code:
    """A data-quality code: its message template (`str.format` fields: the finding's
    `column` and `value`, and the words the caller gives) and what it means, for the docs."""

    template: str
    meaning: str


_CELL = "{column} '{value}' {detail}; {outcome}."
"""A cell that cannot be read as its column's kind: what is wrong, and what was done."""

CODES: dict[str, Code] = {
    # Files, sheets and header rows.
    "unrecognised-file": Code(
        "{what} not recognised as a table; ignored",
        "A file or sheet whose name is no table's; not read.",
    ),
    "mapped-elsewhere": Code(
        "not read: the mapping file reads {table} from {source}; ignored",
        "A file named like a table that the mapping file reads from another file; not read.",
    ),
    "extra-sheets": Code(
        "the workbook has {count} sheets; read the first, '{sheet}'",
        "A workbook for one table with several sheets; the first is read.",
    ),
    "unrecognised-column": Code(
        "column '{column}' not recognised; ignored",
        "A header that names no column of its table; the column is not read.",
    ),
    "mapped-column-absent": Code(
        "the mapping file names column '{column}', which is not in the header{hint}",
        "The mapping file maps a header the file does not have.",
    ),
    "tied-columns": Code(
        "columns {headers} {both} read as {target}; {none} used",
        "Two or more headers read as one optional column and their values do not settle "
        "which is which; none is read.",
    ),
    "duplicate-column": Code(
        "column '{column}' also reads as {target}{used}{why}; ignored",
        "A second header for a column already read; ignored.",
    ),
    "unread-table": Code(
        "{what}; the {table} table is not used and the rules that need it are not assessed ({advice})",
        "An optional table without a column it cannot be read without; its rules are not assessed.",
    ),
    "no-header": Code(
        "column {column} has data but no header; ignored",
        "Data in a column with a blank header (named by its letter); the column is not read.",
    ),
    "repeated-header": Code(
        "repeats the header row; row not used.",
        "A report export's page header repeated among the data rows.",
    ),
    # Cells.
    "missing-value": Code("{column} {detail}; {outcome}.", "A required cell is blank; the row is not used."),
    "not-a-date": Code(_CELL, "A date cell that is no date in any form the loader reads."),
    "not-a-time": Code(_CELL, "A start or end time that is no time of day."),
    "not-a-duration": Code(_CELL, "A duration that is no length of time, or not a positive one."),
    "not-a-number": Code(_CELL, "A number cell (FTE) that is no number."),
    "not-yes-no": Code(_CELL, "A yes/no cell that is neither."),
    "unknown-status": Code(
        _CELL, "A session status that is not held, cancelled or not held; the row is not used."
    ),
    "unknown-type": Code(_CELL, "A session type the loader does not know; the row is not used."),
    "not-a-swe-number": Code(_CELL, "A Social Work England number not of the form SW12345."),
    "scientific-id": Code(_CELL, "An id Excel showed in scientific notation (1.23E+11): digits may be lost."),
    "end-before-start": Code(
        _CELL,
        "An end date before the row's start date: read as blank for staff, the row not used "
        "for absences and allocations.",
    ),
    "end-not-after-start": Code(
        _CELL, "A session's end time not after its start time; no duration from them."
    ),
    # Across rows and tables.
    "duplicate-staff": Code(
        "staff_id '{value}' appears again{where}; row not used.",
        "A second staff row with the same staff id; the first is used.",
    ),
    "unknown-staff": Code(
        "{column} '{value}' is not in the staff table; row not used.",
        "A row about a staff id the staff table does not have.",
    ),
    "unknown-line-manager": Code(
        "line_manager_id '{value}' of {name} is not in the staff table; row used, manager unknown.",
        "A line manager id the staff table does not have; the person is checked, nobody is mailed.",
    ),
    "own-line-manager": Code(
        "line_manager_id '{value}' is {whose} own staff id; row used, but --email-managers does "
        "not mail them their own breaches.",
        "A person recorded as their own line manager.",
    ),
    "after-as-of": Code(
        "{column} {value} is after the as-of date {as_of}; row not used.",
        "A record dated after the as-of date (not a supervision: those are bookings).",
    ),
    "before-start": Code(
        "session on {on} is before {name} started on {start}; row not used.",
        "A supervision dated before the supervisee's start date.",
    ),
    "after-leaving": Code(
        "session on {on} is after {name} left on {end}; row not used.",
        "A supervision dated after the supervisee's end date.",
    ),
    "duplicate-session": Code(
        "duplicate session ({what}); row not used.",
        "A session id seen before, or the same supervisee, supervisor, date, type, status and "
        "duration as an earlier row; the first is used.",
    ),
    "unmatched-role": Code(
        "role '{value}' of {name} matches no group of the '{pack}' pack; no rule was applied to this person.",
        "A role no group of the policy pack matches; no rule is applied to the person.",
    ),
    "registration-blank": Code(
        "registered_social_worker is blank for {name} ({role}); registration could not be checked.",
        "A person whose group needs registration, with no registration value.",
    ),
    "no-duration": Code(
        "held {kind} session on {on} has no duration; its length could not be checked.",
        "A held session with no duration (nor start and end times) under a minimum-length rule.",
    ),
    # The DfE workforce census return (health check).
    "census-unreadable": Code(
        "{problem}; ignored", "An XML file in DATA that is not a census return it can read."
    ),
    "census-reference-date": Code(
        "{what}; the census return is read as of 30 September {year} (its Year).",
        "A census return without a readable ReferenceDate; its Year is used.",
    ),
    "census-value": Code(
        "{where}{column} '{value}' {detail}; read as blank.",
        "A census element that cannot be read as its kind; read as blank.",
    ),
}


def message(code: str, *, column: str | None = None, value: object = None, **words: object) -> str:
    """The sentence of a finding with this code: the one place messages are made."""
    return CODES[code].template.format(column=column, value=value, **words)


def data_quality(
    code: str,
    *,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    staff_id: str = "",
    case_id: str = "",
    day: date | None = None,
    **words: object,
) -> Finding:
    """A `data-quality` finding (severity warning; `--strict` raises it to breach later).

    The message is `message(code, ...)`, prefixed with `file row N:` when a location is
    given; the template says what happened to the row ("row not used", "read as ...").
    """
    where = ""
    if file:
        where = f"{file} row {row}: " if row else f"{file}: "
    return Finding(
        kind="data-quality",
        rule="data-quality",
        code=code,
        severity="warning",
        staff_id=staff_id,
        case_id=case_id,
        start=day,
        end=day,
        message=where + message(code, column=column, value=value, **words),
        file=file,
        row=row,
        column=column,
        value=None if value is None else str(value),
    )


def about_record(
    record: Record,
    code: str,
    *,
    column: str,
    value: object,
    staff_id: str = "",
    day: date | None = None,
    **words: object,
) -> Finding:
    """A data-quality finding about a loaded row, located by the row's own file and row."""
    ref = record.ref
    return data_quality(
        code,
        file=ref.file if ref else None,
        row=ref.row if ref else None,
        column=column,
        value=value,
        staff_id=staff_id,
        day=day,
        **words,
    )
