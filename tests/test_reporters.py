"""Reporters: every format rendered from one hand-built CheckResult.

Golden files live in tests/golden/. After a deliberate change to the JSON or
CSV output, regenerate them with `SUPCHECK_UPDATE_GOLDEN=1 pytest
tests/test_reporters.py`, then review the diff before committing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from supcheck.errors import SupcheckError
from supcheck.models import CheckResult, Finding, NotAssessed, Period, Summary, TeamSummary
from supcheck.reporters import (
    FORMATS,
    SUFFIXES,
    ConsoleReporter,
    Reporter,
    ReportError,
    format_for_path,
    get_reporter,
    safe_text,
)
from supcheck.reporters.base import COLUMNS, date_range, write_file
from supcheck.reporters.json import dumps as json_dumps

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[")
HYPERLINK = '=HYPERLINK("http://x") | supervision record not signed by the supervisor.'
MONTHLY = "Beth Evans had no supervision between 1 June 2026 and 30 June 2026 (monthly required)."


def _finding(**fields) -> Finding:
    return Finding(**fields)


def make_result() -> CheckResult:
    """2 teams, 3 staff; a frequency and a duration breach; data-quality warnings.

    Also: a name with an accent, a message starting `=HYPERLINK(...)` and
    containing `|`, a data-quality value `-2+3`, and a `<script>` from an export
    on a finding with no team or staff name.
    """
    findings = [
        _finding(
            kind="frequency",
            rule="monthly-supervision",
            severity="breach",
            staff_id="S001",
            start=date(2026, 6, 1),
            end=date(2026, 6, 30),
            message=MONTHLY,
            source="SWRB Employer Standard 5",
            team="Assessment",
            staff_name="Beth Evans",
            line_manager_id="S009",
            line_manager_name="Ola Nwosu",
        ),
        _finding(
            kind="duration",
            rule="session-length",
            severity="breach",
            staff_id="S002",
            start=date(2026, 7, 14),
            end=date(2026, 7, 14),
            message="Chloé Dubois's supervision on 14 July 2026 lasted 60 minutes (90 required).",
            source="SWRB Employer Standard 5",
            team="Children in Care",
            staff_name="Chloé Dubois",
            line_manager_id="S077",
        ),
        _finding(
            kind="data-quality",
            rule="data-quality",
            severity="warning",
            staff_id="S003",
            start=date(2026, 5, 5),
            end=date(2026, 5, 5),
            code="not-a-duration",
            message="supervisions.csv row 14: duration_minutes '-2+3' is not a number; "
            "session not checked for length.",
            file="supervisions.csv",
            row=14,
            column="duration_minutes",
            value="-2+3",
            team="Assessment",
            staff_name="Dev Patel",
        ),
        _finding(
            kind="signed-record",
            rule="signed-record",
            severity="warning",
            staff_id="S003",
            start=date(2026, 8, 3),
            end=date(2026, 8, 3),
            message=HYPERLINK,
            source="Shropshire audit tool 1.2",
            team="Assessment",
            staff_name="Dev Patel",
        ),
        _finding(
            kind="data-quality",
            rule="data-quality",
            severity="warning",
            staff_id="S004",
            code="unmatched-role",
            message="staff.csv row 7: role '<script>alert(1)</script>' matches no group.",
            file="staff.csv",
            row=7,
            column="role",
            value="<script>alert(1)</script>",
        ),
    ]
    return CheckResult(
        supcheck_version="1.0.0",
        policy="national",
        policy_title="SWRB Standards for Employers",
        period=Period(start=date(2026, 4, 1), end=date(2026, 9, 30)),
        as_of=date(2026, 10, 15),
        not_assessed=[NotAssessed(rule="case-discussion", reason="no allocations table")],
        summary=Summary(
            staff=3,
            windows_assessed=18,
            windows_met=16,
            windows_excused=1,
            windows_missed=1,
            breaches=2,
            warnings=3,
            compliance=16 / 17,
        ),
        findings=findings,
        teams=[
            TeamSummary(
                team="Assessment",
                summary=Summary(
                    staff=2,
                    windows_assessed=12,
                    windows_met=11,
                    windows_excused=1,
                    breaches=1,
                    warnings=2,
                    compliance=1.0,
                ),
            ),
            TeamSummary(
                team="Children in Care",
                summary=Summary(
                    staff=1, windows_assessed=6, windows_met=5, windows_missed=1, breaches=1, compliance=5 / 6
                ),
            ),
        ],
    )


@pytest.fixture
def result() -> CheckResult:
    return make_result()


@pytest.fixture
def empty(result: CheckResult) -> CheckResult:
    return result.model_copy(update={"findings": [], "not_assessed": [], "summary": Summary(staff=3)})


def _golden(name: str, data: bytes) -> bytes:
    path = GOLDEN / name
    if os.environ.get("SUPCHECK_UPDATE_GOLDEN"):
        path.write_bytes(data)
    return path.read_bytes()


# --- registry --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_reporter_returns_a_reporter_for_every_format(fmt: str) -> None:
    reporter = get_reporter(fmt)
    assert isinstance(reporter, Reporter)
    assert reporter.binary == (fmt == "xlsx")


def test_get_reporter_unknown_format_is_a_value_error_and_exits_2() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        get_reporter("pdf")
    with pytest.raises(SupcheckError):
        get_reporter("pdf")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("out.json", "json"),
        ("out.CSV", "csv"),
        ("reports/m.xlsx", "xlsx"),
        ("a.htm", "html"),
        ("a.html", "html"),
        ("a.md", "md"),
        ("mail.txt", "console"),
    ],
)
def test_format_for_path_reads_the_suffix(path: str, fmt: str) -> None:
    assert format_for_path(path) == fmt
    assert SUFFIXES[Path(path).suffix.lower()] == fmt


def test_format_for_path_unknown_suffix() -> None:
    with pytest.raises(ReportError, match="cannot tell the report format"):
        format_for_path("report.pdf")


# --- shared labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 5, 5), date(2026, 5, 5), "5 May 2026"),
        (date(2026, 6, 1), date(2026, 6, 30), "1 Jun\u201330 Jun 2026"),
        (date(2025, 12, 28), date(2026, 1, 3), "28 Dec 2025\u20133 Jan 2026"),
        (None, date(2026, 1, 3), "3 Jan 2026"),
        (None, None, ""),
    ],
)
def test_date_range(start: date | None, end: date | None, text: str) -> None:
    assert date_range(start, end) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1743 000000", "'+44 1743 000000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Beth Evans", "Beth Evans"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (14, "14"),
    ],
)
def test_safe_text_neutralises_formula_starts(value: object, expected: str) -> None:
    assert safe_text(value) == expected


# --- json ------------------------------------------------------------------------------------


def test_json_matches_golden(result: CheckResult) -> None:
    text = get_reporter("json").render(result)
    assert text.encode("utf-8") == _golden("report.json", text.encode("utf-8"))


def test_json_has_the_cli_contract_shape(result: CheckResult) -> None:
    text = get_reporter("json").render(result)
    assert text.endswith("}\n")
    assert "Chloé" in text  # ensure_ascii=False
    assert text.startswith('{\n  "supcheck_version"')  # indent 2
    report = json.loads(text)
    contract = ["supcheck_version", "policy", "period", "as_of", "not_assessed", "summary"]
    contract.append("findings")
    assert [key for key in report if key in contract] == contract
    assert report["period"] == {"from": "2026-04-01", "to": "2026-09-30"}
    assert report["as_of"] == "2026-10-15"
    assert report["not_assessed"] == [{"rule": "case-discussion", "reason": "no allocations table"}]
    summary = ["staff", "windows_assessed", "windows_met", "windows_excused", "breaches"]
    summary.append("warnings")
    assert [key for key in report["summary"] if key in summary] == summary
    assert report["summary"]["windows_missed"] == 1

    base = ["kind", "rule", "severity", "staff_id", "case_id", "start", "end", "message", "source"]
    dq = ["code", "file", "row", "column", "value"]
    findings = report["findings"]
    assert [f["staff_id"] for f in findings] == ["S001", "S002", "S003", "S003", "S004"]
    for finding in findings:
        expected = (
            base
            + (dq if finding["kind"] == "data-quality" else [])
            + ["team", "staff_name", "line_manager_id", "line_manager_name"]
        )
        assert list(finding) == expected
    assert findings[0]["start"] == "2026-06-01" and findings[0]["end"] == "2026-06-30"
    assert findings[2]["row"] == 14 and findings[2]["value"] == "-2+3"  # not neutralised
    assert findings[4]["start"] is None
    assert findings[3]["message"] == HYPERLINK


# --- csv -------------------------------------------------------------------------------------


def test_csv_matches_golden_file_written_by_write(result: CheckResult, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    get_reporter("csv").write(result, out)
    data = out.read_bytes()
    assert data == _golden("report.csv", data)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel


def test_csv_rows_and_formula_neutralisation(result: CheckResult) -> None:
    text = get_reporter("csv").render(result)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == list(COLUMNS)
    assert rows[0] == (
        "kind,rule,severity,staff_id,staff_name,team,case_id,start,end,message,source,file,row,column,value,"
        "line_manager_id,line_manager_name,code"  # added last: existing readers keep their columns
    ).split(",")
    assert len(rows) == 6
    record = dict(zip(rows[0], rows[3], strict=True))
    assert record["value"] == "'-2+3"
    assert record["row"] == "14"
    assert record["start"] == "2026-05-05"
    assert dict(zip(rows[0], rows[4], strict=True))["message"] == "'" + HYPERLINK
    assert rows[2][4] == "Chloé Dubois"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


# --- xlsx ------------------------------------------------------------------------------------


def _workbook(result: CheckResult, tmp_path: Path):
    out = tmp_path / "report.xlsx"
    get_reporter("xlsx").write(result, out)
    return load_workbook(out)


def test_xlsx_sheets_header_freeze_and_filter(result: CheckResult, tmp_path: Path) -> None:
    wb = _workbook(result, tmp_path)
    assert wb.sheetnames[:2] == ["Summary", "Findings"]
    ws = wb["Findings"]
    header = [cell.value for cell in ws[1]]
    # who, when, then what: the order a printed page is read; every CSV column is there
    assert header[:10] == [
        "team",
        "staff_name",
        "staff_id",
        "line_manager_name",
        "line_manager_id",
        "start",
        "end",
        "rule",
        "message",
        "severity",
    ]
    assert sorted(header) == sorted(COLUMNS)
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:R6"
    assert ws.max_row == 6
    assert ws.column_dimensions["I"].width > ws.column_dimensions["C"].width  # message wider
    assert [ws["D2"].value, ws["E2"].value] == ["Ola Nwosu", "S009"]


def test_xlsx_sheets_print_on_a4_fitted_to_the_width(result: CheckResult, tmp_path: Path) -> None:
    wb = _workbook(result, tmp_path)
    for ws, orientation in ((wb["Summary"], "portrait"), (wb["Findings"], "landscape")):
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == (orientation, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.right.text == "Page &P of &N"
    findings = wb["Findings"]
    assert findings.print_title_rows == "$1:$1"  # the header row on every page
    assert findings.print_area == "'Findings'!$A$1:$J$6"  # team to severity
    summary = wb["Summary"]
    # labels in A and values in B: the sheet is no wider than the by-team table (A-I)
    assert summary.max_column <= 9
    assert summary.column_dimensions["B"].width <= 12


def test_xlsx_cells_are_typed_and_never_formulas(result: CheckResult, tmp_path: Path) -> None:
    wb = _workbook(result, tmp_path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type in ("s", "n", "d"), (ws.title, cell.coordinate)
    ws = wb["Findings"]
    header = [cell.value for cell in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    dq = rows[2]
    assert dq["value"] == "'-2+3"
    assert dq["row"] == 14 and isinstance(dq["row"], int)
    assert rows[3]["message"] == "'" + HYPERLINK
    assert rows[1]["staff_name"] == "Chloé Dubois"
    assert rows[0]["start"] == datetime(2026, 6, 1)
    assert rows[0]["end"] == datetime(2026, 6, 30)
    assert rows[4]["start"] is None
    start_column = header.index("start") + 1
    date_cell = ws.cell(row=2, column=start_column)
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"


def test_xlsx_error_like_and_control_text_stays_text(result: CheckResult, tmp_path: Path) -> None:
    odd = _finding(
        kind="data-quality",
        rule="data-quality",
        severity="warning",
        message="a\x0bb",
        file="x.csv",
        row=2,
        column="date",
        value="#N/A",
    )
    wb = _workbook(result.model_copy(update={"findings": [odd]}), tmp_path)
    ws = wb["Findings"]
    header = [cell.value for cell in ws[1]]
    value = ws.cell(row=2, column=header.index("value") + 1)
    assert value.value == "#N/A" and value.data_type == "s"
    assert ws.cell(row=2, column=header.index("message") + 1).value == "a\ufffdb"


def test_xlsx_summary_sheet(result: CheckResult, tmp_path: Path) -> None:
    ws = _workbook(result, tmp_path)["Summary"]
    cells = {}
    for row in ws.iter_rows(values_only=True):
        if row[0] is not None:
            cells[row[0]] = row[1:]
    assert cells["Policy"][0] == "national"
    assert cells["Policy title"][0] == "SWRB Standards for Employers"
    assert cells["Period from"][0] == datetime(2026, 4, 1)
    assert cells["Period to"][0] == datetime(2026, 9, 30)
    assert cells["As of"][0] == datetime(2026, 10, 15)
    assert cells["supcheck version"][0] == "1.0.0"
    assert cells["Staff checked"][0] == 3
    assert cells["Windows assessed"][0] == 18
    assert cells["Windows missed"][0] == 1
    assert cells["Breaches"][0] == 2
    assert cells["Warnings"][0] == 3
    assert cells["case-discussion"][0] == "no allocations table"
    assert cells["data-quality"][:3] == (0, 2, 2)
    assert cells["frequency"][:3] == (1, 0, 1)
    assert cells["duration"][:3] == (1, 0, 1)


def test_xlsx_with_no_findings_has_header_only(empty: CheckResult, tmp_path: Path) -> None:
    ws = _workbook(empty, tmp_path)["Findings"]
    assert ws.max_row == 1
    assert ws.auto_filter.ref == "A1:R1"


def test_xlsx_cannot_go_to_stdout(result: CheckResult) -> None:
    with pytest.raises(ReportError, match="cannot go to standard output"):
        get_reporter("xlsx").write(result, None)


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_to_file_equals_render(fmt: str, result: CheckResult, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    reporter = get_reporter(fmt)
    reporter.write(result, out)
    data = out.read_bytes()
    if fmt == "xlsx":
        assert data[:2] == b"PK"
    else:
        assert data == reporter.render(result).encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no partial file left


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_findings_written_in_blocks_are_the_findings_rendered_whole(
    fmt: str, result: CheckResult, tmp_path: Path
) -> None:
    """2,500 findings are three blocks of 1,000 lines: the file has each once, in order."""
    many = [f.model_copy(update={"case_id": f"C{i:04d}"}) for i in range(2500) for f in result.findings[:1]]
    big = result.model_copy(update={"findings": many})
    reporter = get_reporter(fmt)
    pieces = list(reporter.pieces(big, terminal=False, color=None))
    assert len(pieces) > 3  # (a header, then the findings a block at a time)
    out = tmp_path / f"report.{fmt}"
    reporter.write(big, out)
    text = out.read_bytes().decode("utf-8")
    assert text == "".join(pieces) == reporter.render(big)
    if fmt == "json":
        cases = [f["case_id"] for f in json.loads(text)["findings"]]
    else:
        cases = [row["case_id"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert cases == [f"C{i:04d}" for i in range(2500)]


def test_a_report_that_fails_half_way_leaves_no_file(result: CheckResult, tmp_path: Path) -> None:
    def pieces():
        yield "{"
        raise RuntimeError("a reporter's bug")

    out = tmp_path / "report.json"
    with pytest.raises(RuntimeError):
        write_file(out, pieces())
    assert list(tmp_path.iterdir()) == []


def test_write_to_missing_folder_is_a_report_error(result: CheckResult, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot write the report to"):
        get_reporter("json").write(result, tmp_path / "nope" / "r.json")


def test_write_to_stdout(result: CheckResult, capsys: pytest.CaptureFixture[str]) -> None:
    get_reporter("json").write(result, None)
    assert json.loads(capsys.readouterr().out)["policy"] == "national"


def test_console_to_a_pipe_is_plain_80_columns(
    result: CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    get_reporter("console").write(result, None)
    out = capsys.readouterr().out
    assert not ANSI.search(out)
    assert out == ConsoleReporter().render(result)


def test_console_colour_can_be_forced_into_a_file(result: CheckResult, tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    get_reporter("console").write(result, out, color=True)
    assert ANSI.search(out.read_text(encoding="utf-8"))
    get_reporter("console").write(result, out)
    assert not ANSI.search(out.read_text(encoding="utf-8"))


def test_console_on_a_terminal_is_coloured_unless_no_color(
    result: CheckResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    reporter = ConsoleReporter()
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert ANSI.search(reporter.render_for(result, terminal=True, color=None))
    assert not ANSI.search(reporter.render_for(result, terminal=True, color=False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(reporter.render_for(result, terminal=True, color=None))


# --- console ---------------------------------------------------------------------------------


def test_console_layout(result: CheckResult) -> None:
    text = ConsoleReporter().render(result)
    lines = text.splitlines()
    assert not ANSI.search(text)
    assert all(len(line) <= 80 for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert lines[0] == "Supervision check: national"
    # the whole summary is 83 characters: breaches and warnings go on a second line
    assert lines[-2:] == [
        "3 staff \u00b7 18 windows assessed, 16 met, 1 excused, 1 missed",
        "2 breaches \u00b7 3 warnings",
    ]
    order = [
        "Assessment",
        "  Beth Evans (S001)",
        "  Dev Patel (S003)",
        "Children in Care",
        "  Chloé Dubois (S002)",
        "Data quality",
        "  staff.csv",  # files in alphabetical order (base.by_file_and_row)
        "  supervisions.csv",
        "Not assessed",
        "  case-discussion: no allocations table",
    ]
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)
    assert lines[lines.index("Assessment") + 1] == "-" * len("Assessment")


def test_console_finding_lines(result: CheckResult) -> None:
    lines = ConsoleReporter().render(result).splitlines()
    first = lines.index("  Beth Evans (S001)") + 1
    assert lines[first] == (
        "    BREACH   1 Jun\u201330 Jun 2026  Beth Evans had no supervision between 1 June"
    )
    assert lines[first + 1] == " " * 32 + "2026 and 30 June 2026 (monthly required)."
    assert "    WARNING  3 Aug 2026         '=HYPERLINK" not in lines  # shown as given:
    assert any(line.startswith('    WARNING  3 Aug 2026         =HYPERLINK("http://x")') for line in lines)
    dq = lines.index("  staff.csv") + 1
    assert lines[dq : dq + 2] == [  # the code where a person's finding has its dates
        "    WARNING  unmatched-role  staff.csv row 7: role '<script>alert(1)</script>'",
        " " * 29 + "matches no group.",
    ]


def test_console_follows_a_narrow_terminal(result: CheckResult) -> None:
    text = ConsoleReporter().render_text(result, color=False, width=50)
    assert all(len(line) <= 50 for line in text.splitlines())
    assert "Beth Evans had no supervision" in text.replace("\n", " ")


def test_console_summary_on_one_line_when_it_fits(result: CheckResult) -> None:
    small = Summary(staff=1, windows_assessed=1, windows_met=1, breaches=1, warnings=1)
    text = ConsoleReporter().render(result.model_copy(update={"summary": small}))
    assert text.splitlines()[-1] == (
        "1 staff \u00b7 1 window assessed, 1 met, 0 excused, 0 missed \u00b7 1 breach \u00b7 1 warning"
    )


def test_console_with_no_findings_says_so(empty: CheckResult) -> None:
    text = ConsoleReporter().render(empty)
    assert "No findings for this period." in text
    assert "Data quality" not in text and "Not assessed" not in text
    assert text.splitlines()[-2:] == [
        "3 staff \u00b7 0 windows assessed, 0 met, 0 excused, 0 missed",
        "0 breaches \u00b7 0 warnings",
    ]


def test_console_does_not_pass_control_characters_through(result: CheckResult) -> None:
    sneaky = result.findings[0].model_copy(update={"message": "\x1b[2Jcleared\x07"})
    text = ConsoleReporter().render(result.model_copy(update={"findings": [sneaky]}))
    assert "\x1b" not in text and "\x07" not in text
    assert "\ufffd[2Jcleared\ufffd" in text


# --- markdown and html -----------------------------------------------------------------------


def test_markdown(result: CheckResult) -> None:
    text = get_reporter("md").render(result)
    assert text.startswith("# Supervision check: national\n")
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "| Windows missed | 1 |" in text
    assert "- **case-discussion**: no allocations table" in text
    assert "### Assessment" in text and "### Children in Care" in text
    assert text.index("### Assessment") < text.index("### Children in Care")
    assert "## Data quality" in text
    assert (
        "| Dev Patel (S003) |  | warning | signed-record | 3 Aug 2026 | "
        r'=HYPERLINK("http://x") \| supervision record not signed by the supervisor. |'
    ) in text
    assert (
        "| staff.csv | 7 | unmatched-role | role | &lt;script&gt;alert(1)&lt;/script&gt; | warning |" in text
    )
    assert "| supervisions.csv | 14 | not-a-duration | duration\\_minutes | -2+3 | warning |" in text
    for line in text.splitlines():
        if line.startswith("| "):  # every table row has the header's number of cells
            assert line.endswith(" |")


def test_html_is_self_contained_and_escaped(result: CheckResult) -> None:
    text = get_reporter("html").render(result)
    assert text.startswith("<!DOCTYPE html>")
    lowered = text.lower()
    for banned in ("<script", "<style", "<link", "<img", "src=", "javascript:"):
        assert banned not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "=HYPERLINK(&quot;http://x&quot;) | supervision record" in text
    assert "Chloé Dubois (S002)" in text
    assert "<h3" in text and ">Children in Care</h3>" in text
    assert "case-discussion</b>: no allocations table" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_md_and_html_with_no_findings(fmt: str, empty: CheckResult) -> None:
    text = get_reporter(fmt).render(empty)
    assert "No findings for this period." in text
    assert "Every rule in the policy was assessed." not in text  # no filler: nothing to say
    assert "Not assessed" not in text


def test_write_to_stdout_without_a_byte_buffer(result: CheckResult, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    get_reporter("md").write(result, None)
    assert stream.getvalue() == get_reporter("md").render(result)


def test_write_through_a_symlink_keeps_the_link(result: CheckResult, tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    get_reporter("json").write(result, link)
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["policy"] == "national"


def test_write_to_a_folder_is_a_report_error(result: CheckResult, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot write the report to"):
        get_reporter("csv").write(result, tmp_path)
    assert list(tmp_path.iterdir()) == []


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_console_on_a_terminal_stdout_uses_colour_and_its_width(
    result: CheckResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    get_reporter("console").write(result, None)
    text = terminal.buffer.getvalue().decode("utf-8")
    assert ANSI.search(text)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert all(len(line) <= 60 for line in plain.splitlines())
    assert max(len(line) for line in plain.splitlines()) > 50


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=_json_values)
def test_json_layout_reads_back_as_the_same_data(value) -> None:
    """The report's layout (a finding a line) is only layout: any JSON value reads back."""
    assert json.loads(json_dumps(value)) == value


