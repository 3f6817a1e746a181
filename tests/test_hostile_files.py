"""Hostile and absurd inputs: refused with one clear line (exit 2), never read into memory,
never a traceback.

Each case is run through the command line (typer's CliRunner) as a user would meet it,
and the refusal is checked to happen before the dangerous part: an XML entity bomb is
never expanded, a zip bomb never unpacked, an oversized file never read.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import SupcheckError
from supcheck.loaders import load_dataset, workbooks

STAFF = "staff_id,role,start_date\nS001,Social Worker,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"
PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-04-10"]

runner = CliRunner()


def refused(path: Path, *options: str) -> str:
    """Run the check; it must stop with exit 2 and exactly one line on stderr. Returns it."""
    result = runner.invoke(app, ["check", str(path), *PERIOD, "--format", "json", *options])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("supcheck: error: ")
    assert result.stdout == ""
    return lines[0]


def folder(tmp_path: Path, **files: str | bytes) -> Path:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


def staff_workbook(rows: int = 2) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet.append(["staff_id", "role", "start_date"])
    for n in range(rows):
        sheet.append([f"S{n:03d}", "Social Worker", "01/01/2020"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rebuild(workbook: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with some parts replaced or added (everything else copied as it is)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def never_opened(monkeypatch) -> None:
    """Fail the test if calamine is asked to open a workbook (it must be refused before)."""

    def boom(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(workbooks, "_open_calamine", boom)


# --------------------------------------------------------------------------- XML attacks

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(2, 10)).replace(
        "&lol1;", "&lol;"
    )
    + "]>\n"
)
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def laughs_in_shared_strings() -> bytes:
    book = staff_workbook()
    types = zipfile.ZipFile(io.BytesIO(book)).read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}" /></Types>'
    )
    strings = LAUGHS + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    return rebuild(book, {"[Content_Types].xml": types.encode()}, {"xl/sharedStrings.xml": strings.encode()})


def laughs_in_sheet() -> bytes:
    book = staff_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    sheet = LAUGHS + sheet.replace("<t>S000</t>", "<t>&lol9;</t>")
    return rebuild(book, {"xl/worksheets/sheet1.xml": sheet.encode()})


def external_entity_in_sheet() -> bytes:
    book = staff_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return rebuild(
        book, {"xl/worksheets/sheet1.xml": (doctype + sheet.replace("<t>S000</t>", "<t>&xxe;</t>")).encode()}
    )


def laughs_in_utf16_sheet() -> bytes:
    """The same, in UTF-16: a byte search for `<!DOCTYPE` would not see it."""
    book = staff_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml").decode()
    sheet = LAUGHS.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>') + sheet.replace(
        "<t>S000</t>", "<t>&lol9;</t>"
    )
    return rebuild(book, {"xl/worksheets/sheet1.xml": sheet.encode("utf-16")})


def laughs_in_ods() -> bytes:
    ods = (Path(__file__).parent / "fixtures" / "workbooks" / "forms.ods").read_bytes()
    content = zipfile.ZipFile(io.BytesIO(ods)).read("content.xml").decode()
    content = content.replace('<?xml version="1.0" encoding="UTF-8"?>', LAUGHS, 1)
    assert "<!DOCTYPE" in content
    return rebuild(ods, {"content.xml": content.encode()})


@pytest.mark.parametrize(
    "make",
    [
        laughs_in_shared_strings,
        laughs_in_sheet,
        external_entity_in_sheet,
        laughs_in_utf16_sheet,
        laughs_in_ods,
    ],
)
def test_xml_entity_attacks_in_a_workbook_are_refused_before_it_is_opened(tmp_path, make, monkeypatch):
    path = folder(tmp_path, **{"staff.xlsx": make(), "supervisions.csv": SESSIONS})
    never_opened(monkeypatch)
    line = refused(path)
    assert line.startswith("supcheck: error: staff.xlsx: refused: the workbook's XML declares entities")
    assert "billion laughs" in line


def test_xml_entity_attack_in_a_data_workbook_is_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(laughs_in_shared_strings())
    assert "refused: the workbook's XML declares entities" in refused(path)


def test_an_xml_comment_before_the_root_is_not_an_entity(tmp_path):
    book = staff_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    sheet = b'<?xml version="1.0"?>\n<!-- made by hand -->\n' + sheet.split(b"?>", 1)[-1]
    path = folder(tmp_path, **{"staff.xlsx": rebuild(book, {"xl/worksheets/sheet1.xml": sheet})})
    folder(path, **{"supervisions.csv": SESSIONS})
    assert list(load_dataset(path).dataset.staff) == ["S000", "S001"]


# --------------------------------------------------------------------------- sparse sheets


def far_apart(last: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet.append(["staff_id", "role", "start_date"])
    sheet.append(["S001", "Social Worker", "01/01/2020"])
    sheet[last] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_cells_far_apart_are_refused_before_calamine_makes_the_rectangle(tmp_path, monkeypatch):
    """calamine holds a sheet as the whole rectangle its cells span: a cell in A1 and one in
    XFD1048576 would ask for 17 billion cells and abort the process."""
    path = folder(tmp_path, **{"staff.xlsx": far_apart("XFD1048576"), "supervisions.csv": SESSIONS})
    never_opened(monkeypatch)
    line = refused(path)
    assert (
        "staff.xlsx: refused: its sheet xl/worksheets/sheet1.xml spans 1,048,576 rows by 16,384 columns"
        in line
    )


@pytest.mark.parametrize("last", ["Z20000", "CV1000"])
@pytest.mark.parametrize("scan", [True, False])
def test_a_sheet_with_stray_cells_not_far_off_is_read(tmp_path, monkeypatch, last, scan):
    if not scan:  # a large sheet: judged by the used range it declares
        monkeypatch.setattr(workbooks, "SPREAD_FULL_SCAN", 0)
    path = folder(tmp_path, **{"staff.xlsx": far_apart(last), "supervisions.csv": SESSIONS})
    assert list(load_dataset(path).dataset.staff) == ["S001"]


def test_a_large_sheet_is_judged_by_its_declared_range(tmp_path, monkeypatch):
    monkeypatch.setattr(workbooks, "SPREAD_FULL_SCAN", 0)
    path = folder(tmp_path, **{"staff.xlsx": far_apart("XFD1048576"), "supervisions.csv": SESSIONS})
    never_opened(monkeypatch)
    assert "spans 1,048,576 rows by 16,384 columns" in refused(path)


# --------------------------------------------------------------------------- encrypted and damaged


def test_a_password_protected_workbook(tmp_path):
    """Excel wraps an encrypted .xlsx in an OLE2 file with an `EncryptedPackage` stream."""
    data = workbooks.OLE2_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(4096)
    path = folder(tmp_path, **{"staff.xlsx": data, "supervisions.csv": SESSIONS})
    assert refused(path) == (
        "supcheck: error: staff.xlsx: the workbook is password-protected (encrypted); remove the "
        "password in Excel (File > Info > Protect Workbook) or save it as CSV"
    )


@pytest.mark.parametrize("kind", ["xls", "ods", "xlsx"])
def test_a_damaged_workbook_of_each_kind(tmp_path, kind):
    data = (Path(__file__).parent / "fixtures" / "workbooks" / f"forms.{kind}").read_bytes()
    path = folder(tmp_path, **{f"staff.{kind}": data[: len(data) // 2], "supervisions.csv": SESSIONS})
    line = refused(path)
    assert line.startswith(f"supcheck: error: staff.{kind}: not a ")


# --------------------------------------------------------------------------- zip bombs


def bomb(ratio_part_mb: int = 20) -> bytes:
    """A workbook whose sheet unpacks from a few kB to `ratio_part_mb` MB of spaces."""
    book = staff_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (ratio_part_mb * 1024 * 1024))
    return rebuild(book, {"xl/worksheets/sheet1.xml": padded})


def test_zip_bomb_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    data = bomb()
    member = next(
        i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if i.filename.endswith("sheet1.xml")
    )
    assert member.file_size / member.compress_size > 100
    path = folder(tmp_path, **{"staff.xlsx": data, "supervisions.csv": SESSIONS})
    never_opened(monkeypatch)
    line = refused(path)
    assert "staff.xlsx: refused: its part xl/worksheets/sheet1.xml would unpack to 20 MB" in line
    assert "zip bomb" in line


def test_total_unpacked_size_limit_is_configurable(tmp_path, monkeypatch):
    path = folder(tmp_path, **{"staff.xlsx": staff_workbook(2000), "supervisions.csv": SESSIONS})
    monkeypatch.setenv("SUPCHECK_MAX_UNCOMPRESSED_MB", "0.05")
    never_opened(monkeypatch)
    line = refused(path)
    assert "staff.xlsx: refused: the workbook would unpack to" in line
    assert "more than the 0.05 MB limit" in line and "SUPCHECK_MAX_UNCOMPRESSED_MB" in line


def test_a_workbook_under_the_limits_still_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPCHECK_MAX_UNCOMPRESSED_MB", "5")
    path = folder(tmp_path, **{"staff.xlsx": staff_workbook(500), "supervisions.csv": SESSIONS})
    assert len(load_dataset(path).dataset.staff) == 500


def test_zip_bomb_saved_under_a_csv_name_is_refused(tmp_path, monkeypatch):
    path = folder(tmp_path, **{"staff.csv": bomb(), "supervisions.csv": SESSIONS})
    never_opened(monkeypatch)
    assert "staff.csv: refused: its part xl/worksheets/sheet1.xml" in refused(path)


# --------------------------------------------------------------------------- oversized files


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (and would take forever to read)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize("name", ["staff.csv", "staff.xlsx", "supervisions.tsv"])
def test_a_file_far_larger_than_an_export_is_refused_unread(tmp_path, name):
    folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    (tmp_path / f"{name.split('.')[0]}.csv").unlink()
    sparse(tmp_path / name, 3 * 1024**3)  # 3 GB, over the default 2048 MB
    line = refused(tmp_path)
    assert f"{name}: refused: the file is 3,072 MB, more than the 2048 MB limit" in line
    assert "SUPCHECK_MAX_FILE_MB" in line


def test_a_data_workbook_far_larger_than_an_export_is_refused_unread(tmp_path):
    path = sparse(tmp_path / "export.xlsx", 3 * 1024**3)
    assert "export.xlsx: refused: the file is 3,072 MB" in refused(path)


def test_file_size_limit_is_configurable(tmp_path, monkeypatch):
    path = folder(
        tmp_path,
        **{"staff.csv": STAFF + "S002,Social Worker,01/01/2020\n" * 60_000, "supervisions.csv": SESSIONS},
    )
    assert len(load_dataset(path).dataset.staff) == 2
    monkeypatch.setenv("SUPCHECK_MAX_FILE_MB", "1")
    line = refused(path)
    assert "staff.csv: refused: the file is 1.7 MB, more than the 1 MB limit" in line


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan"])
def test_a_bad_limit_setting_is_a_clear_error(tmp_path, monkeypatch, value):
    path = folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    monkeypatch.setenv("SUPCHECK_MAX_FILE_MB", value)
    with pytest.raises(SupcheckError, match="SUPCHECK_MAX_FILE_MB must be a positive number of megabytes"):
        load_dataset(path)
    assert "SUPCHECK_MAX_FILE_MB must be a positive number" in refused(path)


# --------------------------------------------------------------------------- enormous cells and rows


def test_a_50_mb_cell_stops_the_run_with_the_row(tmp_path):
    """Python's csv module refuses a cell over 131,072 characters. No spreadsheet cell is
    that long (Excel holds 32,767), so it is a broken file: a clear error naming the row,
    not a data-quality finding, since the rest of the file cannot be trusted."""
    huge = "x" * (50 * 1024 * 1024)
    path = folder(
        tmp_path, **{"staff.csv": STAFF + f'S002,"{huge}",01/01/2020\n', "supervisions.csv": SESSIONS}
    )
    line = refused(path)
    assert "staff.csv row 3: a cell is longer than 131,072 characters" in line
    assert "quote mark" in line


def test_an_unclosed_quote_that_swallows_the_file(tmp_path):
    rows = "".join(f"S{n:05d},Social Worker,01/01/2020\n" for n in range(10_000))
    path = folder(
        tmp_path,
        **{"staff.csv": STAFF + 'S002,"Social Worker,01/01/2020\n' + rows, "supervisions.csv": SESSIONS},
    )
    assert "staff.csv row 3: a cell is longer than 131,072 characters" in refused(path)


def test_a_row_wider_than_a_spreadsheet(tmp_path):
    path = folder(
        tmp_path,
        **{"staff.csv": STAFF + "S002,SW,01/01/2020" + ",x" * 20_000 + "\n", "supervisions.csv": SESSIONS},
    )
    assert "staff.csv row 3: 20,003 cells, more than a spreadsheet can hold (16,384 columns)" in refused(path)


def test_a_wide_blank_header_with_short_rows_is_read_at_the_rows_width(tmp_path, monkeypatch):
    """Thousands of unnamed header cells must not pad every row to their width (once 16,003
    columns a row, 80 seconds): the fast reader is asked for the data rows' width. (Its
    speed is measured in benchmarks/, not here.)"""
    from supcheck.loaders import sources

    widths: list[tuple[str, int]] = []
    frames = sources.Reader.frames

    def recording(self, source, width, skip):
        widths.append((source.table, width))
        return frames(self, source, width, skip)

    monkeypatch.setattr(sources.Reader, "frames", recording)
    header = "staff_id,role,start_date" + "," * 16_000 + "\n"
    rows = "".join(f"S{n:05d},Social Worker,01/01/2020\n" for n in range(2_000))
    path = folder(tmp_path, **{"staff.csv": header + rows, "supervisions.csv": SESSIONS})
    assert len(load_dataset(path).dataset.staff) == 2_000
    assert ("staff", 3) in widths


def test_a_row_wider_than_those_before_it_is_still_read(tmp_path):
    """The fast reader's width comes from the first rows; a wider row later is read by the
    csv module from there on, with its extra cell reported (no row lost)."""
    rows = "".join(f"S{n:05d},Social Worker,01/01/2020\n" for n in range(300))
    late = "S99999,Social Worker,01/01/2020,stray\n"
    path = folder(
        tmp_path, **{"staff.csv": "staff_id,role,start_date\n" + rows + late, "supervisions.csv": SESSIONS}
    )
    loaded = load_dataset(path)
    assert len(loaded.dataset.staff) == 301
    assert any(f.row == 302 and f.value == "stray" for f in loaded.findings)


# --------------------------------------------------------------------------- not what the name says


def test_an_xlsx_that_is_not_a_zip(tmp_path):
    path = folder(tmp_path, **{"staff.xlsx": STAFF, "supervisions.csv": SESSIONS})
    assert refused(path) == (
        "supcheck: error: staff.xlsx: not a valid workbook (neither a zip archive like .xlsx and .ods "
        "nor an Excel 97-2003 .xls file: it may be damaged, or not a workbook at all)"
    )


def test_a_zip_that_is_not_a_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    path = folder(tmp_path, **{"staff.xlsx": buffer.getvalue(), "supervisions.csv": SESSIONS})
    assert refused(path).startswith("supcheck: error: staff.xlsx: not a readable .xlsx workbook (")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4


@pytest.mark.parametrize(
    "data",
    [
        PNG,
        b"%PDF-1.7\n" + bytes(range(1, 256)) * 40,  # binary with no NUL byte in it
        b"staff_id,role,start_date\n" + b"S1,SW,01/01/2020\n" * 400 + b"\x00\x01\x02",  # a NUL past 4 kB
    ],
)
def test_a_csv_that_is_really_binary(tmp_path, data):
    path = folder(tmp_path, **{"staff.csv": data, "supervisions.csv": SESSIONS})
    assert refused(path) == "supcheck: error: staff.csv: not a text file (it contains binary data)"


def test_an_office_file_saved_as_csv_that_is_no_workbook(tmp_path):
    path = folder(
        tmp_path,
        **{"staff.csv": bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4096), "supervisions.csv": SESSIONS},
    )
    assert refused(path).startswith("supcheck: error: staff.csv: not a readable .xls workbook (")


def test_control_characters_in_a_message_stay_on_one_line(tmp_path):
    path = folder(
        tmp_path,
        **{
            "staff.csv": "staff_id,Job\rTitle\x1b[2J,start_date\nS1,SW,01/01/2020\n",
            "supervisions.csv": SESSIONS,
        },
    )
    line = refused(path)
    assert "no role column" in line and "\x1b" not in line


def test_a_mapping_file_the_size_of_an_export_is_refused(tmp_path):
    path = folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    mapping = tmp_path.parent / f"{tmp_path.name}-mapping.toml"
    mapping.write_text("# " + "x" * (2 * 1024 * 1024) + "\n")
    assert refused(path, "--mapping", str(mapping)).endswith("not a mapping file (larger than 1 MB)")


def test_files_over_the_in_memory_size_are_streamed_from_disk_with_the_same_result(monkeypatch):
    """Large files are parsed straight from disk; nothing else may change."""
    from supcheck.loaders import sources

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    messy = Path(__file__).parent / "fixtures" / "loaders" / "messy"
    in_memory = [load_dataset(sample), load_dataset(messy)]
    opened: list[Path] = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(Path(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(sources, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(sources, "open", spy, raising=False)
    streamed = [load_dataset(sample), load_dataset(messy)]
    assert any(p.name == "supervisions.csv" for p in opened)
    for a, b in zip(in_memory, streamed, strict=True):
        assert a.findings == b.findings
        assert a.dataset == b.dataset


def test_a_device_as_mapping_file_is_not_read(tmp_path):
    path = folder(tmp_path, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    assert refused(path, "--mapping", "/dev/zero").endswith(
        "/dev/zero: cannot read the mapping file: not a regular file"
    )


@pytest.mark.parametrize("encoding", ["base64", "rot13", "no-such-codec"])
def test_a_mapping_naming_a_codec_that_is_not_a_text_encoding(tmp_path, encoding):
    data = tmp_path / "data"
    data.mkdir()
    folder(data, **{"staff.csv": STAFF, "supervisions.csv": SESSIONS})
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f'[tables.staff]\nfile = "staff.csv"\nencoding = "{encoding}"\n')
    assert refused(data, "--mapping", str(mapping)).endswith(f"unknown encoding '{encoding}'")
