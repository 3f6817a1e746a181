"""The command line end to end on the bundled sample council, through typer's CliRunner.

Expected findings are the planted ones listed (and computed by hand) in
sample_data/EXPECTED.md.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from supcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
PERIOD = ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]

runner = CliRunner()

# (kind, staff_id, start, end) for the national pack: sample_data/EXPECTED.md.
EXPECTED_NATIONAL = [
    ("duration", "00417", "2026-07-14", "2026-07-14"),
    ("frequency", "00452", "2026-09-01", "2026-09-30"),
    ("duration", "1023", "2026-05-19", "2026-05-19"),
    ("uninterrupted", "S006", "2026-08-12", "2026-08-12"),
    ("data-quality", "S007", None, None),
    ("data-quality", "S009", "2026-06-10", "2026-06-10"),
    ("frequency", "S010", "2026-06-01", "2026-06-30"),
    ("data-quality", "S012", "2026-06-23", "2026-06-23"),
    ("frequency", "S013", "2026-05-25", "2026-05-31"),
    ("frequency", "S013", "2026-08-17", "2026-08-30"),
    ("data-quality", "S018", None, None),
    ("data-quality", "S021", "2026-04-28", "2026-04-28"),
    ("registration", "S026", "2026-10-31", "2026-10-31"),
    ("registration", "S027", "2026-10-31", "2026-10-31"),
    ("data-quality", "S035", None, None),
    ("professional-supervision", "S036", "2026-07-01", "2026-09-30"),
    ("data-quality", "S999", None, None),
]

# (file, row, column) of each planted data-quality problem.
EXPECTED_CELLS = {
    ("supervisions.csv", 994, "date"),
    ("supervisions.csv", 1167, "session_id"),
    ("supervisions.csv", 1194, "duration_minutes"),
    ("staff.csv", 26, "role"),
    ("supervisions.csv", 1093, "date"),
    ("staff.csv", 43, "line_manager_id"),
    ("supervisions.csv", 1096, "supervisee_id"),
}


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def national_json():
    result = run("check", str(SAMPLE), *PERIOD, "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_sample_data_national_findings_are_exactly_the_planted_ones(national_json):
    got = [(f["kind"], f["staff_id"], f["start"], f["end"]) for f in national_json["findings"]]
    assert got == EXPECTED_NATIONAL


def test_sample_data_data_quality_findings_point_at_the_cell(national_json):
    cells = {
        (f["file"], f["row"], f["column"]) for f in national_json["findings"] if f["kind"] == "data-quality"
    }
    assert cells == EXPECTED_CELLS


def test_json_report_has_the_cli_md_shape(national_json):
    report = national_json
    assert list(report)[:2] == ["supcheck_version", "policy"]
    assert {"supcheck_version", "policy", "period", "as_of", "not_assessed", "summary", "findings"} <= set(
        report
    )
    assert report["policy"] == "national"
    assert report["period"] == {"from": "2026-04-01", "to": "2026-10-31"}
    assert report["as_of"] == "2026-11-20"
    assert report["not_assessed"] == []
    summary = report["summary"]
    assert {
        k: summary[k]
        for k in ("staff", "windows_assessed", "windows_met", "windows_excused", "breaches", "warnings")
    } == {
        "staff": 41,
        "windows_assessed": 226,
        "windows_met": 221,
        "windows_excused": 1,
        "breaches": 10,
        "warnings": 7,
    }
    base = {"kind", "rule", "severity", "staff_id", "case_id", "start", "end", "message", "source"}
    for finding in report["findings"]:
        assert base <= set(finding)
        if finding["kind"] == "data-quality":
            assert {"file", "row", "column", "value"} <= set(finding)
            assert finding["severity"] == "warning"
        else:
            assert finding["severity"] == "breach"
            assert finding["source"].startswith("SWRB Employer Standard")
    june = next(f for f in report["findings"] if f["staff_id"] == "S010")
    assert (
        june["message"]
        == "Jack Thompson had no supervision between 1 June 2026 and 30 June 2026 (monthly required)."
    )
    assert june["rule"] == "supervision-frequency"


def test_console_report_on_sample_data():
    result = run("check", str(SAMPLE), *PERIOD)
    assert result.exit_code == 1
    out = result.stdout
    assert "Assessment North" in out and "Child Protection South" in out
    assert "Jack Thompson had no supervision between 1 June" in out
    assert "11 breaches" not in out and "10 breaches" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_team_and_staff_limit_the_report():
    result = run("check", str(SAMPLE), *PERIOD, "--format", "json", "--staff", "S013")
    report = json.loads(result.stdout)
    assert [(f["kind"], f["start"]) for f in report["findings"]] == [
        ("frequency", "2026-05-25"),
        ("frequency", "2026-08-17"),
    ]
    assert report["summary"]["staff"] == 1
    teams = json.loads(
        run("check", str(SAMPLE), *PERIOD, "-f", "json", "--team", "child protection south").stdout
    )
    assert {f["team"] for f in teams["findings"] if f["staff_id"]} == {"Child Protection South"}


def test_no_breach_exits_0_and_warnings_alone_do_not_fail():
    # April 2026, known on 10 May, for Jack Thompson, whose April is clean: only warnings
    # (his rows dated after the as-of date). (Adding S021, who starts in May, would stop
    # the run: see test_scope.py.)
    result = run(
        "check",
        str(SAMPLE),
        "--from",
        "2026-04-01",
        "--to",
        "2026-04-30",
        "--as-of",
        "2026-05-10",
        "-f",
        "json",
        "--staff",
        "S010",
    )
    report = json.loads(result.stdout)
    assert {(f["kind"], f["severity"]) for f in report["findings"]} == {("data-quality", "warning")}
    assert report["summary"]["windows_met"] == 1
    assert result.exit_code == 0


def test_strict_turns_data_quality_into_breaches():
    result = run("check", str(SAMPLE), *PERIOD, "-f", "json", "--strict")
    report = json.loads(result.stdout)
    assert report["summary"]["warnings"] == 0
    assert report["summary"]["breaches"] == 17


def test_default_period_is_last_complete_month_before_as_of():
    result = run("check", str(SAMPLE), "--as-of", "2026-11-20", "-f", "json")
    assert json.loads(result.stdout)["period"] == {"from": "2026-10-01", "to": "2026-10-31"}
    result = run("check", str(SAMPLE), "--as-of", "2026-01-01", "-f", "json")
    assert json.loads(result.stdout)["period"] == {"from": "2025-12-01", "to": "2025-12-31"}


def test_dates_on_the_command_line_take_loader_forms():
    result = run(
        "check",
        str(SAMPLE),
        "--from",
        "01/04/2026",
        "--to",
        "31 Oct 2026",
        "--as-of",
        "20/11/2026",
        "-f",
        "json",
    )
    assert json.loads(result.stdout)["period"] == {"from": "2026-04-01", "to": "2026-10-31"}


def test_csv_and_xlsx_outputs(tmp_path):
    csv_path = tmp_path / "report.csv"
    assert run("check", str(SAMPLE), *PERIOD, "-o", str(csv_path)).exit_code == 1
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert [(r["kind"], r["staff_id"]) for r in rows] == [(k, s) for k, s, _a, _b in EXPECTED_NATIONAL]

    xlsx_path = tmp_path / "report.xlsx"
    assert run("check", str(SAMPLE), *PERIOD, "-o", str(xlsx_path)).exit_code == 1
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames[:2] == ["Summary", "Findings"]
    sheet = workbook["Findings"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["team", "staff_name", "staff_id", "line_manager_name"]
    start_col = header.index("start") + 1
    first = sheet.cell(row=2, column=start_col).value
    assert first.date() == date(2026, 7, 14)
    assert sheet.max_row == 1 + len(EXPECTED_NATIONAL)
    # The rule in words, as the pack titles it (the CSV keeps the id); a data-quality
    # finding's code beside it.
    rules = [
        (cell.value, row[0].value)
        for row in sheet.iter_rows(min_row=2)
        for cell in [row[header.index("rule")]]
    ]
    csv_rules = [r["rule"] for r in rows]
    assert rules[0] == ("Sessions of at least an hour and a half", "Assessment North")
    assert csv_rules[0] == "session-length"
    codes = {row[header.index("code")].value for row in sheet.iter_rows(min_row=2)} - {None}
    assert {"not-a-date", "unknown-staff", "duplicate-session"} <= codes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/folder"], "no/such/folder"),
        (["check", str(SAMPLE), "--policy", "nope"], "no policy pack 'nope'"),
        (["check", str(SAMPLE), "--from", "2026-04-01"], "give both --from and --to"),
        (["check", str(SAMPLE), "--from", "2026-05-01", "--to", "2026-04-01"], "is before --from"),
        (["check", str(SAMPLE), "--as-of", "someday"], "--as-of 'someday' is not a date"),
        (["check", str(SAMPLE), "--format", "pdf"], "--format 'pdf'"),
        (["check", str(SAMPLE), "--format", "xlsx"], "--output"),
        (["check", str(SAMPLE), "-o", "report.docx"], "report.docx"),
    ],
)
def test_errors_exit_2_with_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_required_table_exits_2(tmp_path):
    (tmp_path / "staff.csv").write_text(
        "staff_id,role,start_date\nS1,Social Worker,01/01/2020\n", encoding="utf-8"
    )
    result = run("check", str(tmp_path), *PERIOD)
    assert result.exit_code == 2
    assert "supervisions" in result.stderr


def test_missing_optional_column_is_not_assessed(tmp_path):
    (tmp_path / "staff.csv").write_text(
        "staff_id,role,start_date\nS1,Social Worker,01/01/2020\n", encoding="utf-8"
    )
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,10/06/2026\n", encoding="utf-8")
    result = run(
        "check",
        str(tmp_path),
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
        "--as-of",
        "2026-07-10",
        "--extracted",
        "2026-07-10",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {n["rule"]: n["reason"] for n in report["not_assessed"]} == {
        "session-length": "no duration_minutes column in the supervisions table",
        "uninterrupted": "no interrupted column in the supervisions table",
        "professional-supervision": "no registered_social_worker column in the staff table",
        "registration": "no registered_social_worker column in the staff table",
    }
    assert report["summary"]["windows_met"] == 1


def test_the_command_collects_garbage_rarely(monkeypatch):
    """`main` raises the collector's thresholds for the run (millions of objects, no
    cycles to collect)."""
    import gc
    import sys

    from supcheck import cli, collector

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["supcheck", "--version"])
    try:
        with pytest.raises(SystemExit):
            cli.main()
        assert gc.get_threshold() == collector.THRESHOLDS
    finally:
        gc.set_threshold(*before)
