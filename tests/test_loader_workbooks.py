"""Workbooks read with calamine: every cell form docs/data.md lists, in .xlsx, .xls and .ods.

The fixtures (`tests/fixtures/workbooks/forms.*`) were written by openpyxl and saved by
LibreOffice in each format (`make_fixtures.py`), so each holds its formulas' cached values
as a spreadsheet program leaves them. The expectations are written out by hand.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from supcheck.loaders import load_dataset, workbooks

FIXTURES = Path(__file__).parent / "fixtures" / "workbooks"
FORMATS = ["xlsx", "xls", "ods"]


def load(kind: str, tmp_path: Path, name: str | None = None):
    path = tmp_path / (name or f"forms.{kind}")
    shutil.copy(FIXTURES / f"forms.{kind}", path)
    return load_dataset(path), path.name


# staff_id, start_date, end_date, fte, agency, case_holding
STAFF = [
    ("1001", date(2020, 1, 6), None, 1.0, True, True),  # id stored as a number; date cell; bool cell
    ("00123", date(2020, 1, 6), date(2026, 12, 31), 0.5, False, True),  # serial 43836; 50% cell; formula
    ("1003", date(2021, 3, 4), None, None, None, None),  # 1003.0 and a date-time cell (time dropped)
    ("1004", date(2021, 3, 4), None, None, None, None),  # text date; an unreadable end date
]

# row, supervisee_id, date, duration_minutes, status, session_id (None: generated <label>#<row>)
SESSIONS = [
    (2, "1001", date(2026, 3, 4), 90.0, "held", "S-1"),  # formula ="S-"&"1", cached
    (3, "1001", date(2026, 3, 19), 90.0, "held", None),  # serial 46100; [h]:mm cell; "Completed"
    (4, "00123", date(2026, 3, 5), 75.0, "held", None),  # text date; time cells 09:00 to 10:15
    (5, "1003", date(2026, 4, 2), 90.0, "held", "2"),  # date-time cell; "1h30"; formula =1+1
    (6, "00123", date(2026, 4, 9), None, "cancelled", None),  # end time before start time
    (8, "1001", date(2026, 4, 16), None, "held", None),  # duration =NA(): an error value reads as blank
]


@pytest.mark.parametrize("kind", FORMATS)
def test_every_cell_form_reads_the_same_in_each_format(kind, tmp_path):
    loaded, name = load(kind, tmp_path)
    staff = loaded.dataset.staff
    got = [(p.staff_id, p.start_date, p.end_date, p.fte, p.agency, p.case_holding) for p in staff.values()]
    assert got == STAFF
    label = f"{name}[Supervisions]"
    sessions = [
        (s.ref.row, s.supervisee_id, s.date, s.duration_minutes, s.status, s.session_id)
        for s in loaded.dataset.sessions
    ]
    assert sessions == [
        (row, who, day, minutes, status, sid or f"{label}#{row}")
        for row, who, day, minutes, status, sid in SESSIONS
    ]


@pytest.mark.parametrize("kind", FORMATS)
def test_findings_and_row_accounting(kind, tmp_path):
    loaded, name = load(kind, tmp_path)
    found = [(f.file, f.row, f.message.removeprefix(f"{f.file} row {f.row}: ")) for f in loaded.findings]
    assert found == [
        (
            f"{name}[Staff]",
            8,
            "end_date 'not a date' is not a date; read as blank (no end date: treated as still employed).",
        ),
        (
            f"{name}[Supervisions]",
            6,
            "end_time '10:00:00' is not after start_time 11:00; duration read as blank.",
        ),
        (f"{name}[Supervisions]", 7, "supervisee_id is missing; row not used."),
    ]
    tables = loaded.dataset.tables
    assert (tables["staff"].rows_read, tables["supervisions"].rows_read) == (4, 7)  # 6 used + 1 reported


@pytest.mark.parametrize("kind", FORMATS)
def test_the_extraction_date_beside_its_label_in_a_title_row(kind, tmp_path):
    loaded, _ = load(kind, tmp_path)
    info = loaded.dataset.tables["staff"]
    assert (info.extracted, info.extracted_text) == (date(2026, 11, 1), "Extracted on: 01/11/2026")


@pytest.mark.parametrize(
    ("kind", "saved_as"),
    [("xls", "forms.xlsx"), ("ods", "forms.xlsx"), ("xlsx", "forms.xls"), ("xls", "forms.csv")],
)
def test_a_workbook_is_read_by_what_it_is_whatever_its_suffix(kind, saved_as, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for table in ("staff", "supervisions"):
        shutil.copy(FIXTURES / f"forms.{kind}", folder / f"{table}{Path(saved_as).suffix}")
    loaded = load_dataset(folder)
    assert list(loaded.dataset.staff) == [s[0] for s in STAFF]
    assert len(loaded.dataset.sessions) == len(SESSIONS)


@pytest.mark.parametrize(
    ("cells", "uniques"),
    [
        # a serial number among date cells stays a number (pyarrow would make it a 1970 date)
        ([date(2026, 3, 4), 46100.0, date(2026, 3, 4)], [date(2026, 3, 4), 46100.0]),
        ([46100.0, date(2026, 3, 4)], [46100.0, date(2026, 3, 4)]),
        # a yes/no cell and the number 1 are two cells, whichever comes first
        ([True, 1.0, 1], [True, 1.0]),
        ([1.0, True, False, 0], [1.0, True, False, 0]),
        # text with a blank cell ("" as calamine gives it) and a number
        (["S001", "", 1001.0, "S001"], ["S001", "", 1001.0]),
        (["S001", " ", "S002", "S001"], ["S001", " ", "S002"]),
    ],
)
def test_a_columns_distinct_cells_keep_their_kind(cells, uniques):
    column = workbooks._coded_column(cells)
    got = column.uniques.tolist()
    assert [(u.__class__, u) for u in got] == [(u.__class__, u) for u in uniques]
    assert [got[c] for c in column.codes] == cells
    assert column.blank.tolist() == [u == "" or u == " " for u in uniques]
