"""The health-check renderers: the workbook reopened with openpyxl, JSON keys, Markdown,
HTML and the console summary. Figures are those of tests/test_healthcheck.py."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta

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
SHEETS = [
    "Health check",
    "Workforce",
    "DfE workforce",
    "DfE rates",
    "Supervision",
    "Annual minimum",
    "Cases",
    "Caseload, Coverage",
    "Monthly",
    "Monthly by team",
    "Charts",
]


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


def _figure_columns(ws) -> dict[str, int]:
    """Figure label -> its year's column on a figure sheet (the change is the next one)."""
    return {ws.cell(row=2, column=c).value: c for c in range(2, ws.max_column + 1, 2)}


def _rows(ws) -> dict[str, int]:
    return {
        ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value
    }


# ---------------------------------------------------------------- workbook


def test_workbook_sheets_and_frozen_headers(workbook):
    assert workbook.sheetnames == SHEETS
    for name in SHEETS[1:8]:
        assert workbook[name].freeze_panes == "B4"
    assert workbook["Monthly"].freeze_panes == "B2"
    assert workbook["Monthly by team"].freeze_panes == "B2"


@pytest.mark.parametrize("name", SHEETS)
def test_every_sheet_prints_landscape_fitted_to_the_width_with_its_headings(workbook, name):
    ws = workbook[name]
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddHeader.left.text == "Supervision health check 2025-26"
    assert ws.oddHeader.center.text == name
    assert ws.oddHeader.right.text == "Financial year: 1 April 2025 to 31 March 2026"
    assert ws.oddFooter.right.text == "Page &P of &N"
    if name in SHEETS[1:8]:
        assert ws.print_title_rows == "$2:$3"  # the figure labels and year/change, on every page
    elif name.startswith("Monthly"):
        assert ws.print_title_rows == "$1:$1"


def test_figure_sheets_are_a_few_columns_wide():
    # At most 9 figures with data a sheet, two columns each, and the unit column: 19.
    from supcheck.reporters.health_excel import SHEET_FIGURES

    assert SHEET_FIGURES == 9


def test_workbook_front_sheet(workbook):
    ws = workbook["Health check"]
    assert ws["A1"].value == "Supervision health check 2025-26"
    facts = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(4, 11)}
    assert facts["Employer policy"] == "Health check fixture: Assessment team policy (healthcheck-fixture)"
    assert facts["Year"] == "2025-26: 1 April 2025 to 31 March 2026 (financial year)"
    assert facts["As of"] == "15 May 2026"
    assert facts["DfE indicators from"] == "the staff table, staff.csv"
    rows = {row[0].value: row for row in ws.iter_rows(min_row=11) if row[0].value}
    assert [c.value for c in rows["Figure"][:4]] == ["Figure", "2025-26", "2024-25", "Change"]
    assert ws.print_title_rows == f"${rows['Figure'][0].row}:${rows['Figure'][0].row}"
    compliance = rows["Compliance"]
    assert compliance[1].value == pytest.approx(0.92)
    assert compliance[1].number_format == "0.0%"
    assert compliance[2].value == pytest.approx(49 / 52)
    assert compliance[3].value == pytest.approx((0.92 - 49 / 52) * 100)
    assert compliance[3].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'
    assert compliance[4].value == "Windows met / (windows assessed - windows excused)."
    assert rows["Headcount at end"][1].value == 4
    assert rows["FTE at end"][1].number_format == "0.00"
    assert rows["DfE: average caseload"][1].value == pytest.approx(4 / 2.8)
    # No case data in 2024-25: a dash, never 0, and the reason once, under the table.
    case = rows["Case discussion compliance"]
    assert case[1].value == pytest.approx(18 / 21)
    assert (case[2].value, case[3].value) == ("\u2013", "\u2013")
    reasons = [v for v in rows if isinstance(v, str) and v.startswith("2024-25: ")]
    assert (
        "2024-25: DfE: cases held, DfE: FTE of case holders, DfE: average caseload and 10 more figures: no "
        "data, because allocations.csv begins on 1 April 2025, so it does not cover 1 April 2024 to 31 March "
        "2025." in reasons
    )
    assert rows["Breaches"][1].value == 15
    assert "SWRB" in ws["A2"].value


def test_workbook_figure_sheets(workbook):
    ws = workbook["Supervision"]
    assert ws["A2"].value == "Unit"
    columns = _figure_columns(ws)
    assert list(columns) == [f.label for f in FIGURES if f.section in ("Supervision frequency", "Sessions")]
    assert [ws.cell(row=3, column=c).value for c in (2, 3)] == ["2025-26", "Change"]
    assert "B2:C2" in {str(r) for r in ws.merged_cells.ranges}
    rows = _rows(ws)
    assert [name for name in rows if name not in ("Unit",)][1:] == [
        "Whole service", "Teams", "Assessment", "Role groups", "Team managers", "Social workers", "NQSWs",
        "NQSWs (ASYE)", "Other staff", "\u2013: no data for that unit (nothing to count, or no value in one of "
        "the two years). Definitions: the Health check sheet.",
    ]  # fmt: skip
    cell = ws.cell(row=rows["Assessment"], column=columns["Compliance"])
    assert (cell.value, cell.number_format) == (pytest.approx(0.92), "0.0%")
    change = ws.cell(row=rows["Assessment"], column=columns["Compliance"] + 1)
    assert change.value == pytest.approx((0.92 - 49 / 52) * 100)
    assert ws.cell(row=rows["NQSWs (ASYE)"], column=columns["Windows assessed"]).value == 12
    # DfE rates: no vacancies given, so no vacancy columns, and the reason once below.
    rates = workbook["DfE rates"]
    assert "DfE: vacancy rate" not in _figure_columns(rates)
    assert (
        "2025-26: DfE: vacancies (FTE) and DfE: vacancy rate: no data, because no vacancies were given for "
        "31 March 2026 (--vacancies, or a census return)."
    ) in _rows(rates)
    team_managers = _rows(rates)["Team managers"]
    assert (
        rates.cell(row=team_managers, column=_figure_columns(rates)["DfE: average caseload"]).value
        == "\u2013"
    )


