"""The health-check renderers: the workbook reopened with openpyxl, JSON keys, Markdown,
HTML and the console summary. Figures are those of tests/test_healthcheck.py."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from helpers import dataset, person, session
from supcheck.healthcheck import FIGURE_KEYS, FIGURES, HealthYear, health_check_from_options, run_health_check
from supcheck.integrity import check_integrity
from supcheck.packs import load_pack
from supcheck.pipeline import RunOptions
from supcheck.reporters.health_base import (
    format_change,
    format_value,
    get_health_reporter,
    health_format,
    write_health,
)
from supcheck.reporters.health_console import bar
from supcheck.reporters.health_json import health_object

D = date
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "healthcheck"
FY2025 = HealthYear(2025)
AS_OF = D(2026, 5, 15)
SHEETS = ["Health check", "Service", "Teams", "Role groups", "NQSWs", "Monthly"]


@pytest.fixture(scope="module")
def health():
    options = RunOptions(data=FIXTURE, period=FY2025.period, as_of=AS_OF, policy=str(FIXTURE / "pack.toml"))
    return health_check_from_options(options, FY2025)


@pytest.fixture(scope="module")
def workbook_path(health, tmp_path_factory):
    path = tmp_path_factory.mktemp("health") / "health.xlsx"
    write_health(health, "xlsx", path)
    return path


@pytest.fixture(scope="module")
def workbook(workbook_path):
    return openpyxl.load_workbook(workbook_path)


def _column(key: str) -> int:
    """The year's column of a figure on a breakdown sheet: after the unit column, three a figure."""
    return 2 + 3 * list(FIGURE_KEYS).index(key)


# ---------------------------------------------------------------- workbook


def test_workbook_sheets_and_frozen_headers(workbook):
    assert workbook.sheetnames == SHEETS
    for name in ("Service", "Teams", "Role groups", "NQSWs"):
        assert workbook[name].freeze_panes == "B3"
    assert workbook["Monthly"].freeze_panes == "B2"


def test_workbook_front_sheet(workbook):
    ws = workbook["Health check"]
    assert ws["A1"].value == "Supervision health check 2025-26"
    facts = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(4, 10)}
    assert facts["Employer policy"] == "Health check fixture: Assessment team policy (healthcheck-fixture)"
    assert facts["Year"] == "2025-26: 1 April 2025 to 31 March 2026 (financial year)"
    assert facts["As of"] == "15 May 2026"
    rows = {row[0].value: row for row in ws.iter_rows(min_row=11) if row[0].value}
    assert [c.value for c in rows["Figure"][:4]] == ["Figure", "2025-26", "2024-25", "Change"]
    compliance = rows["Compliance"]
    assert compliance[1].value == pytest.approx(0.92)
    assert compliance[1].number_format == "0.0%"
    assert compliance[2].value == pytest.approx(49 / 52)
    assert compliance[3].value == pytest.approx((0.92 - 49 / 52) * 100)
    assert compliance[3].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'
    assert rows["Headcount at end"][1].value == 4
    assert rows["FTE at end"][1].number_format == "0.00"
    # No case data in 2024-25: the text "no data", never 0.
    case = rows["Case discussion compliance"]
    assert case[1].value == pytest.approx(18 / 21)
    assert (case[2].value, case[3].value) == ("no data", "no data")
    assert rows["Breaches"][1].value == 15
    assert "SWRB" in ws["A2"].value


def test_workbook_breakdown_sheets(workbook):
    ws = workbook["Teams"]
    assert ws["A1"].value == "Team"
    assert ws.cell(row=1, column=2).value == "Headcount at start"
    assert [ws.cell(row=2, column=c).value for c in (2, 3, 4)] == ["2025-26", "2024-25", "Change"]
    labels = [ws.cell(row=1, column=2 + 3 * i).value for i in range(len(FIGURES))]
    assert labels == [f.label for f in FIGURES]
    assert "B1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "Assessment"
    cell = ws.cell(row=3, column=_column("compliance"))
    assert (cell.value, cell.number_format) == (pytest.approx(0.92), "0.0%")
    groups = workbook["Role groups"]
    assert [groups.cell(row=r, column=1).value for r in (3, 4)] == ["Team managers", "Social workers"]
    nqsws = workbook["NQSWs"]
    assert nqsws["A3"].value == "NQSWs (ASYE)"
    assert nqsws.cell(row=3, column=_column("windows_assessed")).value == 12


