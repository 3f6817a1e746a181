"""Header recognition: folding, synonyms, prefixes, units, ambiguity and the header row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supcheck.errors import InputError
from supcheck.loaders import load_dataset
from supcheck.loaders.headers import (
    IGNORED,
    PREFIXES,
    SYNONYMS,
    HeaderMatcher,
    find_header_row,
    fold_header,
    fold_key,
)
from supcheck.loaders.sources import TABLE_NAMES
from supcheck.loaders.tables import SPECS

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
