"""Nothing checked is not a pass: a run that would check nobody exits 2 with one line.

A `--team` or `--staff` value matching nobody (named with the closest teams or ids), a
`--staff` id not employed in the period, a staff table with no usable row, a period in
which nobody was employed. Expected lines are written out by hand from the small
council below (period June 2026).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
JUNE = ["--from", "2026-06-01", "--to", "2026-06-30", "--as-of", "2026-07-10"]

runner = CliRunner()

STAFF_HEADER = "staff_id,name,role,team,line_manager_id,start_date,end_date\n"
STAFF_ROWS = (
    "S001,Ann Lee,Social Worker,Assessment North,S003,2020-01-01,\n"
    "S002,Bob Ray,Social Worker,Assessment South,S003,2020-01-01,\n"
    "S003,Cat Fox,Team Manager,Assessment North,,2019-01-01,\n"
    "S004,Dan Oak,Social Worker,Early Help,S003,2020-01-01,2025-12-31\n"
    "S005,Eve Elm,Social Worker,Assessment North,S003,2026-07-01,\n"
    "S006,Fay Ash,Social Worker,Old Team,S003,2019-01-01,2024-03-31\n"
)
SESSIONS = (
    "session_id,supervisee_id,supervisor_id,date\n"
    "X1,S001,S003,2026-06-10\n"
    "X2,S002,S003,2026-06-11\n"
    "X3,S003,S003,2026-06-12\n"
)


def council(folder: Path, staff_rows: str = STAFF_ROWS) -> Path:
    folder.mkdir()
    (folder / "staff.csv").write_text(STAFF_HEADER + staff_rows, encoding="utf-8")
    (folder / "supervisions.csv").write_text(SESSIONS, encoding="utf-8")
    return folder


def stopped(result) -> str:
    """The one stderr line of a run that could not check (and nothing on stdout)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("supcheck: error: ")
    return line.removeprefix("supcheck: error: ")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            ["--team", "Assesment North"],
            "no team 'Assesment North' in staff.csv; did you mean 'Assessment North' or 'Assessment South'?",
        ),
        # One good team and one bad: the bad one stops the run; no partial report.
        (
            ["--team", "assessment north", "--team", "Early Halp"],
            "no team 'Early Halp' in staff.csv; did you mean 'Early Help'?",
        ),
        (["--staff", "S9999"], "no staff member 'S9999' in staff.csv"),
        (["--staff", "s001"], "no staff member 's001' in staff.csv; did you mean 'S001' (Ann Lee)?"),
        (["--staff", "Ann Lee"], "no staff member 'Ann Lee' in staff.csv; did you mean 'S001' (Ann Lee)?"),
        (
            ["--staff", "S004"],
            "staff member 'S004' (Dan Oak) left on 31 December 2025, before the period"
            " (1 June 2026 to 30 June 2026)",
        ),
        (
            ["--staff", "S005"],
            "staff member 'S005' (Eve Elm) starts on 1 July 2026, after the period"
            " (1 June 2026 to 30 June 2026)",
        ),
        (["--team", "old team"], "nobody in team 'Old Team' was employed from 1 June 2026 to 30 June 2026"),
        # Every bad value is named, teams first, each in sorted order.
        (
            ["--staff", "S9999", "--team", "Nowhere", "--staff", "S001"],
            "no team 'Nowhere' in staff.csv; no staff member 'S9999' in staff.csv",
        ),
        # What the user typed is echoed with control characters escaped: one line, inert.
        (["--team", "North\n\x1b[2J"], "no team 'North\\n\\x1b[2J' in staff.csv"),
    ],
)
def test_a_filter_matching_nobody_stops_the_run(tmp_path, filters, message):
    data = council(tmp_path / "data")
    assert stopped(runner.invoke(app, ["check", str(data), *JUNE, *filters])) == message


@pytest.mark.parametrize(
    "filters",
    [
        ["--team", "ASSESSMENT NORTH"],
        ["--team", "Assessment North", "--staff", "S002"],
        # S005 starts in July, but the team has staff employed in June.
        ["--team", "assessment north"],
        [],
    ],
)
def test_filters_matching_someone_employed_run_the_check(tmp_path, filters):
    data = council(tmp_path / "data")
    result = runner.invoke(app, ["check", str(data), *JUNE, "-q", *filters])
    assert result.exit_code in (0, 1), result.output
    assert "nobody" not in result.stderr and "did you mean" not in result.stderr


def test_the_issues_typo_on_the_sample_council():
    result = runner.invoke(app, ["check", str(SAMPLE), *JUNE, "--team", "Assesment North"])
    assert stopped(result) == "no team 'Assesment North' in staff.csv; did you mean 'Assessment North'?"


def test_a_header_only_staff_table_stops_the_run(tmp_path):
    data = council(tmp_path / "data", staff_rows="")
    assert stopped(runner.invoke(app, ["check", str(data), *JUNE])) == (
        "staff.csv has no staff rows below its header: nobody to check"
    )


def test_a_staff_table_of_unusable_rows_stops_the_run(tmp_path):
    rows = "S001,Ann Lee,Social Worker,North,,notadate,\nS002,Bob Ray,Social Worker,North,,,\n"
    data = council(tmp_path / "data", staff_rows=rows)
    assert stopped(runner.invoke(app, ["check", str(data), *JUNE])) == (
        "staff.csv has no usable staff row: nobody to check (2 rows not used; the first:"
        " staff.csv row 2: start_date 'notadate' is not a date; row not used.)"
    )


def test_a_staff_id_whose_row_was_not_used_says_why(tmp_path):
    data = council(
        tmp_path / "data", staff_rows=STAFF_ROWS + "S007,Gil Yew,Social Worker,North,,31/02/2020,\n"
    )
    assert stopped(runner.invoke(app, ["check", str(data), *JUNE, "--staff", "S007"])) == (
        "staff member 'S007' has no usable row in staff.csv"
        " (staff.csv row 8: start_date '31/02/2020' is not a date; row not used.)"
    )


def test_a_period_nobody_was_employed_in_stops_the_run(tmp_path):
    data = council(tmp_path / "data")
    period = ["--from", "2010-01-01", "--to", "2010-01-31", "--as-of", "2026-07-10"]
    assert stopped(runner.invoke(app, ["check", str(data), *period])) == (
        "nobody in staff.csv was employed from 1 January 2010 to 31 January 2010: nobody to check"
    )


def test_the_health_check_stops_on_an_empty_staff_table(tmp_path):
    data = council(tmp_path / "data", staff_rows="")
    result = runner.invoke(app, ["healthcheck", str(data), "--year", "2025", "--as-of", "2026-07-10"])
    assert stopped(result) == "staff.csv has no staff rows below its header: nobody to check"


def test_explain_applies_the_same_checks(tmp_path):
    data = council(tmp_path / "data")
    assert stopped(runner.invoke(app, ["explain", str(data), "S004", *JUNE])) == (
        "staff member 'S004' (Dan Oak) left on 31 December 2025, before the period"
        " (1 June 2026 to 30 June 2026)"
    )
    assert stopped(runner.invoke(app, ["explain", str(data), "Ann Lee", *JUNE])) == (
        "no staff member 'Ann Lee' in staff.csv; did you mean 'S001' (Ann Lee)?"
    )