def test_workbook_monthly_sheet(workbook):
    ws = workbook["Monthly"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == [
        "Month",
        "Windows assessed",
        "Met",
        "Missed",
        "Excused",
        "Compliance 2025-26",
        "Compliance 2024-25 (same month)",
        "Change",
    ]
    assert headers[8] == "Assessment: compliance"
    assert [ws.cell(row=r, column=1).value for r in (2, 13)] == ["Apr 2025", "Mar 2026"]
    july = [c.value for c in ws[5]][:8]
    assert july[:5] == ["Jul 2025", 5, 3, 1, 1]
    assert july[5] == pytest.approx(0.75)
    assert ws.cell(row=5, column=6).number_format == "0.0%"


def test_workbook_charts(workbook, workbook_path):
    line = workbook["Monthly"]._charts
    bars = workbook["Teams"]._charts
    assert [type(c).__name__ for c in line] == ["LineChart"]
    assert [type(c).__name__ for c in bars] == ["BarChart"]
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    # The charts read hidden helper columns, so they must plot hidden cells.
    assert all('plotVisOnly val="0"' in xml for xml in charts)


def test_workbook_has_no_formula_cells(workbook):
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_workbook_text_from_the_data_is_formula_safe(tmp_path):
    staff = [person("S1", team='=HYPERLINK("http://x")'), person("M1", role="Team Manager", team="-2+3")]
    sessions = [session(D(2025, m, 10), "S1") for m in range(4, 13)]
    data, findings = check_integrity(dataset(staff, sessions), AS_OF)
    health = run_health_check(data, load_pack("national"), FY2025, AS_OF, load_findings=findings)
    path = tmp_path / "unsafe.xlsx"
    write_health(health, "xlsx", path)
    ws = openpyxl.load_workbook(path)["Teams"]
    names = [ws.cell(row=r, column=1).value for r in (3, 4)]
    assert sorted(names) == sorted(["'-2+3", '\'=HYPERLINK("http://x")'])
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in (3, 4))


# ---------------------------------------------------------------- JSON

