"""Inputs that cannot be checked at all: one-line InputError, never a raw exception."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from supcheck.errors import InputError
from supcheck.loaders import load_dataset

STAFF = "staff_id,role,start_date\nS001,SW,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"


def folder(tmp_path: Path, **files: str | bytes) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def error(path: Path, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_nonexistent_path(tmp_path):
    assert error(tmp_path / "nope") == f"{tmp_path / 'nope'}: no such file or folder"


def test_missing_staff_table(tmp_path):
    message = error(folder(tmp_path, **{"supervisions.csv": SESSIONS, "lookup.csv": "a\n"}))
    assert message.startswith(f"no staff table in {tmp_path}: expected staff.csv or staff.xlsx")
    assert "not recognised: lookup.csv" in message


def test_missing_supervisions_table(tmp_path):
    message = error(folder(tmp_path, **{"staff.csv": STAFF}))
    assert message.startswith(f"no supervisions table in {tmp_path}: expected supervisions.csv")


def test_missing_sheet_in_workbook(tmp_path):
    book = Workbook()
    book.active.title = "Staff"
    book.active.append(["staff_id", "role", "start_date"])
    book.save(tmp_path / "export.xlsx")
    message = error(tmp_path / "export.xlsx")
    assert message.startswith(
        f"no supervisions table in {tmp_path / 'export.xlsx'}: expected a sheet named supervisions"
    )


def test_missing_required_column_names_file_column_and_spellings(tmp_path):
    message = error(
        folder(
            tmp_path,
            **{
                "staff.csv": "Employee Number,Name,Start Date\nS001,Ann,01/01/2020\n",
                "supervisions.csv": SESSIONS,
            },
        )
    )
    assert message.startswith(
        "staff.csv: no role column (looked for 'role', 'job title', 'post title', 'position'"
    )
    assert "header taken from row 1: 'Employee Number', 'Name', 'Start Date'" in message


def test_missing_required_column_in_a_sheet(tmp_path):
    book = Workbook()
    book.active.title = "Staff"
    book.active.append(["staff_id", "role", "start_date"])
    sheet = book.create_sheet("Supervisions")
    sheet.append(["Supervisee", "Notes", "Duration"])
    sheet.append(["S001", "x", 60])
    book.save(tmp_path / "export.xlsx")
    assert error(tmp_path / "export.xlsx").startswith(
        "export.xlsx[Supervisions]: no date column (looked for 'date', 'date', 'supervision date'"
    )


def test_corrupt_xlsx(tmp_path):
    folder(tmp_path, **{"staff.xlsx": b"this is not a zip file at all", "supervisions.csv": SESSIONS})
    assert error(tmp_path).startswith("staff.xlsx: not a valid workbook (neither a zip archive")


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "staff.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    folder(tmp_path, **{"supervisions.csv": SESSIONS})
    assert error(tmp_path).startswith("staff.xlsx: not a readable .xlsx workbook")


def test_truncated_xlsx(tmp_path):
    book = Workbook()
    book.active.append(["staff_id", "role", "start_date"])
    book.save(tmp_path / "full.xlsx")
    data = (tmp_path / "full.xlsx").read_bytes()
    (tmp_path / "full.xlsx").unlink()
    folder(tmp_path, **{"staff.xlsx": data[: len(data) // 2], "supervisions.csv": SESSIONS})
    assert error(tmp_path).startswith("staff.xlsx: ")


def test_corrupt_workbook_as_data(tmp_path):
    (tmp_path / "export.xlsx").write_bytes(b"PK\x03\x04garbage")
    assert error(tmp_path / "export.xlsx").startswith("export.xlsx: ")


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    folder(tmp_path, **{"staff.csv": content, "supervisions.csv": SESSIONS})
    assert error(tmp_path) == "staff.csv: the file is empty (no header row)"


def test_empty_sheet(tmp_path):
    Workbook().save(tmp_path / "staff.xlsx")
    folder(tmp_path, **{"supervisions.csv": SESSIONS})
    assert error(tmp_path).startswith("staff.xlsx: no header row")


def test_binary_data_in_a_csv(tmp_path):
    folder(tmp_path, **{"staff.csv": b"\x00\x01\x02\x03binary\x00", "supervisions.csv": SESSIONS})
    assert error(tmp_path) == "staff.csv: not a text file (it contains binary data)"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path):
    folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    (tmp_path / "staff.csv").chmod(0)
    try:
        assert error(tmp_path) == "staff.csv: cannot read: Permission denied"
    finally:
        (tmp_path / "staff.csv").chmod(0o644)


def test_unreadable_file_is_an_input_error(tmp_path, monkeypatch):
    # Works as root too: make reading the file fail as a permission error would.
    folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    real = Path.read_bytes

    def refuse(self):
        if self.name == "staff.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert error(tmp_path) == "staff.csv: cannot read: Permission denied"


def test_two_files_for_one_table(tmp_path):
    folder(
        tmp_path, **{"staff.csv": STAFF, "Staff.tsv": STAFF.replace(",", "\t"), "supervisions.csv": SESSIONS}
    )
    message = error(tmp_path)
    assert message.startswith("two staff tables in")
    assert "Staff.tsv" in message and "staff.csv" in message


def test_two_sheets_for_one_table(tmp_path):
    book = Workbook()
    book.active.title = "Staff"
    book.create_sheet("Employees")
    book.create_sheet("Supervisions")
    book.save(tmp_path / "export.xlsx")
    message = error(tmp_path / "export.xlsx")
    assert message == (
        "two staff sheets in export.xlsx: export.xlsx[Staff] and "
        "export.xlsx[Employees]; remove one or name the right one in a mapping file"
    )


def test_a_truncated_xls_file(tmp_path):
    folder(tmp_path, **{"staff.xls": b"\xd0\xcf\x11\xe0", "supervisions.csv": SESSIONS})
    assert error(tmp_path) == (
        "staff.xls: not a valid workbook (neither a zip archive like .xlsx and .ods nor an "
        "Excel 97-2003 .xls file: it may be damaged, or not a workbook at all)"
    )


def test_a_numbers_file_is_not_read(tmp_path):
    folder(tmp_path, **{"staff.numbers": b"PK\x03\x04", "supervisions.csv": SESSIONS})
    assert error(tmp_path) == (
        "staff.numbers: .numbers files cannot be read; open it in Excel and save it as .xlsx or CSV"
    )


def test_data_must_be_folder_or_workbook(tmp_path):
    folder(tmp_path, **{"staff.csv": STAFF})
    assert "DATA must be a folder" in error(tmp_path / "staff.csv")


def test_bad_rows_never_raise(tmp_path):
    folder(
        tmp_path,
        **{
            "staff.csv": STAFF + "S002,SW,not a date\n,,\n\x7f,SW,01/01/2020\n",
            "supervisions.csv": SESSIONS + 'S001,31/02/2026\nS001,\n"unclosed,04/03/2026\n',
        },
    )
    result = load_dataset(tmp_path)
    assert "S001" in result.dataset.staff


def test_header_row_beyond_file(tmp_path):
    mapping = tmp_path / "map.toml"
    mapping.write_text('[tables.staff]\nfile = "staff.csv"\nheader_row = 9\n')
    folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    assert error(tmp_path, mapping=mapping) == "staff.csv: header_row 9 is not in the file"


def test_sheet_named_in_mapping_must_exist(tmp_path):
    book = Workbook()
    book.active.title = "Staff"
    sheet = book.active
    for row in (["staff_id", "role", "start_date"], ["S001", "SW", date(2020, 1, 1)]):
        sheet.append(row)
    book.save(tmp_path / "hr.xlsx")
    folder(tmp_path, **{"supervisions.csv": SESSIONS})
    mapping = tmp_path / "map.toml"
    mapping.write_text('[tables.staff]\nfile = "hr.xlsx"\nsheet = "People"\n')
    assert error(tmp_path, mapping=mapping) == "hr.xlsx[People]: no sheet named 'People' (sheets: Staff)"