def test_a_group_without_any_data_has_no_sheet(tmp_path):
    staff = [person("S1", team="North", fte=1.0, agency=False)]
    sessions = [session(D(2025, m, 10), "S1") for m in range(4, 13)]
    data, findings = check_integrity(dataset(staff, sessions), AS_OF)
    health = run_health_check(data, load_pack("national"), FY2025, AS_OF, load_findings=findings)
    path = tmp_path / "national.xlsx"
    write_health(health, "xlsx", path)
    names = openpyxl.load_workbook(path).sheetnames
    assert "Annual minimum" not in names and "Cases" not in names  # the national pack has neither rule


def test_workbook_monthly_sheets(workbook):
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
    assert [ws.cell(row=r, column=1).value for r in (2, 13)] == ["Apr 2025", "Mar 2026"]
    july = [c.value for c in ws[5]][:8]
    assert july[:5] == ["Jul 2025", 5, 3, 1, 1]
    assert july[5] == pytest.approx(0.75)
    assert ws.cell(row=5, column=6).number_format == "0.0%"
    teams = workbook["Monthly by team"]
    assert [c.value for c in teams[1]][:3] == ["Team", "Apr 2025", "May 2025"]
    assert [c.value for c in teams[1]][13:15] == ["Year 2025-26", "Change"]
    assert teams["A2"].value == "Assessment"
    assert teams.cell(row=2, column=5).value == pytest.approx(0.75)  # July


def test_workbook_charts(workbook, workbook_path):
    charts = workbook["Charts"]._charts
    assert [type(c).__name__ for c in charts] == ["LineChart", "BarChart"]
    line, bars = charts
    # The axis starts near the lowest value plotted (75 % in July 2025): 70 %, not 0.
    assert (line.y_axis.scaling.min, line.y_axis.scaling.max) == (0.7, 1)
    assert all(s.smooth is False for s in line.series)
    assert bars.series[0].dLbls.showVal is True
    assert bars.height <= 14 and line.height <= 14  # one landscape page each
    with zipfile.ZipFile(workbook_path) as archive:
        xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(xml) == 2
    # The charts read hidden helper columns, so they must plot hidden cells.
    assert all('plotVisOnly val="0"' in chart for chart in xml)


@pytest.mark.parametrize(
    ("values", "floor"),
    [
        ([0.75, 1.0], 0.7),  # 5 points below 75 %, rounded down to 5 %
        ([0.92, 0.943], 0.85),
        ([0.9], 0.85),
        ([1.0, 1.0], 0.9),  # all 100 %: 90 %
        ([0.02, None], 0.0),
        ([None], 0.0),
    ],
)
def test_axis_floor(values, floor):
    from supcheck.reporters.health_excel import axis_floor

    assert axis_floor(values) == pytest.approx(floor)


def test_the_team_chart_shows_at_most_20_teams_the_lowest(tmp_path):
    staff = [person(f"S{n:02d}", team=f"Team {n:02d}") for n in range(1, 26)]
    # Team n misses n - 1 of its 12 months (Team 01 none, Team 25 all but one).
    sessions = [
        session(D(2025, 4, 10) + relativedelta(months=m), f"S{n:02d}")
        for n in range(1, 26)
        for m in range(12)
        if m >= min(n - 1, 11)
    ]
    data, findings = check_integrity(dataset(staff, sessions), AS_OF)
    health = run_health_check(data, load_pack("national"), FY2025, AS_OF, load_findings=findings)
    path = tmp_path / "teams.xlsx"
    write_health(health, "xlsx", path)
    ws = openpyxl.load_workbook(path)["Charts"]
    bars = ws._charts[1]
    assert "the 20 with the lowest compliance" in bars.title.tx.rich.p[0].r[0].t
    names = [
        c.value for c in next(ws.iter_cols(min_col=30, max_col=30)) if c.value and c.value.startswith("Team ")
    ]
    assert len(names) == 20
    # The 20 lowest are Teams 06-25; Teams 12-25 all met 1 of 12 months, so the lowest is the
    # first of them by name, drawn at the top (a bar chart draws its last category there).
    assert sorted(names) == [f"Team {n:02d}" for n in range(6, 26)]
    assert names[-1] == "Team 12" and names[0] == "Team 06"


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
    ws = openpyxl.load_workbook(path)["Workforce"]
    names = [ws.cell(row=r, column=1).value for r in (6, 7)]
    assert sorted(names) == sorted(["'-2+3", '\'=HYPERLINK("http://x")'])
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in (6, 7))


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
