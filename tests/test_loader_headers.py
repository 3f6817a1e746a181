"""Header recognition: folding, synonyms, prefixes, units, ambiguity and the header row."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import InputError
from supcheck.loaders import load_dataset
from supcheck.loaders.headers import (
    IGNORED,
    PREFIXES,
    SAMPLE_ROWS,
    SYNONYMS,
    HeaderMatcher,
    find_header_row,
    fold_header,
    fold_key,
    value_fit,
)
from supcheck.loaders.sources import TABLE_NAMES
from supcheck.loaders.specs import SPECS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "data.md"


def match(table: str, header: str):
    found = HeaderMatcher(table).match(fold_header(header))
    return None if found is None else (found.column, found.level, found.unit)


@pytest.mark.parametrize(
    "header",
    ["staff_id", "Staff ID", "staff-id", "STAFF_ID", "StaffId", "Staff Id.", " staff  id ", "\ufeffStaff ID"],
)
def test_folding(header):
    assert fold_key(fold_header(header).text) == "staffid"
    assert match("staff", header) == ("staff_id", 2, None)


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("staff", "Employee Number", "staff_id"),
        ("staff", "Employee No", "staff_id"),
        ("staff", "Employee #", "staff_id"),
        ("staff", "Person Number", "staff_id"),
        ("staff", "Payroll Number", "staff_id"),
        ("staff", "Worker ID", "staff_id"),
        ("staff", "Job Title", "role"),
        ("staff", "Post Title", "role"),
        ("staff", "Position", "role"),
        ("staff", "Manager ID", "line_manager_id"),
        ("staff", "Reports To", "line_manager_id"),
        ("staff", "Hire Date", "start_date"),
        ("staff", "Employment Start", "start_date"),
        ("staff", "Employment Start Date", "start_date"),
        ("staff", "Leaving Date", "end_date"),
        ("staff", "Termination Date", "end_date"),
        ("staff", "Team Name", "team"),
        ("staff", "Department", "team"),
        ("staff", "Case Holder", "case_holding"),
        ("staff", "SWE Registered", "registered_social_worker"),
        ("staff", "SWERegistered", "registered_social_worker"),
        ("staff", "Registration Expiry", "registration_expires"),
        ("staff", "ASYE Start Date", "asye_start"),
        ("staff", "NQSW Start", "asye_start"),
        ("staff", "Email Address", "email"),
        ("staff", "Forename", "first_name"),
        ("staff", "Surname", "last_name"),
        ("supervisions", "Supervisee", "supervisee_id"),
        ("supervisions", "Staff ID", "supervisee_id"),
        ("supervisions", "Employee Number", "supervisee_id"),
        ("supervisions", "Supervised By", "supervisor_id"),
        ("supervisions", "Supervision Date", "date"),
        ("supervisions", "Session Type", "type"),
        ("supervisions", "Outcome", "status"),
        ("supervisions", "Start Time", "start_time"),
        ("supervisions", "End Time", "end_time"),
        ("supervisions", "Supervisor Signed", "signed_by_supervisor"),
        ("absences", "Absence Start", "start_date"),
        ("absences", "Last Day", "end_date"),
        ("allocations", "Child ID", "case_id"),
        ("allocations", "Client ID", "case_id"),
        ("allocations", "Person ID", "case_id"),
        ("allocations", "Mosaic ID", "case_id"),
        ("allocations", "LCS ID", "case_id"),
        ("allocations", "Allocated Worker", "worker_id"),
        ("allocations", "Practitioner", "worker_id"),
        ("allocations", "Allocation Start Date", "start_date"),
        ("allocations", "Allocation End Date", "end_date"),
        ("case_discussions", "Discussion Date", "date"),
        ("case_discussions", "Date of Discussion", "date"),
        ("case_discussions", "Date Recorded", "recorded_date"),
        ("case_discussions", "Date on File", "recorded_date"),
        ("case_discussions", "Decision Maker", "decided_by"),
        ("agreements", "Agreement Signed Date", "signed_date"),
        ("agreements", "Date Signed", "signed_date"),
        ("appraisals", "Appraisal Date", "date"),
        ("appraisals", "Date of Appraisal", "date"),
    ],
)
def test_synonyms_and_prefixes(table, header, column):
    found = match(table, header)
    assert found is not None and found[0] == column


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Duration", None),
        ("Duration (hours)", "hours"),
        ("Duration (hrs)", "hours"),
        ("Duration (mins)", "minutes"),
        ("Duration [minutes]", "minutes"),
        ("Duration in minutes", "minutes"),
        ("Duration Mins", "minutes"),
        ("Length (h)", "hours"),
        ("Minutes", "minutes"),
        ("Hours", "hours"),
        ("Session Length (mins)", "minutes"),
        ("Duration (hh:mm)", None),
    ],
)
def test_duration_units(header, unit):
    assert match("supervisions", header)[0::2] == ("duration_minutes", unit)


def test_prefix_matches_are_weaker_than_exact_ones():
    assert match("supervisions", "Supervision Date")[1] == 2  # a listed synonym
    assert match("supervisions", "Sup Date")[1] == 1
    assert match("allocations", "Allocation Start Date")[1] == 1


@pytest.mark.parametrize("header", ["Favourite Colour", "Date of Birth", "Postcode"])
def test_unknown_headers(header):
    assert match("staff", header) is None


def test_brackets_that_are_not_units_are_dropped():
    assert match("staff", "Start Date (dd/mm/yyyy)") == ("start_date", 2, None)


def test_header_row_is_the_one_naming_most_columns():
    matcher = HeaderMatcher("supervisions")
    rows = [
        (1, ["Supervision Activity Report", None, None]),
        (2, ["Run date: 01/11/2026"]),
        (3, []),
        (4, ["Staff ID", "Supervision Date", "Outcome"]),
        (5, ["S001", "04/03/2026", "held"]),
    ]
    assert find_header_row(matcher, rows, SPECS["supervisions"].required) == 3


def test_without_a_recognisable_header_the_first_nonblank_row_is_used():
    matcher = HeaderMatcher("supervisions")
    rows = [(1, []), (2, ["a", "b"]), (3, ["1", "2"])]
    assert find_header_row(matcher, rows, SPECS["supervisions"].required) == 1


def write_tables(folder: Path, supervisions: str) -> Path:
    (folder / "staff.csv").write_text("staff_id,role,start_date\nS001,SW,01/01/2020\n")
    (folder / "supervisions.csv").write_text(supervisions)
    return folder


def test_unknown_header_gets_one_finding(tmp_path):
    write_tables(tmp_path, "supervisee_id,date,Room,Notes\nS001,04/03/2026,R1,x\nS001,05/03/2026,R2,y\n")
    result = load_dataset(tmp_path)
    assert [(f.message, f.row, f.column) for f in result.findings] == [
        ("supervisions.csv row 1: column 'Room' not recognised; ignored", 1, "Room")
    ]
    assert len(result.dataset.sessions) == 2


def test_exact_match_beats_prefix_match(tmp_path):
    write_tables(tmp_path, "supervisee_id,Date,Sup Date\nS001,04/03/2026,01/01/2000\n")
    result = load_dataset(tmp_path)
    assert result.dataset.sessions[0].date.isoformat() == "2026-03-04"
    assert [f.message for f in result.findings] == [
        "supervisions.csv row 1: column 'Sup Date' also reads as date, but 'Date' is used; ignored"
    ]


def test_tied_optional_columns_are_both_dropped(tmp_path):
    write_tables(tmp_path, "supervisee_id,date,Duration,Length\nS001,04/03/2026,60,90\n")
    result = load_dataset(tmp_path)
    assert result.dataset.sessions[0].duration_minutes is None
    assert "duration_minutes" not in result.dataset.tables["supervisions"].columns
    assert [f.message for f in result.findings] == [
        "supervisions.csv row 1: columns 'Duration' and 'Length' both read as duration_minutes; neither used"
    ]


def test_tied_required_columns_stop_the_run(tmp_path):
    write_tables(tmp_path, "Staff ID,Supervisee,date\nS001,S001,04/03/2026\n")
    with pytest.raises(InputError, match=r"'Staff ID' and 'Supervisee' both read as supervisee_id"):
        load_dataset(tmp_path)


def test_known_but_unneeded_columns_are_skipped_quietly(tmp_path):
    write_tables(tmp_path, "supervisee_id,Supervisee Name,date,Notes\nS001,Ann,04/03/2026,x\n")
    assert load_dataset(tmp_path).findings == []


def test_synonyms_do_not_collide_within_a_table():
    for table, columns in SYNONYMS.items():
        owner: dict[str, str] = {}
        for column, synonyms in columns.items():
            for phrase in (column, *synonyms):
                key = fold_key(phrase)
                assert owner.setdefault(key, column) == column, (table, phrase)
        for phrase in IGNORED[table]:
            assert fold_key(phrase) not in owner, (table, phrase)


def test_every_spec_column_has_synonyms_and_back():
    for table, spec in SPECS.items():
        assert [c.name for c in spec.columns] == list(SYNONYMS[table]), table


def _docs_text() -> str:
    return " ".join(DOCS.read_text(encoding="utf-8").split()).lower()


def test_every_synonym_is_documented():
    text = _docs_text()
    missing = []
    for table, columns in SYNONYMS.items():
        for column, synonyms in columns.items():
            for phrase in (column, *synonyms):
                if f"`{phrase}`" not in text:
                    missing.append(f"{table}.{column}: {phrase}")
        for phrase in (*PREFIXES[table], *IGNORED[table]):
            if f"`{phrase}`" not in text:
                missing.append(f"{table} prefix/ignored: {phrase}")
        for name in TABLE_NAMES[table]:
            if f"`{name}`" not in text:
                missing.append(f"{table} file name: {name}")
    assert missing == []


def test_docs_mention_every_table():
    text = _docs_text()
    for table in SYNONYMS:
        assert re.search(rf"\b{table}\b", text)


# --------------------------------------------------------------------------- values settle headers


def readings(table: str, header: str) -> list[tuple[str, int]]:
    return [(m.column, m.level) for m in HeaderMatcher(table).readings(fold_header(header))]


def test_a_header_can_mean_two_columns():
    # `Allocated To` is a listed worker_id synonym, and the end date after the prefix `Allocated`.
    assert readings("allocations", "Allocated To") == [("worker_id", 2), ("end_date", 1)]
    assert readings("allocations", "Allocated From") == [("start_date", 2)]
    assert readings("allocations", "Worker ID") == [("worker_id", 2)]


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("allocations", "Allocation From", "start_date"),
        ("allocations", "Allocation To", "end_date"),
        ("allocations", "Allocated Until", "end_date"),
        ("allocations", "Date From", "start_date"),
        ("allocations", "Date To", "end_date"),
        ("allocations", "From", "start_date"),
        ("allocations", "To", "end_date"),
        ("absences", "Date From", "start_date"),
        ("absences", "Date To", "end_date"),
        ("absences", "Absence From", "start_date"),
        ("absences", "Absence To", "end_date"),
        ("absences", "Leave From", "start_date"),
        ("absences", "Leave To", "end_date"),
    ],
)
def test_from_and_to_pairs_are_dates(table, header, column):
    assert match(table, header)[0] == column


@pytest.mark.parametrize(
    ("kind", "cells", "score"),
    [
        # dates: written dates or date cells, more than half of the non-blank cells
        ("date", ["01/02/2026", "2026-03-04", "", None], 2),
        ("date", [datetime(2026, 1, 2), date(2026, 1, 3)], 2),
        ("date", ["12/31/2026"], 2),  # month-first is still a date
        ("date", ["01/02/2026", "n/a", "", "N/A"], 2),  # placeholders count as blank
        ("date", ["01/02/2026", "S1", "S2"], 0),  # one date in three: not a date column
        ("date", ["S1", "S2"], 0),
        ("date", ["45000", 45001], 1),  # Excel serials or ids: the values cannot tell
        ("date", ["1001", "1002"], 0),  # outside 1950-2099 as serials: not dates
        ("date", ["", None, "  "], 1),  # blank: nothing to tell
        ("end_date", ["30/04/2026"], 2),
        ("id", ["S1", "1001", "45000"], 2),
        ("id", ["01/02/2026", "2 March 2026", "S1"], 0),  # two dates in three
        ("id", ["01/02/2026", "S1"], 2),  # one in two is not most
        ("id", [], 1),
        ("text", ["01/02/2026"], 1),  # only dates and ids are told apart
    ],
)
def test_value_fit(kind, cells, score):
    assert value_fit(kind, cells).score == score


def allocations_folder(folder: Path, allocations: str, **more: str) -> Path:
    (folder / "staff.csv").write_text(
        "Staff ID,Role,Start Date\nS1,Social Worker,01/01/2020\n", encoding="utf-8"
    )
    (folder / "supervisions.csv").write_text("Supervisee,Date\nS1,04/03/2026\n", encoding="utf-8")
    (folder / "allocations.csv").write_text(allocations, encoding="utf-8")
    for name, text in more.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


ROWS = "C1,S1,01/02/2026,\nC2,S2,01/03/2026,30/04/2026\n"
READ = [("C1", "S1", date(2026, 2, 1), None), ("C2", "S2", date(2026, 3, 1), date(2026, 4, 30))]


def allocations_read(result) -> list[tuple]:
    return [(a.case_id, a.worker_id, a.start_date, a.end_date) for a in result.dataset.allocations]


@pytest.mark.parametrize(
    "header",
    [
        "Case ID,Worker ID,Allocated From,Allocated To",
        "Case ID,Worker ID,Allocation From,Allocation To",
        "Case ID,Worker ID,Date From,Date To",
        "Case ID,Worker ID,From,To",
        "Case ID,Allocated Worker,Allocated From,Allocated To",
    ],
)
def test_allocation_from_and_to_are_the_allocation_dates(tmp_path, header):
    result = load_dataset(allocations_folder(tmp_path, header + "\n" + ROWS))
    assert allocations_read(result) == READ
    assert result.findings == []
    assert result.dataset.tables["allocations"].columns == {"case_id", "worker_id", "start_date", "end_date"}


def test_allocated_from_and_to_in_a_workbook_with_date_cells(tmp_path):
    allocations_folder(tmp_path, "")
    (tmp_path / "allocations.csv").unlink()
    book = Workbook()
    for row in (
        ["Case ID", "Worker ID", "Allocated From", "Allocated To"],
        ["C1", "S1", datetime(2026, 2, 1), None],
        ["C2", "S2", datetime(2026, 3, 1), datetime(2026, 4, 30)],
    ):
        book.active.append(row)
    book.save(tmp_path / "allocations.xlsx")
    result = load_dataset(tmp_path)
    assert allocations_read(result) == READ
    assert result.findings == []


def test_allocated_to_holding_ids_is_the_worker(tmp_path):
    text = "Case ID,Allocated To,Allocated From\nC1,S1,01/02/2026\nC2,S2,01/03/2026\n"
    result = load_dataset(allocations_folder(tmp_path, text))
    assert allocations_read(result) == [
        ("C1", "S1", date(2026, 2, 1), None),
        ("C2", "S2", date(2026, 3, 1), None),
    ]
    assert result.findings == []


def test_blank_allocated_to_beside_a_worker_column_is_the_end_date(tmp_path):
    # No values to tell by: `Worker ID` can mean only the worker, so `Allocated To` is the end date.
    text = "Case ID,Worker ID,Allocated From,Allocated To\nC1,S1,01/02/2026,\nC2,S2,01/03/2026,\n"
    result = load_dataset(allocations_folder(tmp_path, text))
    assert allocations_read(result) == [
        ("C1", "S1", date(2026, 2, 1), None),
        ("C2", "S2", date(2026, 3, 1), None),
    ]
    assert "end_date" in result.dataset.tables["allocations"].columns
    assert result.findings == []


def test_values_are_read_only_from_the_first_rows(tmp_path):
    # The first SAMPLE_ROWS rows leave `Allocated To` blank, so it is the end date beside
    # `Worker ID`; an id below them does not change that, and is reported in its row.
    rows = "".join(f"C{i},S1,01/02/2026,\n" for i in range(SAMPLE_ROWS))
    text = "Case ID,Worker ID,Allocated From,Allocated To\n" + rows + "CX,S2,01/03/2026,S2\n"
    result = load_dataset(allocations_folder(tmp_path, text))
    assert len(result.dataset.allocations) == SAMPLE_ROWS + 1
    assert [f.message for f in result.findings] == [
        f"allocations.csv row {SAMPLE_ROWS + 2}: end_date 'S2' is not a date; read as blank "
        "(no end date: treated as still allocated)."
    ]


def test_a_column_of_dates_is_not_an_id_column(tmp_path):
    text = "Case ID,Practitioner,Worker ID,Start Date\nC1,01/01/2026,S1,01/02/2026\nC2,02/01/2026,S2,01/03/2026\n"
    result = load_dataset(allocations_folder(tmp_path, text))
    assert [(a.case_id, a.worker_id) for a in result.dataset.allocations] == [("C1", "S1"), ("C2", "S2")]
    assert [f.message for f in result.findings] == [
        "allocations.csv row 1: column 'Practitioner' also reads as worker_id, but 'Worker ID' is used "
        "(its values are mostly dates); ignored"
    ]


def test_a_column_of_dates_beats_one_that_is_not(tmp_path):
    # `Date` and `Session Date` are both listed synonyms of date: the values decide.
    write_tables(tmp_path, "supervisee_id,Date,Session Date\nS001,see notes,04/03/2026\nS001,,05/03/2026\n")
    result = load_dataset(tmp_path)
    assert [s.date for s in result.dataset.sessions] == [date(2026, 3, 4), date(2026, 3, 5)]
    assert [f.message for f in result.findings] == [
        "supervisions.csv row 1: column 'Date' also reads as date, but 'Session Date' is used "
        "(its values are mostly not dates); ignored"
    ]


def test_a_mapped_column_is_used_whatever_its_values(tmp_path):
    write_tables(tmp_path, "supervisee_id,Date,When\nS001,04/03/2026,soon\n")
    (tmp_path / "m.toml").write_text('[tables.supervisions]\ncolumns = { "When" = "date" }\n')
    result = load_dataset(tmp_path, mapping=tmp_path / "m.toml")
    assert len(result.dataset.sessions) == 0
    assert [f.message for f in result.findings] == [
        "supervisions.csv row 1: column 'Date' also reads as date, but 'When' is used; ignored",
        "supervisions.csv row 2: date 'soon' is not a date; row not used.",
    ]


UNDECIDABLE = "Case ID,Worker ID,Allocated Worker,Allocated From\nC1,S1,S1,01/02/2026\n"


def test_an_optional_table_that_cannot_be_settled_is_not_read(tmp_path):
    result = load_dataset(allocations_folder(tmp_path, UNDECIDABLE))
    data = result.dataset
    assert "allocations" not in data.tables and len(data.allocations) == 0
    assert data.unread == {
        "allocations": "allocations.csv: columns 'Worker ID' and 'Allocated Worker' both read as worker_id"
    }
    assert sorted(data.staff) == ["S1"] and len(data.sessions) == 1  # the other tables are read
    assert [(f.message, f.file, f.row, f.column, f.severity) for f in result.findings] == [
        (
            "allocations.csv row 1: columns 'Worker ID' and 'Allocated Worker' both read as worker_id, "
            "and their values do not settle which is which; the allocations table is not used and the "
            "rules that need it are not assessed (rename one, or map it in a mapping file)",
            "allocations.csv",
            1,
            "Worker ID, Allocated Worker",
            "warning",
        )
    ]


def test_a_tie_on_an_end_date_is_not_read_as_no_end_date(tmp_path):
    # Reading neither would make every allocation open: the table is not read instead.
    text = "Case ID,Worker ID,Start Date,End Date,Date Ended\nC1,S1,01/02/2026,01/03/2026,02/03/2026\n"
    data = load_dataset(allocations_folder(tmp_path, text)).dataset
    assert "allocations" not in data.tables
    assert (
        data.unread["allocations"]
        == "allocations.csv: columns 'End Date' and 'Date Ended' both read as end_date"
    )


@pytest.mark.parametrize(
    ("staff", "sessions", "message"),
    [
        (
            "Staff ID,Employee Number,Role,Start Date\nS1,S1,Social Worker,01/01/2020\n",
            "Supervisee,Date\nS1,04/03/2026\n",
            "staff.csv: columns 'Staff ID' and 'Employee Number' both read as staff_id; "
            "rename one or map it in a mapping file",
        ),
        (
            "Staff ID,Role,Start Date,Leaving Date,Termination Date\nS1,Social Worker,01/01/2020,,\n",
            "Supervisee,Date\nS1,04/03/2026\n",
            "staff.csv: columns 'Leaving Date' and 'Termination Date' both read as end_date; "
            "rename one or map it in a mapping file",
        ),
        (
            "Staff ID,Role,Start Date\nS1,Social Worker,01/01/2020\n",
            "Staff ID,Supervisee,Date,Outcome,Status\nS1,S1,04/03/2026,held,held\n",
            "supervisions.csv: columns 'Staff ID' and 'Supervisee' both read as supervisee_id; "
            "rename one or map it in a mapping file",
        ),
        (
            "Staff ID,Role,Start Date\nS1,Social Worker,01/01/2020\n",
            "Supervisee,Date,Outcome,Status\nS1,04/03/2026,held,cancelled\n",
            "supervisions.csv: columns 'Outcome' and 'Status' both read as status; "
            "rename one or map it in a mapping file",
        ),
    ],
)
def test_a_tie_in_a_required_table_stops_the_run(tmp_path, staff, sessions, message):
    (tmp_path / "staff.csv").write_text(staff, encoding="utf-8")
    (tmp_path / "supervisions.csv").write_text(sessions, encoding="utf-8")
    (tmp_path / "allocations.csv").write_text(UNDECIDABLE, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dataset(tmp_path)
    assert str(caught.value) == message
    result = CliRunner().invoke(app, ["check", str(tmp_path), *CLI_PERIOD])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"supcheck: error: {message}"]


# The same small council through the CLI (Shropshire's pack has the case-discussion rule).
# Sam (S1) is supervised on 10 April and 12 June 2026: May is missed. Case C1 is allocated
# to Sam from 15 March 2026 and discussed on 10 April: the next deadline, 10 June, is missed.
# Case C2 is allocated from 1 March to 30 April 2026: its first deadline, 1 May, is after
# its last day, so nothing is due; read without its end date it would be a finding.
# Annual minimum (1 July 2025 - 30 June 2026): Sam had 2 sessions of 90 minutes, Mo 3; 10 required.
COUNCIL = {
    "staff.csv": (
        "Staff ID,Name,Role,Team,Line Manager,Start Date,Case Holder,SWE Registered\n"
        "S1,Sam Jones,Social Worker,North,M1,01/01/2020,Y,Y\n"
        "M1,Mo Khan,Team Manager,North,,01/01/2019,N,Y\n"
    ),
    "supervisions.csv": (
        "Supervisee,Supervisor,Date,Duration (mins)\n"
        "S1,M1,10/04/2026,90\nS1,M1,12/06/2026,90\n"
        "M1,X9,15/04/2026,90\nM1,X9,15/05/2026,90\nM1,X9,15/06/2026,90\n"
    ),
    "case_discussions.csv": "Case ID,Worker ID,Discussion Date\nC1,S1,10/04/2026\n",
}
ALLOCATED_FROM_TO = (
    "Case ID,Worker ID,Allocated From,Allocated To\nC1,S1,15/03/2026,\nC2,S1,01/03/2026,30/04/2026\n"
)
CLI_PERIOD = [
    "--from",
    "2026-04-01",
    "--to",
    "2026-06-30",
    "--as-of",
    "2026-07-10",
    "--extracted",
    "2026-07-10",
]
NOT_ASSESSED = [  # (Shropshire rules needing tables or columns this council has not got)
    {"rule": "uninterrupted", "reason": "no interrupted column in the supervisions table"},
    {  # (the supervisions export begins in April 2026: a year's count is not known)
        "rule": "annual-minimum",
        "reason": "the assessed year (1 July 2025 to 30 June 2026) starts before the supervisions "
        "export begins (1 April 2026)",
    },
    {"rule": "signed-record", "reason": "no signed_by_supervisee column in the supervisions table"},
    {"rule": "agreement", "reason": "no agreements table"},
    {"rule": "appraisal", "reason": "no appraisals table"},
]


def council(folder: Path, allocations: str) -> Path:
    for name, text in {**COUNCIL, "allocations.csv": allocations}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check_json(folder: Path, policy: str = "shropshire"):
    result = CliRunner().invoke(
        app, ["check", str(folder), "--policy", policy, *CLI_PERIOD, "--format", "json"]
    )
    return result, json.loads(result.stdout) if result.stdout.startswith("{") else None


def test_cli_allocated_from_and_to_beside_valid_staff_and_supervisions(tmp_path):
    result, report = check_json(council(tmp_path, ALLOCATED_FROM_TO))
    assert result.exit_code == 1, result.output
    assert report["not_assessed"] == NOT_ASSESSED  # case-discussion is assessed
    assert [(f["kind"], f["staff_id"], f["case_id"], f["start"], f["end"]) for f in report["findings"]] == [
        ("case-discussion", "S1", "C1", "2026-04-10", "2026-06-10"),
        ("frequency", "S1", "", "2026-05-01", "2026-05-31"),
    ]


def test_cli_an_undecidable_allocations_table_is_not_assessed_and_the_run_goes_on(tmp_path):
    allocations = "Case ID,Worker ID,Allocated Worker,Allocated From\nC1,S1,S1,15/03/2026\n"
    result, report = check_json(council(tmp_path, allocations))
    assert result.exit_code == 1, result.output  # a breach, not an input error
    reason = "allocations.csv: columns 'Worker ID' and 'Allocated Worker' both read as worker_id"
    assert {"rule": "case-discussion", "reason": reason} in report["not_assessed"]
    found = [(f["kind"], f["staff_id"], f["start"], f.get("file")) for f in report["findings"]]
    assert found == [
        ("data-quality", "", None, "allocations.csv"),
        ("frequency", "S1", "2026-05-01", None),
    ]
    assert report["findings"][0]["message"].startswith(
        "allocations.csv row 1: columns 'Worker ID' and 'Allocated Worker' both read as worker_id, "
        "and their values do not settle which is which; the allocations table is not used"
    )


def test_cli_an_undecidable_table_without_breaches_exits_0(tmp_path):
    allocations = "Case ID,Worker ID,Allocated Worker,Allocated From\nC1,S1,S1,15/03/2026\n"
    council(tmp_path, allocations)
    with (tmp_path / "supervisions.csv").open("a", encoding="utf-8") as sessions:
        sessions.write("S1,M1,12/05/2026,90\n")  # Sam's May session: no breach left (national pack)
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--policy", "national", *CLI_PERIOD])
    assert result.exit_code == 0, result.output
    assert "columns 'Worker ID' and 'Allocated Worker' both read as worker_id" in " ".join(
        result.stdout.split()
    )
    assert "0 breaches · 1 warning" in result.stdout


def test_cli_a_tied_optional_column_names_the_tie_in_not_assessed(tmp_path):
    council(tmp_path, ALLOCATED_FROM_TO)
    (tmp_path / "supervisions.csv").write_text(
        COUNCIL["supervisions.csv"].replace("Duration (mins)", "Duration,Length").replace(",90", ",90,90"),
        encoding="utf-8",
    )
    result, report = check_json(tmp_path, policy="national")
    assert result.exit_code == 1, result.output
    assert {
        "rule": "session-length",
        "reason": "supervisions.csv: columns 'Duration' and 'Length' both read as duration_minutes",
    } in report["not_assessed"]


def test_cli_an_optional_table_missing_a_required_column_is_not_assessed_and_the_run_goes_on(tmp_path):
    """Only staff and supervisions may stop the run (issue 13 point 5): an allocations
    export with no worker column is left out, said once, and its rules not assessed."""
    result, report = check_json(council(tmp_path, "Case ID,Allocated From\nC1,15/03/2026\n"))
    assert result.exit_code == 1, result.output  # the council's breaches, not an input error
    reason = "allocations.csv: no worker_id column"
    assert {"rule": "case-discussion", "reason": reason} in report["not_assessed"]
    [finding] = [f for f in report["findings"] if f.get("file") == "allocations.csv"]
    assert finding["column"] == "worker_id"
    assert finding["message"].startswith("allocations.csv row 1: no worker_id column (looked for ")
    assert (
        "the allocations table is not used and the rules that need it are not assessed" in finding["message"]
    )
    assert ("frequency", "S1", "2026-05-01") in [
        (f["kind"], f["staff_id"], f["start"]) for f in report["findings"]
    ]


def test_a_required_table_missing_a_required_column_still_stops_the_run(tmp_path):
    council(tmp_path, ALLOCATED_FROM_TO)
    (tmp_path / "staff.csv").write_text("Staff ID,Name\nS1,Sam\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path), *CLI_PERIOD])
    assert result.exit_code == 2
    assert result.stderr.startswith("supcheck: error: staff.csv: no role column (looked for ")
