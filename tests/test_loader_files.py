"""Files as exports really come: encodings, delimiters, title rows, blanks, Excel workbooks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from supcheck.loaders import load_dataset
from supcheck.loaders.sources import TABLE_NAMES, sniff_delimiter, table_for_name
from supcheck.models import TABLES

STAFF = "staff_id,name,role,start_date\nS001,Ann,Social Worker,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"


def write(folder: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def folder_with(tmp_path: Path, **files: str | bytes) -> Path:
    """Write the files, plus a minimal staff.csv / supervisions.csv unless one is given."""
    names = [*files, *(p.name for p in tmp_path.iterdir())]
    present = {table_for_name(Path(n).stem) for n in names if not n.startswith("~$")}
    if "staff" not in present:
        files["staff.csv"] = STAFF
    if "supervisions" not in present:
        files["supervisions.csv"] = SESSIONS
    for name, text in files.items():
        write(tmp_path, name, text)
    return tmp_path


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def messages(result) -> list[str]:
    return [f.message for f in result.findings]


# --------------------------------------------------------------------------- encodings


def test_windows_1252_as_excel_saves_csv(tmp_path):
    staff = "staff_id,name,role,start_date\r\nS001,Zoë “Jo” O’Neil,Social Worker £,01/01/2020\r\n"
    folder_with(tmp_path, **{"staff.csv": staff.encode("cp1252")})
    person = load_dataset(tmp_path).dataset.staff["S001"]
    assert person.name == "Zoë “Jo” O’Neil"
    assert person.role == "Social Worker £"


def test_utf8_with_bom(tmp_path):
    folder_with(
        tmp_path,
        **{"staff.csv": b"\xef\xbb\xbf" + "staff_id,name,role,start_date\nS001,Zoë,SW,01/01/2020\n".encode()},
    )
    result = load_dataset(tmp_path)
    assert result.dataset.staff["S001"].name == "Zoë"
    assert "staff_id" in result.dataset.tables["staff"].columns
    assert result.findings == []


def test_utf8_without_bom(tmp_path):
    folder_with(tmp_path, **{"staff.csv": "staff_id,name,role,start_date\nS001,Zoë,SW,2020-01-01\n"})
    assert load_dataset(tmp_path).dataset.staff["S001"].name == "Zoë"


def test_latin1_bytes_undefined_in_cp1252(tmp_path):
    # 0x81 is undefined in Windows-1252, so Latin-1 is the last resort.
    folder_with(tmp_path, **{"staff.csv": b"staff_id,name,role,start_date\nS001,A\x81B,SW,2020-01-01\n"})
    assert load_dataset(tmp_path).dataset.staff["S001"].name == "A\x81B"


def test_utf16_unicode_text_from_excel(tmp_path):
    text = "staff_id\tname\trole\tstart_date\r\nS001\tZoë\tSW\t01/01/2020\r\n"
    folder_with(tmp_path, **{"staff.txt": text.encode("utf-16")})
    assert load_dataset(tmp_path).dataset.staff["S001"].name == "Zoë"


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path, delimiter):
    rows = [["staff_id", "name", "role", "start_date"], ["S001", "Ann", "SW", "01/01/2020"]]
    folder_with(tmp_path, **{"staff.csv": "\n".join(delimiter.join(r) for r in rows) + "\n"})
    person = load_dataset(tmp_path).dataset.staff["S001"]
    assert (person.name, person.role, person.start_date) == ("Ann", "SW", date(2020, 1, 1))


def test_semicolon_with_commas_inside_values():
    text = "id;name;role\nS1;Smith, Jo;SW\nS2;Brown, Al;SW, senior\n"
    assert sniff_delimiter(text) == ";"


def test_sniffing_survives_title_lines():
    text = "Report title\nRun date: 01/11/2026\n\na;b;c\n1;2;3\n4;5;6\n"
    assert sniff_delimiter(text) == ";"


def test_tsv_suffix_and_quoted_fields(tmp_path):
    text = (
        "staff_id\tname\trole\tstart_date\n"
        'S001\t"Ann\tTab"\t"Social\nWorker"\t01/01/2020\n'
        "S002\tBen\tSW\t01/01/2020\n"
    )
    folder_with(tmp_path, **{"staff.tsv": text})
    result = load_dataset(tmp_path)
    assert result.dataset.staff["S001"].name == "Ann\tTab"
    assert result.dataset.staff["S001"].role == "Social Worker"
    # The quoted line break keeps S001 on one spreadsheet row, so S002 is row 3.
    assert result.dataset.staff["S002"].ref.row == 3


def test_excel_sep_line(tmp_path):
    folder_with(tmp_path, **{"staff.csv": "sep=;\nstaff_id;name;role;start_date\nS001;Ann;SW;01/01/2020\n"})
    person = load_dataset(tmp_path).dataset.staff["S001"]
    assert person.name == "Ann"
    assert person.ref.row == 2  # Excel hides the sep= line


def test_excel_text_formula_keeps_leading_zeros(tmp_path):
    folder_with(tmp_path, **{"staff.csv": 'staff_id,name,role,start_date\n="00123",Ann,SW,01/01/2020\n'})
    assert "00123" in load_dataset(tmp_path).dataset.staff


# --------------------------------------------------------------------------- layout


def test_title_rows_blank_lines_and_trailing_blanks(tmp_path):
    text = (
        "Supervision Activity Report,,,\n"  # row 1
        "Run date: 01/11/2026,,,\n"  # row 2
        "\n"  # row 3
        "Staff ID,Supervision Date,Duration (hours),\n"  # row 4: header
        "S001,04/03/2026,1.5,\n"  # row 5
        "\n"  # row 6
        "S001,2026-04-01,2,\n"  # row 7
        ",,,\n"
        "   ,  ,,\n"
        "\n"
    )
    folder_with(tmp_path, **{"supervisions.csv": text})
    result = load_dataset(tmp_path)
    sessions = result.dataset.sessions
    assert [(s.ref.row, s.date, s.duration_minutes) for s in sessions] == [
        (5, date(2026, 3, 4), 90.0),
        (7, date(2026, 4, 1), 120.0),
    ]
    assert [s.session_id for s in sessions] == ["supervisions.csv#5", "supervisions.csv#7"]
    assert result.dataset.tables["supervisions"].rows_read == 2
    assert result.findings == []


def test_crlf_and_cr_line_endings(tmp_path):
    folder_with(
        tmp_path, **{"supervisions.csv": "supervisee_id,date\r\nS001,04/03/2026\r\n\r\nS001,05/03/2026\r\n"}
    )
    assert [s.ref.row for s in load_dataset(tmp_path).dataset.sessions] == [2, 4]


def test_header_only_file_has_no_rows(tmp_path):
    folder_with(tmp_path, **{"absences.csv": "staff_id,start_date,end_date\n"})
    result = load_dataset(tmp_path)
    assert result.dataset.absences == []
    assert result.dataset.tables["absences"].rows_read == 0


def test_month_first_option(tmp_path):
    folder_with(tmp_path, **{"supervisions.csv": "supervisee_id,date\nS001,04/03/2026\nS001,2026-04-03\n"})
    dates = [s.date for s in load_dataset(tmp_path, month_first=True).dataset.sessions]
    assert dates == [date(2026, 4, 3), date(2026, 4, 3)]


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("stem", "table"),
    [
        ("staff", "staff"),
        ("Staff", "staff"),
        ("STAFF LIST", "staff"),
        ("Staff export", "staff"),
        ("employees", "staff"),
        ("supervisions", "supervisions"),
        ("Supervisions", "supervisions"),
        ("supervision", "supervisions"),
        ("sessions", "supervisions"),
        ("Supervision Sessions", "supervisions"),
        ("case_discussions", "case_discussions"),
        ("case discussions", "case_discussions"),
        ("case-discussions", "case_discussions"),
        ("CaseDiscussions", "case_discussions"),
        ("discussions", "case_discussions"),
        ("absence", "absences"),
        ("leave", "absences"),
        ("allocations", "allocations"),
        ("caseloads", "allocations"),
        ("agreements", "agreements"),
        ("Supervision Agreements", "agreements"),
        ("appraisals", "appraisals"),
        ("lookup", None),
        ("staff_2026", None),
        ("notes", None),
    ],
)
def test_table_names(stem, table):
    assert table_for_name(stem) == table


def test_every_table_has_file_names():
    assert set(TABLE_NAMES) == set(TABLES)
    for table, names in TABLE_NAMES.items():
        assert table_for_name(table) == table
        assert all(table_for_name(name) == table for name in names)


def test_folder_file_names_and_ignored_files(tmp_path):
    folder_with(
        tmp_path,
        **{
            "case-discussions.tsv": "case_id\tworker_id\tdate\nC1\tS001\t04/03/2026\n",
            "notes.md": "# not data\n",
            "pack.toml": "x = 1\n",
            "README.txt": "read me\n",
            "lookup.csv": "a,b\n1,2\n",
            "~$staff.xlsx": "lock file",
        },
    )
    (tmp_path / "archive").mkdir()
    write(tmp_path / "archive", "staff.csv", STAFF)
    result = load_dataset(tmp_path)
    assert len(result.dataset.discussions) == 1
    assert messages(result) == ["lookup.csv: file not recognised as a table; ignored"]
    assert result.findings[0].file == "lookup.csv"


def test_case_discussions_with_a_space(tmp_path):
    folder_with(tmp_path, **{"case discussions.csv": "case_id,worker_id,date\nC1,S001,04/03/2026\n"})
    result = load_dataset(tmp_path)
    assert result.dataset.tables["case_discussions"].label == "case discussions.csv"


# --------------------------------------------------------------------------- Excel


def test_xlsx_cells_dates_serials_numeric_ids_and_times(tmp_path):
    xlsx(
        tmp_path / "staff.xlsx",
        {
            "Staff": [
                ["Staff ID", "Name", "Role", "Start Date", "FTE"],
                [1001.0, "Ann", "Social Worker", datetime(2020, 1, 1), 0.30000000000000004],
                [1002, "Ben", "Social Worker", 45292, 1],
                ["007", "Cat", "Social Worker", "04/03/2026", None],
            ]
        },
    )
    xlsx(
        tmp_path / "supervisions.xlsx",
        {
            "Sheet1": [
                ["Supervisee", "Date", "Duration", "Start Time", "End Time", "Notes"],
                [1001, datetime(2026, 3, 4, 10, 0), time(1, 30), None, None, "=SUM(A1)"],
                [1002, 46085, None, time(9, 30), time(11, 0), None],
                [1002, date(2026, 3, 5), timedelta(minutes=45), None, None, None],
                ["007", "46085", 1.5, None, None, None],
            ]
        },
    )
    result = load_dataset(tmp_path)
    staff = result.dataset.staff
    assert sorted(staff) == ["007", "1001", "1002"]
    assert staff["1001"].start_date == date(2020, 1, 1)
    assert staff["1001"].fte == pytest.approx(0.3)
    assert staff["1002"].start_date == date(2024, 1, 1)
    assert staff["1001"].ref.file == "staff.xlsx"
    assert staff["1002"].ref.row == 3
    sessions = [(s.supervisee_id, s.date, s.duration_minutes) for s in result.dataset.sessions]
    assert sessions == [
        ("1001", date(2026, 3, 4), 90.0),
        ("1002", date(2026, 3, 4), 90.0),
        ("1002", date(2026, 3, 5), 45.0),
        ("007", date(2026, 3, 4), 90.0),
    ]
    assert result.findings == []


def test_workbook_with_one_sheet_per_table(tmp_path):
    book = xlsx(
        tmp_path / "export.xlsx",
        {
            "Staff": [["Staff ID", "Role", "Start Date"], ["S001", "SW", date(2020, 1, 1)]],
            "Supervisions": [
                ["Title row"],
                [],
                ["Staff ID", "Supervision Date", "Outcome"],
                ["S001", date(2026, 3, 4), "Completed"],
                [],
                ["S001", "31/02/2026", "Completed"],
            ],
            "Case Discussions": [["Child ID", "Worker", "Discussion Date"], [123, "S001", "4/3/26"]],
            "Pivot": [["x"]],
        },
    )
    result = load_dataset(book)
    data = result.dataset
    assert data.tables["supervisions"].label == "export.xlsx[Supervisions]"
    assert [(s.ref.file, s.ref.row) for s in data.sessions] == [("export.xlsx[Supervisions]", 4)]
    assert data.sessions[0].session_id == "export.xlsx[Supervisions]#4"
    assert data.discussions[0].case_id == "123"
    assert data.discussions[0].date == date(2026, 3, 4)
    assert messages(result) == [
        "export.xlsx[Pivot]: sheet not recognised as a table; ignored",
        "export.xlsx[Supervisions] row 6: date '31/02/2026' is not a date; row not used.",
    ]
    assert data.tables["supervisions"].rows_read == 2


def test_xlsx_rows_starting_below_row_one(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet["B3"] = "Staff ID"
    sheet["C3"] = "Role"
    sheet["D3"] = "Start Date"
    sheet["B5"] = "S001"
    sheet["C5"] = "SW"
    sheet["D5"] = date(2020, 1, 1)
    book.save(tmp_path / "staff.xlsx")
    folder_with(tmp_path)
    person = load_dataset(tmp_path).dataset.staff["S001"]
    assert person.ref.row == 5


def test_per_table_workbook_with_several_sheets(tmp_path):
    xlsx(
        tmp_path / "staff.xlsx",
        {
            "Data": [["Staff ID", "Role", "Start Date"], ["S001", "SW", date(2020, 1, 1)]],
            "Notes": [["about this export"]],
        },
    )
    folder_with(tmp_path)
    result = load_dataset(tmp_path)
    assert result.dataset.staff["S001"].ref.file == "staff.xlsx"
    assert messages(result) == ["staff.xlsx: the workbook has 2 sheets; read the first, 'Data'"]


def test_workbook_saved_under_a_csv_name(tmp_path):
    xlsx(
        tmp_path / "staff.csv",
        {"Sheet": [["Staff ID", "Role", "Start Date"], ["S001", "SW", date(2020, 1, 1)]]},
    )
    write(tmp_path, "supervisions.csv", SESSIONS)
    assert "S001" in load_dataset(tmp_path).dataset.staff


def test_the_fixture_folder_loads(tmp_path):
    messy = Path(__file__).parent / "fixtures" / "loaders" / "messy"
    result = load_dataset(messy)
    assert set(result.dataset.tables) == {"staff", "supervisions", "absences"}


# ------------------------------------------------------------------ the encoding scan, piece by piece

import io  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from supcheck.loaders import sources  # noqa: E402

_pieces = st.lists(
    st.sampled_from(
        [
            b"a",
            b"=",
            b'"',
            b'="',
            b" ",
            b"\n",
            b"\x00",
            b"\xef\xbb\xbf",
            b"\xc3\xa9",
            b"\xe9",
            b"\x81",
            b"\x1c",
            b"\xe2\x82",
        ]
    ),
    max_size=40,
).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(data=_pieces, piece=st.integers(min_value=1, max_value=9), head=st.integers(min_value=0, max_value=6))
# A UTF-8 character cut between pieces, an ASCII piece, then a byte that would complete it.
@example(data=b"xx\xe2\x82aa\x81a", piece=2, head=0)
def test_encoding_scan_reads_as_decoding_the_whole_file(data, piece, head):
    """Small pieces and a short head, so that ASCII pieces are checked as bytes (the fast
    path) between pieces that must be decoded: the scan finds what decoding the whole
    file at once finds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "_READ_BYTES", piece)
        patch.setattr(sources, "_HEAD_CHARS", head)
        scan = sources._choose_encoding(lambda: io.BytesIO(data), "f.csv", None)
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    assert (scan.encoding, scan.head, scan.blank, scan.nul, scan.wrapped) == (
        encoding,
        text[:head],
        not text.strip(),
        "\x00" in text,
        '="' in text,
    )