TOP_KEYS = [
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


def test_json_keys_and_values(health):
    text = get_health_reporter("json").render(health)
    obj = json.loads(text)
    assert list(obj) == TOP_KEYS
    assert obj["report"] == "healthcheck"
    assert obj["year"] == {"label": "2025-26", "basis": "financial", "from": "2025-04-01", "to": "2026-03-31"}
    assert obj["previous_year"]["has_data"] is True
    assert [f["key"] for f in obj["figures"]] == list(FIGURE_KEYS)
    assert set(obj["figures"][0]) == {"key", "label", "unit", "section", "definition"}
    assert list(obj["breakdowns"]) == ["service", "teams", "role_groups", "nqsws"]
    service = obj["breakdowns"]["service"]["units"][0]
    assert set(service) == {"id", "name", "figures", "monthly"}
    assert set(service["figures"]) == set(FIGURE_KEYS)
    assert service["figures"]["compliance"] == {"value": 0.92, "previous": 0.9423, "change": -2.23}
    assert service["figures"]["case_deadlines_judged"] == {"value": 21, "previous": None, "change": None}
    assert service["figures"]["caseload_mean"]["value"] == 1.33
    assert len(service["monthly"]) == 12
    assert service["monthly"][3] == {
        "month": "2025-07",
        "windows_assessed": 5,
        "windows_met": 3,
        "windows_missed": 1,
        "windows_excused": 1,
        "compliance": 0.75,
        "previous_compliance": 1.0,
        "change": -25.0,
    }
    assert obj["summary"]["windows_assessed"] == 52
    assert health_object(health) == obj


# ---------------------------------------------------------------- Markdown, HTML, console


def test_markdown(health):
    text = get_health_reporter("md").render(health)
    assert text.startswith("# Supervision health check 2025-26\n")
    assert "| Compliance | 92.0% | 94.2% | -2.2 pp |" in text
    assert "| Case discussion compliance | 85.7% | no data | no data |" in text
    assert "| **Workforce** |" in text
    assert "## Teams" in text and "## Role groups" in text and "## NQSWs" in text
    assert "| Jul 2025 | 5 | 3 | 1 | 1 | 75.0% | 100.0% | -25.0 pp |" in text
    assert "92.0% (was 94.2%, -2.2 pp)" in text
    assert "## Definitions" in text


def test_html_is_self_contained_and_escaped(tmp_path):
    staff = [person("S1", team="<script>alert(1)</script> | North"), person("M1", role="Team Manager")]
    sessions = [session(D(2025, m, 10), "S1") for m in range(4, 13)]
    data, findings = check_integrity(dataset(staff, sessions), AS_OF)
    health = run_health_check(data, load_pack("national"), FY2025, AS_OF, load_findings=findings)
    page = get_health_reporter("html").render(health)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<style" not in page and "<link" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | North" in page
    markdown = get_health_reporter("md").render(health)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| North" in markdown


def test_html_content(health):
    page = get_health_reporter("html").render(health)
    assert "<h1" in page and "Supervision health check 2025-26" in page
    assert ">92.0%<" in page and ">no data<" in page
    assert "width:75.0%" in page  # July's bar


def test_console_summary_fits_80_columns(health):
    text = get_health_reporter("console").render(health)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "Supervision health check 2025-26"
    assert any(line.startswith("  Compliance") and "92.0%" in line and "-2.2 pp" in line for line in lines)
    assert any(line.startswith("Jul 2025") and "75.0%" in line for line in lines)
    assert any("Case discussion compliance" in line and "no data" in line for line in lines)
    assert lines[-2].startswith("As `check` reports 2025-26: 52 windows assessed, 46 met")


def test_bar_draws_eighths():
    assert bar(1.0, 4) == "████"
    assert bar(0.5, 4) == "██  "
    assert bar(0.0625, 4) == "▎   "  # 2 eighths
    assert bar(None, 4) == "    "


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("compliance", 0.92, "92.0%"),
        ("compliance", None, "no data"),
        ("compliance", 0.0, "0.0%"),
        ("headcount_end", 4, "4"),
        ("fte_end", 3.8, "3.80"),
        ("median_gap_days", 30.5, "30.5"),
        ("caseload_mean", 4 / 3, "1.3"),
        ("caseload_max", 2, "2"),
    ],
)
def test_format_value(key, value, text):
    assert format_value(key, value) == text


@pytest.mark.parametrize(
    ("key", "change", "text"),
    [
        ("compliance", -2.2307, "-2.2 pp"),
        ("compliance", 0.01, "0.0 pp"),
        ("compliance", None, "no data"),
        ("breaches", 5, "+5"),
        ("breaches", 0, "0"),
        ("fte_end", 0.3, "+0.30"),
        ("median_gap_days", -1.5, "-1.5"),
    ],
)
def test_format_change(key, change, text):
    assert format_change(key, change) == text


def test_health_format_from_option_or_suffix():
    assert health_format(None, None) == "console"
    assert health_format(None, Path("health.xlsx")) == "xlsx"
    assert health_format("md", Path("health.xlsx")) == "md"
    with pytest.raises(ValueError, match="not one of"):
        health_format("csv", None)
    with pytest.raises(ValueError, match="cannot tell"):
        health_format(None, Path("health.pdf"))


def test_workbook_cannot_go_to_standard_output(health):
    with pytest.raises(ValueError, match="binary"):
        write_health(health, "xlsx", None)
