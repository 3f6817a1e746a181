"""Mapping files: the worked Liquidlogic example, every key, and validation errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import InputError
from supcheck.loaders import load_dataset

ROOT = Path(__file__).resolve().parents[1]
LIQUIDLOGIC = ROOT / "sample_data" / "liquidlogic"
STAFF = "staff_id,role,start_date\nS001,SW,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"


def setup(tmp_path: Path, mapping: str, **files: str | bytes) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    path = tmp_path / "mapping.toml"
    path.write_text(mapping, encoding="utf-8")
    return path


def mapping_error(tmp_path: Path, mapping: str, **files: str) -> str:
    files.setdefault("staff.csv", STAFF)
    files.setdefault("supervisions.csv", SESSIONS)
    path = setup(tmp_path, mapping, **files)
    with pytest.raises(InputError) as caught:
        load_dataset(tmp_path, mapping=path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message[len(f"{path}: ") :]


def test_liquidlogic_example():
    result = load_dataset(LIQUIDLOGIC, mapping=LIQUIDLOGIC / "mapping.toml")
    data = result.dataset
    assert result.findings == []
    assert sorted(data.staff) == ["LL001", "LL002", "LL003", "LL004", "LL900", "LL901"]
    assert data.staff["LL001"].role == "Social Worker"
    assert data.staff["LL001"].line_manager_id == "LL900"
    assert data.staff["LL001"].start_date == date(2020, 2, 3)
    assert data.staff["LL001"].case_holding is True
    assert data.staff["LL004"].end_date == date(2026, 6, 30)
    assert data.staff["LL900"].team == "Children's East"
    assert len(data.sessions) == 20
    first = data.sessions[0]
    assert (first.ref.file, first.ref.row) == ("LL Supervision Report.csv", 5)
    assert (
        first.supervisee_id,
        first.supervisor_id,
        first.date,
        first.duration_minutes,
        first.type,
        first.status,
    ) == ("LL001", "LL900", date(2026, 4, 7), 90.0, "individual", "held")
    statuses = {(s.supervisee_id, s.date): s.status for s in data.sessions}
    assert statuses[("LL001", date(2026, 7, 7))] == "cancelled"  # Didn't happen
    assert statuses[("LL002", date(2026, 6, 23))] == "cancelled"  # Rearranged
    assert [s.type for s in data.sessions].count("group") == 2  # Reflective
    assert data.sessions[1].duration_minutes == 75  # 09:30 to 10:45
    assert data.tables["staff"].label == "LL Staff Extract.csv"
    assert data.tables["supervisions"].rows_read == 20


def test_liquidlogic_without_mapping_stops():
    with pytest.raises(InputError, match="no staff table"):
        load_dataset(LIQUIDLOGIC)


def test_mapping_beats_synonyms_and_other_files(tmp_path):
    mapping = setup(
        tmp_path,
        '[tables.staff]\nfile = "HR/people.csv"\n'
        'columns = { "Ref" = "staff_id", "Staff ID" = "line_manager_id" }\n',
        **{"staff.csv": STAFF, "supervisions.csv": SESSIONS},
    )
    (tmp_path / "HR").mkdir()
    (tmp_path / "HR" / "people.csv").write_text("Ref,Staff ID,Role,Start Date\nS001,M1,SW,01/01/2020\n")
    result = load_dataset(tmp_path, mapping=mapping)
    person = result.dataset.staff["S001"]
    assert person.line_manager_id == "M1"
    assert person.ref.file == "HR/people.csv"
    assert [f.message for f in result.findings] == [
        "staff.csv: not read: the mapping file reads staff from HR/people.csv; ignored"
    ]


def test_value_words_for_status_type_and_bools(tmp_path):
    mapping = setup(
        tmp_path,
        "[tables.supervisions]\n"
        'values.status = { "Planned" = "cancelled", "Ok" = "held" }\n'
        'values.type = { "Reflective" = "group", "Peer" = "informal" }\n'
        'values.signed_by_supervisor = { "Authorised" = true, "Pending" = "no" }\n',
        **{
            "staff.csv": STAFF,
            "supervisions.csv": "supervisee_id,date,status,type,supervisor signed\n"
            "S001,04/03/2026,planned,reflective,AUTHORISED\n"
            "S001,05/03/2026,OK,Peer,pending\n"
            "S001,06/03/2026,Completed,1:1,Y\n",
        },
    )
    sessions = load_dataset(tmp_path, mapping=mapping).dataset.sessions
    assert [(s.status, s.type, s.signed_by_supervisor) for s in sessions] == [
        ("cancelled", "group", True),
        ("held", "informal", False),
        ("held", "individual", True),  # built-in words still apply
    ]


def test_ignore_header_row_delimiter_and_encoding(tmp_path):
    text = "Title\n\nnot;the;header\nstaff_id;role;start_date;Junk\nS001;Zoë;01/01/2020;x\n"
    mapping = setup(
        tmp_path,
        '[tables.staff]\nfile = "staff.csv"\nheader_row = 4\ndelimiter = "semicolon"\n'
        'encoding = "cp1252"\nignore = ["junk"]\n',
        **{"staff.csv": text.encode("cp1252"), "supervisions.csv": SESSIONS},
    )
    result = load_dataset(tmp_path, mapping=mapping)
    assert result.dataset.staff["S001"].role == "Zoë"
    assert result.dataset.staff["S001"].ref.row == 5
    assert result.findings == []


def test_mapped_header_missing_from_file(tmp_path):
    mapping = setup(
        tmp_path,
        '[tables.staff]\ncolumns = { "Emp Ref" = "staff_id" }\n',
        **{"staff.csv": STAFF, "supervisions.csv": SESSIONS},
    )
    result = load_dataset(tmp_path, mapping=mapping)
    assert [f.message for f in result.findings] == [
        "staff.csv row 1: the mapping file names column 'Emp Ref', which is not in the header"
    ]
    assert "S001" in result.dataset.staff  # staff_id still found by its own name


def test_date_order_option_and_flag(tmp_path):
    mapping = setup(
        tmp_path,
        '[options]\ndate_order = "month-first"\n',
        **{"staff.csv": STAFF, "supervisions.csv": SESSIONS},
    )
    result = load_dataset(tmp_path, mapping=mapping)
    assert result.dataset.sessions[0].date == date(2026, 4, 3)
    assert result.dataset.staff["S001"].start_date == date(2020, 1, 1)
    day_first = setup(tmp_path, '[options]\ndate_order = "day-first"\n')
    assert load_dataset(tmp_path, mapping=day_first).dataset.sessions[0].date == date(2026, 3, 4)
    assert load_dataset(tmp_path, mapping=day_first, month_first=True).dataset.sessions[0].date == date(
        2026, 4, 3
    )


def test_sheets_of_the_data_workbook(tmp_path):
    book = Workbook()
    book.active.title = "HR"
    for row in (["Emp", "Post", "Started"], ["S001", "SW", date(2020, 1, 1)]):
        book.active.append(row)
    sheet = book.create_sheet("Sups")
    for row in (["Who", "When"], ["S001", date(2026, 3, 4)]):
        sheet.append(row)
    book.save(tmp_path / "export.xlsx")
    mapping = setup(
        tmp_path,
        '[tables.staff]\nsheet = "HR"\n'
        'columns = { "Emp" = "staff_id", "Post" = "role", "Started" = "start_date" }\n'
        '[tables.supervisions]\nsheet = "Sups"\n'
        'columns = { "Who" = "supervisee_id", "When" = "date" }\n',
    )
    result = load_dataset(tmp_path / "export.xlsx", mapping=mapping)
    assert result.dataset.staff["S001"].ref.file == "export.xlsx[HR]"
    assert result.dataset.sessions[0].date == date(2026, 3, 4)
    assert result.findings == []


def test_file_and_sheet_together(tmp_path):
    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("People")
    for row in (["staff_id", "role", "start_date"], ["S001", "SW", date(2020, 1, 1)]):
        sheet.append(row)
    book.save(tmp_path / "hr.xlsx")
    mapping = setup(
        tmp_path, '[tables.staff]\nfile = "hr.xlsx"\nsheet = "People"\n', **{"supervisions.csv": SESSIONS}
    )
    result = load_dataset(tmp_path, mapping=mapping)
    assert result.dataset.staff["S001"].ref.file == "hr.xlsx[People]"
    assert result.findings == []


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("tables = [", "not valid TOML: "),
        ("[tables.staf]\nfile = 'x.csv'\n", "tables.staf: not a table (tables: staff, "),
        ("[tables.staff]\nfiles = 'x.csv'\n", "tables.staff.files: Extra inputs are not permitted"),
        (
            "[options]\ndate_order = 'ymd'\n",
            "options.date_order: Input should be 'day-first' or 'month-first'",
        ),
        (
            "[tables.staff]\nheader_row = 0\n",
            "tables.staff.header_row: Input should be greater than or equal to 1",
        ),
        (
            "[tables.staff]\ncolumns = { 'Emp' = 'staffid' }\n",
            "tables.staff.columns.Emp: 'staffid' is not a column of staff (columns: staff_id, ",
        ),
        (
            "[tables.staff]\ncolumns = { 'Emp' = 'staff_id', 'EMP' = 'role' }\n",
            "tables.staff.columns.EMP: 'Emp' and 'EMP' are the same header mapped to different columns",
        ),
        (
            "[tables.supervisions]\nvalues.status = { 'Ok' = 'done' }\n",
            "tables.supervisions.values.status.Ok: 'done' is not one of held, cancelled, not held",
        ),
        (
            "[tables.supervisions]\nvalues.type = { 'Ok' = 'peer' }\n",
            "tables.supervisions.values.type.Ok: 'peer' is not one of individual, group, "
            "professional, informal",
        ),
        (
            "[tables.supervisions]\nvalues.signed_by_supervisor = { 'Ok' = 'perhaps' }\n",
            "tables.supervisions.values.signed_by_supervisor.Ok: 'perhaps' is not yes or no",
        ),
        (
            "[tables.supervisions]\nvalues.date = { 'Ok' = 'held' }\n",
            "tables.supervisions.values.date: values can be mapped only for status, type and yes/no columns",
        ),
        ("[tables.staff]\nfile = 'missing.csv'\n", "tables.staff.file: 'missing.csv' not found in "),
        (
            "[tables.staff]\nsheet = 'Staff'\n",
            "tables.staff.sheet: a sheet without a file needs DATA to be a workbook; add file = ...",
        ),
        (
            "[tables.staff]\nfile = 'staff.csv'\ndelimiter = 'xx'\n",
            "tables.staff.delimiter: 'xx' is not one character",
        ),
        ("[tables.staff]\nfile = 'staff.csv'\nencoding = 'klingon'\n", None),
    ],
)
def test_mapping_errors_name_file_and_key(tmp_path, toml, expected):
    if expected is None:  # an unknown encoding is found when the file is read
        path = setup(tmp_path, toml, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
        with pytest.raises(InputError, match="staff.csv: unknown encoding 'klingon'"):
            load_dataset(tmp_path, mapping=path)
        return
    assert mapping_error(tmp_path, toml).startswith(expected)


def test_missing_mapping_file(tmp_path):
    (tmp_path / "staff.csv").write_text(STAFF)
    (tmp_path / "supervisions.csv").write_text(SESSIONS)
    with pytest.raises(InputError, match="mapping file not found"):
        load_dataset(tmp_path, mapping=tmp_path / "nope.toml")


# --------------------------------------------------------------------------- keys with brackets

# Sam (S1), a registered social worker, is line-managed by Mo (M1), who is not registered:
# Sam needs professional supervision by a registered social worker every quarter and has
# none between 1 April and 30 June 2026 (national pack). Everyone is supervised monthly.
BOSS_STAFF = [
    [
        "Staff ID",
        "Name",
        "Role",
        "Team",
        "Start Date (dd/mm/yyyy)",
        "SWE Registered",
        "Boss (Worker No)",
        "Boss (Name)",
    ],
    ["S1", "Sam Jones", "Social Worker", "North", "01/01/2020", "Y", "M1", "Mo Khan"],
    ["M1", "Mo Khan", "Service Manager", "North", "01/01/2019", "N", "", ""],
]
BOSS_SESSIONS = (
    "Supervisee,Supervisor,Date,Duration (mins)\n"
    + "".join(f"S1,M1,{day}/{month:02}/2026,90\n" for month, day in ((4, 10), (5, 12), (6, 12)))
    + "".join(f"M1,X9,15/{month:02}/2026,90\n" for month in (4, 5, 6))
)
BOSS_MAPPING = (
    '[tables.staff]\ncolumns = { "Boss (Worker No)" = "line_manager_id" }\nignore = ["Boss (Name)"]\n'
)


def boss_folder(folder: Path, form: str, mapping: str = BOSS_MAPPING) -> Path:
    if form == "csv":
        lines = (",".join(row) for row in BOSS_STAFF)
        (folder / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        book = Workbook()
        for row in BOSS_STAFF:
            book.active.append([cell or None for cell in row])
        book.save(folder / "staff.xlsx")
    (folder / "supervisions.csv").write_text(BOSS_SESSIONS, encoding="utf-8")
    return setup(folder, mapping)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_mapping_keys_match_headers_with_their_brackets(tmp_path, form):
    result = load_dataset(tmp_path, mapping=boss_folder(tmp_path, form))
    staff = result.dataset.staff
    assert {sid: person.line_manager_id for sid, person in staff.items()} == {"S1": "M1", "M1": ""}
    assert "line_manager_id" in result.dataset.tables["staff"].columns
    assert staff["S1"].start_date == date(2020, 1, 1)  # a bracketed note not in the mapping still folds
    assert result.findings == []  # `Boss (Name)` is ignored by its bracketed name too


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_cli_line_managers_from_a_bracketed_mapping_key_assess_professional_supervision(tmp_path, form):
    mapping = boss_folder(tmp_path, form)
    result = CliRunner().invoke(
        app,
        ["check", str(tmp_path), "--mapping", str(mapping), "--from", "2026-04-01", "--to", "2026-06-30"]
        + ["--as-of", "2026-07-10", "--extracted", "2026-07-10", "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert "professional-supervision" not in [item["rule"] for item in report["not_assessed"]]
    assert [(f["kind"], f["staff_id"], f["start"], f["end"]) for f in report["findings"]] == [
        ("professional-supervision", "S1", "2026-04-01", "2026-06-30")
    ]


def test_a_mapping_key_without_the_brackets_names_no_header(tmp_path):
    mapping = boss_folder(tmp_path, "csv", '[tables.staff]\ncolumns = { "Boss" = "line_manager_id" }\n')
    result = load_dataset(tmp_path, mapping=mapping)
    assert result.dataset.staff["S1"].line_manager_id == ""
    assert [f.message for f in result.findings] == [
        "staff.csv row 1: column 'Boss (Worker No)' not recognised; ignored",
        "staff.csv row 1: column 'Boss (Name)' not recognised; ignored",
        "staff.csv row 1: the mapping file names column 'Boss', which is not in the header (the header "
        "has 'Boss (Worker No)' and 'Boss (Name)': a mapping key names a header as the export writes it, "
        "brackets included)",
    ]


@pytest.mark.parametrize(
    ("key", "header"),
    [
        ("Boss (Worker No)", "boss (worker no)"),  # case
        ("Boss (Worker No)", "Boss  ( Worker  No )"),  # spaces
        ("Boss (Worker No)", "Boss(Worker No)"),
    ],
)
def test_mapping_keys_compare_folded(tmp_path, key, header):
    mapping = boss_folder(tmp_path, "csv", f'[tables.staff]\ncolumns = {{ "{key}" = "line_manager_id" }}\n')
    text = (tmp_path / "staff.csv").read_text(encoding="utf-8").replace("Boss (Worker No)", header)
    (tmp_path / "staff.csv").write_text(text, encoding="utf-8")
    assert load_dataset(tmp_path, mapping=mapping).dataset.staff["S1"].line_manager_id == "M1"


def test_a_mapped_header_with_a_unit_in_brackets_keeps_its_unit(tmp_path):
    mapping = setup(
        tmp_path,
        '[tables.supervisions]\ncolumns = { "Time Taken (hours)" = "duration_minutes" }\n',
        **{
            "staff.csv": STAFF,
            "supervisions.csv": "supervisee_id,date,Time Taken (hours)\nS001,04/03/2026,2\n",
        },
    )
    result = load_dataset(tmp_path, mapping=mapping)
    assert result.dataset.sessions[0].duration_minutes == 120
    assert result.findings == []