def test_json_report_has_one_finding_a_line(result: CheckResult) -> None:
    lines = get_reporter("json").render(result).splitlines()
    opened = lines.index('  "findings": [')
    closed = next(i for i in range(opened, len(lines)) if lines[i] in ("  ]", "  ],"))
    assert len(lines[opened + 1 : closed]) == len(result.findings)


# --- compliance, by team, line manager, data-quality order --------------------------------------


def test_every_report_for_people_gives_the_compliance_rate_and_teams(
    result: CheckResult, tmp_path: Path
) -> None:
    console = ConsoleReporter().render(result)
    assert "Compliance rate 94.1%: 16 of 17 windows met (1 excused, not in the rate)" in console
    rows = [line.split() for line in console.splitlines()]
    assert ["Team", "Staff", "Windows", "Met", "Excused", "Missed", "Rate", "Breaches"] in rows
    assert ["Children", "in", "Care", "1", "6", "5", "0", "1", "83.3%", "1"] in rows
    assert ["Assessment", "2", "12", "11", "1", "0", "100.0%", "1"] in rows
    md = get_reporter("md").render(result)
    assert "| Compliance rate | 94.1% |" in md
    assert "| Children in Care | 1 | 6 | 5 | 0 | 1 | 83.3% | 1 | 0 |" in md
    html = get_reporter("html").render(result)
    assert '<td style="' in html and ">94.1%</td>" in html and ">83.3%</td>" in html
    assert ">Line manager</th>" in html and ">Ola Nwosu (S009)</td>" in html and ">S077</td>" in html
    ws = _workbook(result, tmp_path)["Summary"]
    cells = {row[0].value: row[1] for row in ws.iter_rows() if row[0].value}
    assert cells["Compliance rate"].value == pytest.approx(16 / 17)
    assert cells["Compliance rate"].number_format == "0.0%"
    assert cells["Children in Care"].value == 1  # staff, then the team's counts and rate


