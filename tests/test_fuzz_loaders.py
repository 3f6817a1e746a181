"""Fuzzing the loaders: whatever arrives, a run ends in a dataset or a one-line InputError.

Hypothesis feeds `load_dataset` random bytes, random tables (known header spellings mixed
with junk, duplicate and missing headers, ragged rows, title lines, every delimiter and
encoding the loaders meet, cells of dates in many forms, formulas, placeholders, control
characters, odd unicode and long strings), random typed workbook cells and truncated
workbooks. The invariants:

- `load_dataset` returns or raises `InputError` with a one-line message, nothing else;
- when it returns, every table's `rows_read` = records used + rows named in a finding
  ending "row not used." (the accounting of tests/test_loader_rows.py);
- the CLI on such folders exits 0, 1 or 2, never with a traceback, and exit 2 is one
  line on stderr.

Sizes and example counts are kept small so that the whole file runs in well under a
minute; the strategies, not the volume, find the bugs.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import InputError
from supcheck.loaders import load_dataset
from test_loader_rows import assert_every_row_accounted_for

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)

STAFF = "staff_id,role,start_date\nS001,Social Worker,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"

HEADERS: dict[str, list[str]] = {
    "staff": [
        "Employee Number", "staff_id", "Staff ID", "Job Title", "role", "Start Date", "start_date",
        "Full Name", "Leaving Date", "Line Manager", "Case Holder", "FTE", "Agency", "SWE Registered",
        "Registration Expiry", "ASYE Start Date", "Forename", "Surname", "Team", "Enhanced From",
    ],
    "supervisions": [
        "Supervision ID", "Supervisee", "Supervisor", "Supervision Date", "date", "Duration",
        "Duration (hours)", "Duration (mins)", "Type", "Status", "Interrupted", "Signed by Supervisee",
        "Start Time", "End Time", "session_id", "supervisee_id",
    ],
    "absences": ["Employee Number", "Start Date", "End Date", "Reason", "staff_id", "Days"],
    "allocations": ["Child ID", "Allocated Worker", "Allocation Start", "Allocation End", "case_id"],
    "case_discussions": ["Case Number", "Worker", "Discussion Date", "Date Recorded", "Supervision ID"],
    "agreements": ["Staff ID", "Supervisor ID", "Signed Date", "Signed by Supervisee"],
    "appraisals": ["Staff ID", "Appraisal Date"],
}  # fmt: skip
JUNK_HEADERS = ["", " ", "Room", "Notes", "=1+1", "@SUM(A1:A9)", "Ünïcødé", "Date", "ID", "id", "\x07bell",
                "Start", "End", "Staff ID (old)", "#", "Employee #", "Duration (fortnights)"]  # fmt: skip

CELLS = [
    "", " ", "S001", "S002", "0042", "1.23457E+11", "123.0", "N/A", "n/a", "NULL", "-", "#N/A", "none",
    "=1+1", "@SUM(A1:A2)", "+44 1234", '="00123"', "=HYPERLINK(\"http://x\")", "\t=cmd", "\r",
    "held", "Completed", "DNA", "Cancelled - sick", "planned", "1:1", "Group Supervision", "peer",
    "Y", "n", "TRUE", "x", "✓", "maybe", "90", "1:30", "1h30", "1.5 hrs", "0", "-5", "abc", "8",
    "09:30", "9.30am", "2pm", "25:00", "0.5", "46085", "46085.0", "99999", "1e999", "nan", "inf",
    "Social Worker", "Team Manager", "Family Support Worker", "Social Worker (ASYE)", "Zoë", "O’Sullivan",
    "\u202eevil", "\ufeffbom", "a\nb", "a\r\nb", "a;b,c|d\te", "\x1b[31m", "日本語", "🙂", "\ud7ff",
]  # fmt: skip


def _date_text(day: date, form: int) -> str:
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return [
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year % 100}",
        f"{day.day} {months[day.month - 1]} {day.year}",
        f"{months[day.month - 1]} {day.day}, {day.year}",
        f"{day.year}{day.month:02d}{day.day:02d}",
        f"{day.day:02d}.{day.month:02d}.{day.year} 14:30",
        f"{day.isoformat()}T09:30:00Z",
        str((day - date(1899, 12, 30)).days),
        f"{day.day:02d}-{months[day.month - 1]}-{day.year}",
        f"31/02/{day.year}",
    ][form]


dates = st.builds(
    _date_text, st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.integers(0, 10)
)
cells = st.one_of(
    st.sampled_from(CELLS),
    dates,
    st.text(max_size=12),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="ab =\"'\n", min_size=200, max_size=2000),
)


@st.composite
def tables(draw, table: str) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """(title lines, header, data rows): a header of known spellings and junk (duplicates
    allowed), and ragged data rows, some blank."""
    known = HEADERS[table]
    header = draw(st.lists(st.one_of(st.sampled_from(known), st.sampled_from(JUNK_HEADERS)), max_size=8))
    above = draw(st.lists(st.lists(cells, max_size=2), max_size=3)) if draw(st.booleans()) else []
    body = []
    for _ in range(draw(st.integers(0, 12))):
        width = draw(st.integers(0, len(header) + 2))
        body.append(draw(st.lists(cells, min_size=width, max_size=width)))
    return above, header, body


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]


@st.composite
def csv_files(draw, table: str) -> bytes:
    above, header, body = draw(tables(table))
    rows = [*above, header, *body]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    buffer = io.StringIO()
    if draw(st.booleans()):
        buffer.write(f"sep={delimiter}{newline}")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(row)
    encoding = draw(st.sampled_from(ENCODINGS))
    return buffer.getvalue().encode(encoding, errors="replace" if encoding != "utf-16" else "surrogatepass")


@contextmanager
def folder(files: dict[str, bytes]) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="supcheck-fuzz-"))
    try:
        for name, data in files.items():
            (path / name).write_bytes(data)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def check_invariant(path: Path) -> None:
    """`load_dataset` returns with every row accounted for, or raises a one-line InputError."""
    try:
        result = load_dataset(path)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        return
    assert_every_row_accounted_for(result)


# --------------------------------------------------------------------------- bytes and text


@FUZZ
@given(
    data=st.binary(max_size=3000), table=st.sampled_from(["staff.csv", "supervisions.csv", "absences.tsv"])
)
def test_random_bytes_as_a_csv(data, table):
    files = {"staff.csv": STAFF.encode(), "supervisions.csv": SESSIONS.encode(), table: data}
    with folder(files) as path:
        check_invariant(path)


@st.composite
def export_files(draw) -> dict[str, bytes]:
    """A folder's files: random staff and supervision tables, and one more table."""
    files = {"staff.csv": draw(csv_files("staff")), "supervisions.csv": draw(csv_files("supervisions"))}
    table = draw(st.sampled_from(sorted(HEADERS)))
    data = draw(csv_files(table))
    if table not in ("staff", "supervisions"):
        files[f"{table}.csv"] = data
    return files


