"""`supcheck healthcheck` end to end through typer's CliRunner, and its agreement with
`supcheck check` over the same year and as-of date."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from supcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
FIXTURE = ROOT / "tests" / "fixtures" / "healthcheck"
FIXTURE_PACK = str(FIXTURE / "pack.toml")

runner = CliRunner()


def healthcheck(*args: str):
    return runner.invoke(app, ["healthcheck", *args])


def check_summary(data: Path, start: str, end: str, as_of: str, *policy: str) -> dict:
    result = runner.invoke(
        app, ["check", str(data), *policy, "--from", start, "--to", end, "--as-of", as_of, "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["summary"]


@pytest.fixture(scope="module")
def sample_json():
    result = healthcheck(str(SAMPLE), "--year", "2025", "--as-of", "2026-11-20", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sample_data_workbook(tmp_path):
    out = tmp_path / "health.xlsx"
    result = healthcheck(str(SAMPLE), "--year", "2025", "--as-of", "2026-11-20", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    workbook = openpyxl.load_workbook(out)
    # The national pack has no annual-minimum or case rules: those figures have no sheet.
    assert workbook.sheetnames == [
        "Health check", "Workforce", "DfE workforce", "DfE rates", "Supervision", "Caseload, Coverage",
        "Monthly", "Monthly by team", "Charts",
    ]  # fmt: skip
    assert workbook["Health check"]["A1"].value == "Supervision health check 2025-26"
    teams = [workbook["Monthly by team"].cell(row=r, column=1).value for r in range(2, 6)]
    assert teams == ["Assessment North", "Child Protection South", "Early Help", "Service Management"]
    assert [type(c).__name__ for c in workbook["Charts"]._charts] == ["LineChart", "BarChart"]


def test_sample_data_json_has_the_documented_keys(sample_json):
    assert list(sample_json) == [
        "report",
        "supcheck_version",
        "policy",
        "policy_title",
        "year",
        "previous_year",
        "as_of",
        "judged_on",
        "dfe_source",
        "previous_dfe_source",
        "figures",
        "summary",
        "previous_summary",
        "breakdowns",
        "not_assessed",
        "previous_not_assessed",
        "notes",
    ]
    assert sample_json["year"]["label"] == "2025-26"
    assert sample_json["previous_year"]["has_data"] is True
    assert list(sample_json["breakdowns"]) == ["service", "teams", "role_groups", "nqsws"]
    unit = sample_json["breakdowns"]["teams"]["units"][0]
    assert set(unit) == {"id", "name", "figures", "monthly"}
    assert set(unit["figures"]["compliance"]) == {"value", "previous", "change"}


def _service_counts(health: dict, which: str = "value") -> dict:
    figures = health["breakdowns"]["service"]["units"][0]["figures"]
    return {
        "windows_assessed": figures["windows_assessed"][which],
        "windows_met": figures["windows_met"][which],
        "windows_missed": figures["windows_missed"][which],
        "windows_excused": figures["windows_excused"][which],
        "breaches": figures["breaches"][which],
    }


def test_sample_data_agrees_with_check(sample_json):
    summary = check_summary(SAMPLE, "2025-04-01", "2026-03-31", "2026-11-20")
    assert sample_json["summary"] == summary
    assert _service_counts(sample_json) == {k: summary[k] for k in _service_counts(sample_json)}
    previous = check_summary(SAMPLE, "2024-04-01", "2025-03-31", "2026-11-20")
    assert sample_json["previous_summary"] == previous
    assert _service_counts(sample_json, "previous") == {k: previous[k] for k in _service_counts(sample_json)}


def test_fixture_agrees_with_check_in_both_years():
    # The fixture has missed and excused windows and breaches of every kind.
    result = healthcheck(
        str(FIXTURE), "--policy", FIXTURE_PACK, "--year", "2025", "--as-of", "2026-05-15", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    for which, (start, end) in (
        ("value", ("2025-04-01", "2026-03-31")),
        ("previous", ("2024-04-01", "2025-03-31")),
    ):
        summary = check_summary(FIXTURE, start, end, "2026-05-15", "--policy", FIXTURE_PACK)
        counts = _service_counts(health, which)
        assert counts == {k: summary[k] for k in counts}
    assert _service_counts(health) == {
        "windows_assessed": 52,
        "windows_met": 46,
        "windows_missed": 4,
        "windows_excused": 2,
        "breaches": 15,
    }


def test_calendar_year_and_console(tmp_path):
    result = healthcheck(str(FIXTURE), "--policy", FIXTURE_PACK, "--year", "2025", "--calendar-year",
                         "--as-of", "2026-05-15")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Supervision health check 2025"
    assert "2025: 1 January 2025 to 31 December 2025 (calendar year)" in result.stdout
    assert max(len(line) for line in lines) <= 80


def test_census_year_from_the_command_line():
    result = healthcheck(str(FIXTURE), "--policy", FIXTURE_PACK, "--year", "2025", "--year-type", "census",
                         "--as-of", "2026-05-15", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    year = json.loads(result.stdout)["year"]
    assert year == {"label": "2025", "basis": "census", "from": "2024-10-01", "to": "2025-09-30"}
    assert json.loads(result.stdout)["judged_on"] == "2025-09-30"


def test_vacancies_give_the_dfe_vacancy_rate():
    args = ["--policy", FIXTURE_PACK, "--year", "2025", "--as-of", "2026-05-15", "--format", "json"]
    result = healthcheck(str(FIXTURE), *args, "--vacancies", "0.7")
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    figures = health["breakdowns"]["service"]["units"][0]["figures"]
    assert figures["dfe_vacancies_fte"]["value"] == 0.7
    assert figures["dfe_vacancy_rate"]["value"] == 0.2  # 0.7 / (0.7 + 2.8 FTE in post)
    assert figures["dfe_vacancy_rate"]["previous"] is None  # --vacancies is for 31 March 2026 only
    assert health["dfe_source"] == "the staff table, staff.csv"
    team = health["breakdowns"]["teams"]["units"][0]["figures"]
    assert team["dfe_vacancy_rate"]["value"] is None  # the authority's vacancies, not a team's
    assert "2024-25: the DfE vacancies (FTE) and vacancy rate say no data: no vacancies were given for " \
        "31 March 2025 (--vacancies, or a census return)." in health["notes"]  # fmt: skip
    without = json.loads(healthcheck(str(FIXTURE), *args).stdout)
    assert without["breakdowns"]["service"]["units"][0]["figures"]["dfe_vacancy_rate"]["value"] is None
    assert any(
        n.startswith("2025-26: the DfE vacancies (FTE) and vacancy rate say no data")
        for n in without["notes"]
    )


def test_markdown_and_html_from_the_suffix(tmp_path):
    for name, start in (
        ("health.md", "# Supervision health check 2025-26"),
        ("health.html", "<!DOCTYPE html>"),
    ):
        out = tmp_path / name
        result = healthcheck(str(FIXTURE), "--policy", FIXTURE_PACK, "--year", "2025", "--as-of", "2026-05-15",
                             "-o", str(out))  # fmt: skip
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith(start)


def test_default_year_is_the_last_one_ended():
    result = healthcheck(str(FIXTURE), "--policy", FIXTURE_PACK, "--as-of", "2026-05-15", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"]["label"] == "2025-26"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2027", "--as-of", "2026-11-20"], "after the as-of date"),
        (["--year", "2025", "--format", "csv"], "--format 'csv' is not one of"),
        (["--year", "2025", "--as-of", "2026-11-20", "--format", "xlsx"], "needs --output"),
        (["--year", "2025", "--as-of", "not a date"], "--as-of 'not a date' is not a date"),
        (["--year", "1066"], "greater than or equal to 1900"),
        (["--year", "2025", "--year-type", "academic"], "--year-type 'academic' is not one of"),
        (["--year", "2025", "--vacancies", "-1"], "greater than or equal to 0"),
        (["--year", "2025", "--year-type", "census", "--calendar-year"], "disagree"),
        (
            ["--year", "2026", "--year-type", "census", "--as-of", "2025-09-30"],
            "census year starts on 2025-10-01",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    result = healthcheck(str(FIXTURE), "--policy", FIXTURE_PACK, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_data_exits_2(tmp_path):
    result = healthcheck(str(tmp_path / "nowhere"), "--year", "2025", "--as-of", "2026-11-20")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