def test_no_rate_is_said_so_not_zero(result: CheckResult) -> None:
    empty = result.model_copy(
        update={"summary": Summary(staff=1, windows_assessed=1, windows_excused=1), "teams": []}
    )
    console = ConsoleReporter().render(empty)
    assert "Compliance rate: none, no window was met or missed (1 excused)" in console
    assert "| Compliance rate | no rate |" in get_reporter("md").render(empty)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # (file, row) in the engine's order -> display order: file name, then row
        (
            [("supervisions.csv", 994), ("supervisions.csv", 1420), ("supervisions.csv", 1167)],
            [("supervisions.csv", 994), ("supervisions.csv", 1167), ("supervisions.csv", 1420)],
        ),
        (
            [("supervisions.csv", 2), ("staff.csv", 43), ("staff.csv", 26), ("Absences.xlsx[Sheet1]", 9)],
            [("Absences.xlsx[Sheet1]", 9), ("staff.csv", 26), ("staff.csv", 43), ("supervisions.csv", 2)],
        ),
        # a finding about a whole file (no row) first in its file; no file at all last
        (
            [(None, None), ("staff.csv", 3), ("staff.csv", None)],
            [("staff.csv", None), ("staff.csv", 3), (None, None)],
        ),
    ],
)
def test_data_quality_rows_by_file_and_row(given, expected) -> None:
    from supcheck.reporters.base import by_file_and_row

    findings = [
        Finding(kind="data-quality", rule="data-quality", severity="warning", message="m", file=f, row=r)
        for f, r in given
    ]
    assert [(f.file, f.row) for f in by_file_and_row(findings)] == expected


def test_counts_in_sentences_have_thousands_separators() -> None:
    """A national run's summary: `38,397 staff`, not `38397 staff`."""
    from supcheck.reporters.base import compliance_line, summary_parts

    summary = Summary(
        staff=38397,
        windows_assessed=396863,
        windows_met=383912,
        windows_excused=1204,
        windows_missed=11747,
        breaches=12000,
        warnings=1,
        compliance=383912 / 395659,
    )
    assert summary_parts(summary) == [
        "38,397 staff",
        "396,863 windows assessed, 383,912 met, 1,204 excused, 11,747 missed",
        "12,000 breaches",
        "1 warning",
    ]
    assert compliance_line(summary) == (
        "Compliance rate 97.0%: 383,912 of 395,659 windows met (1,204 excused, not in the rate)"
    )