@settings(FUZZ, max_examples=150)
@given(files=export_files())
def test_random_tables(files):
    with folder(files) as path:
        check_invariant(path)


CLASHING = {
    "Employee Number", "staff_id", "Staff ID", "Staff ID (old)", "Employee #", "Job Title", "role", "Start Date",
    "start_date", "Start", "Supervisee", "supervisee_id", "Supervision Date", "date", "Date",
}  # fmt: skip


@settings(FUZZ, max_examples=100)
@given(staff=tables("staff"), sessions=tables("supervisions"))
def test_random_tables_with_the_required_headers(staff, sessions):
    """The same, but with the required columns always present, so that rows are converted."""
    files = {}
    for name, required, (above, header, body) in (
        ("staff.csv", ["Employee Number", "Job Title", "Start Date"], staff),
        ("supervisions.csv", ["Supervisee", "Supervision Date"], sessions),
    ):
        header = [h for h in header if h not in CLASHING]  # two headers for one column stop the run
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([*above, [*required, *header], *body])
        files[name] = buffer.getvalue().encode("utf-8")
    with folder(files) as path:
        check_invariant(path)


# --------------------------------------------------------------------------- workbooks

typed_cells = st.one_of(
    st.none(),
    st.sampled_from([c for c in CELLS if not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in c)]),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)


def _workbook(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=40)
@given(
    header=st.lists(st.sampled_from(HEADERS["staff"] + JUNK_HEADERS[:8]), max_size=6),
    rows=st.lists(st.lists(typed_cells, max_size=7), max_size=8),
)
def test_random_typed_workbook_cells(header, rows):
    data = _workbook([["Employee Number", "Job Title", "Start Date", *header], *rows])
    with folder({"staff.xlsx": data, "supervisions.csv": SESSIONS.encode()}) as path:
        check_invariant(path)


VALID_BOOK = _workbook(
    [["Employee Number", "Job Title", "Start Date", "Leaving Date"]]
    + [[f"S{n:03d}", "Social Worker", date(2020, 1, 1) + timedelta(days=n), None] for n in range(60)],
    title="Staff",
)


@settings(FUZZ, max_examples=80)
@given(cut=st.integers(0, len(VALID_BOOK) - 1), as_data=st.booleans())
def test_truncated_workbook(cut, as_data):
    data = VALID_BOOK[:cut]
    if as_data:  # the whole DATA is one (broken) workbook
        with folder({"export.xlsx": data}) as path:
            check_invariant(path / "export.xlsx")
    else:
        with folder({"staff.xlsx": data, "supervisions.csv": SESSIONS.encode()}) as path:
            check_invariant(path)


@settings(FUZZ, max_examples=40)
@given(position=st.integers(0, len(VALID_BOOK) - 1), byte=st.integers(0, 255))
def test_corrupted_workbook_byte(position, byte):
    data = bytearray(VALID_BOOK)
    data[position] = byte
    with folder({"staff.xlsx": bytes(data), "supervisions.csv": SESSIONS.encode()}) as path:
        check_invariant(path)


# --------------------------------------------------------------------------- the command line

runner = CliRunner()


@settings(FUZZ, max_examples=15)
@given(staff=csv_files("staff"), sessions=csv_files("supervisions"), good=st.booleans())
def test_cli_ends_in_a_report_or_one_line(staff, sessions, good):
    files = {"staff.csv": staff, "supervisions.csv": sessions}
    if good:  # well-formed required columns, so that the rules run on fuzzed rows
        files["staff.csv"] = STAFF.encode() + staff
        files["supervisions.csv"] = SESSIONS.encode() + sessions
    with folder(files) as path:
        result = runner.invoke(
            app,
            ["check", str(path), "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-04-10",
             "--format", "json"],
        )  # fmt: skip
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("supcheck: error: "), result.stderr
    else:
        assert result.stdout.lstrip().startswith("{")
