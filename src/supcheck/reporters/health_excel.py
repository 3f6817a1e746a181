"""The health check as a workbook a QA lead can publish and print as it is.

Sheets, each set up to print: A4 landscape, fitted to the page width, its column headings
repeated on every printed page, the title and the year in the page header and the page
number in the footer.

- *Health check*: title, the facts of the run (policy, year, the year compared with,
  as-of date, where the DfE figures come from), then every figure for the whole service
  under section headings: the year, the previous year, the change and the definition;
  the rules not assessed; the notes.
- One sheet per group of figures (*Workforce*, *DfE workforce*, *DfE rates*,
  *Supervision*, *Annual minimum*, *Cases*, *Caseload*, *Coverage*): a row per unit (the
  whole service, then each team, role group and the NQSWs, under headings), and for
  each figure two columns, the year and the change from the previous year. A few
  columns a sheet, however many teams there are: the rows run on to further pages.
- *Monthly*: the whole service's frequency windows by month, with the same month of the
  previous year; *Monthly by team*: each team's compliance by month (a row a team).
- *Charts*: compliance by month (a line for each year) and by team (bars for the 20
  teams with the lowest compliance, the year beside the previous one), each one page.
  The value axis starts near the lowest value plotted rather than at 0, so that a dip
  of two or three points shows, and the bars carry their values.

"No data" is said once, with the reason: a figure with no data for every unit of a
sheet has no column there and is listed under the table with why (the pack has no such
rule, an export does not cover the year, ...); a single unit's empty cell shows a dash
("no data" for that unit, the legend says). Numbers are numbers with number formats:
rates `0.0%` (stored as fractions), changes of rates in percentage points (`+2.5 pp`),
counts `0`, FTE `0.00`. Text cells pass `excel_text` and are stored as strings, so no
cell is a formula. Charts read hidden helper columns where no data is an empty cell (a
text cell would be drawn as 0) and are set to plot hidden cells.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..healthcheck import (
    ANNUAL,
    CASE_DISCUSSION,
    CASE_RECORDING,
    CASELOAD,
    COVERAGE,
    FIGURES_BY_KEY,
    FREQUENCY,
    SECTIONS,
    SESSIONS,
    WORKFORCE,
    Figure,
    HealthCheck,
    UnitFigures,
    figures_in,
)
from .health_base import NO_DATA, HealthReporter, header_facts, month_label, no_data_lines
from .printing import set_up_printing
from .safety import excel_text

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SECTION = Font(bold=True, size=12)
MUTED = Font(italic=True, color="777777")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
SERVICE_FILL = PatternFill("solid", fgColor="FFF4D6")
THIN = Side(style="thin", color="BBBBBB")
BOTTOM = Border(bottom=THIN)

DASH = "\u2013"
"""A unit's cell with no data (the legend says so; a whole column with none is listed
under the table with the reason instead)."""

VALUE_FORMATS = {
    "rate": "0.0%",
    "count": "0",
    "fte": "0.00",
    "days": "0.0",
    "cases": "0.0",
}
CHANGE_FORMATS = {
    "rate": '+0.0" pp";-0.0" pp";0.0" pp"',
    "count": "+0;-0;0",
    "fte": "+0.00;-0.00;0.00",
    "days": "+0.0;-0.0;0.0",
    "cases": "+0.0;-0.0;0.0",
}
RIGHT = Alignment(horizontal="right", vertical="top")
NAME = Alignment(wrap_text=True, vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")

#: The figure sheets: a title and the figures it shows, each a few columns wide.
FIGURE_SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Workforce", tuple(f.key for f in figures_in(WORKFORCE))),
    (
        "DfE workforce",
        ("dfe_headcount", "dfe_fte", "dfe_agency_headcount", "dfe_agency_fte", "dfe_starters",
         "dfe_starters_fte", "dfe_leavers", "dfe_leavers_fte"),
    ),
    (
        "DfE rates",
        ("dfe_turnover_rate", "dfe_agency_rate", "dfe_vacancies_fte", "dfe_vacancy_rate", "dfe_cases",
         "dfe_case_holder_fte", "dfe_caseload", "dfe_days_lost", "dfe_absence_rate"),
    ),
    ("Supervision", tuple(f.key for section in (FREQUENCY, SESSIONS) for f in figures_in(section))),
    ("Annual minimum", tuple(f.key for f in figures_in(ANNUAL))),
    ("Cases", tuple(f.key for section in (CASE_DISCUSSION, CASE_RECORDING) for f in figures_in(section))),
    ("Caseload", tuple(f.key for f in figures_in(CASELOAD))),
    ("Coverage", tuple(f.key for f in figures_in(COVERAGE))),
)  # fmt: skip

SHEET_FIGURES = 9
"""Figure groups share a sheet while their figures with data number at most this: 19
columns, which print legibly on a landscape page."""

BAR_LIMIT = 20
"""At most this many bars (teams) in the compliance chart: the lowest."""

CHART_WIDTH_CM = 24.0
CHART_HEIGHT_CM = 13.5
"""A landscape A4 page holds a chart of this size with the page header and margins."""

ROW_HEIGHT_POINTS = 15.0
CHART_ROWS = math.ceil(CHART_HEIGHT_CM / 2.54 * 72 / ROW_HEIGHT_POINTS) + 2


# ---------------------------------------------------------------- cells


def _text(ws: Worksheet, row: int, column: int, value: Any, font: Font | None = None) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = excel_text(value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font


def _number(ws: Worksheet, row: int, column: int, value: Any, number_format: str, empty: str = DASH) -> None:
    """A figure: a number with its format, or `empty` (a dash: no data for this unit)."""
    cell = ws.cell(row=row, column=column)
    cell.alignment = RIGHT
    if value is None:
        cell.value = empty
        cell.data_type = "s"
        cell.font = MUTED
        return
    cell.value = value
    cell.number_format = number_format


def _figure(ws: Worksheet, row: int, column: int, key: str, value: Any, *, change: bool = False) -> None:
    unit = FIGURES_BY_KEY[key].unit
    _number(ws, row, column, value, (CHANGE_FORMATS if change else VALUE_FORMATS)[unit])


def _header(ws: Worksheet, row: int, column: int, value: str) -> None:
    _text(ws, row, column, value, BOLD)
    cell = ws.cell(row=row, column=column)
    cell.fill = HEADER_FILL
    cell.alignment = HEADER


def _name(ws: Worksheet, row: int, name: str) -> None:
    """A unit's name in column A, wrapped onto as many lines as the column needs (a
    spreadsheet does not grow a row for wrapped text by itself when printing)."""
    _text(ws, row, 1, name)
    ws.cell(row=row, column=1).alignment = NAME
    width = (ws.column_dimensions["A"].width or 10) - 2
    lines = math.ceil(len(name) * 1.05 / max(width, 8))
    if lines > 1:
        ws.row_dimensions[row].height = ROW_HEIGHT_POINTS * lines


def _paragraph(ws: Worksheet, row: int, text: str, last_column: int, font: Font | None = None) -> None:
    """A sentence across the table's width, wrapped (a note, a legend, a reason)."""
    _text(ws, row, 1, text, font)
    ws.cell(row=row, column=1).alignment = WRAP
    if last_column > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    width = sum((ws.column_dimensions[get_column_letter(c)].width or 10) for c in range(1, last_column + 1))
    lines = max(1, math.ceil(len(text) * 1.1 / max(width, 20)))
    ws.row_dimensions[row].height = ROW_HEIGHT_POINTS * lines


def _print_setup(ws: Worksheet, health: HealthCheck, title_rows: str | None) -> None:
    """A4 landscape, fitted to the page width, headings repeated, title and year on top."""
    year = health.year
    set_up_printing(
        ws,
        orientation="landscape",
        title_rows=title_rows,
        title=health.title,
        period=f"{year.basis.capitalize()}: {_day(year.first)} to {_day(year.last)}",
        version=health.supcheck_version,
    )


def _day(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------- front sheet


def _front_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Health check"
    widths = {"A": 40, "B": 13, "C": 13, "D": 12, "E": 80}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    _text(ws, 1, 1, health.title, TITLE)
    _text(ws, 2, 1, "Supervision tables of the annual health check (SWRB employer standard 1)")
    row = 4
    for label, value in header_facts(health):
        _text(ws, row, 1, label, BOLD)
        _text(ws, row, 2, value)
        row += 1
    row += 1
    _paragraph(
        ws,
        row,
        f"{DASH}: no data (the reasons are listed below the table). Changes of rates are in "
        "percentage points. Figures labelled DfE follow the DfE's definitions for its children's "
        "social work workforce census.",
        5,
        MUTED,
    )
    row += 1
    header_row = row
    service = health.service
    previous_label = health.previous_year.label
    for column, label in enumerate(("Figure", health.year.label, previous_label, "Change", "Definition"), 1):
        _header(ws, row, column, label)
    row += 1
    for section in SECTIONS:
        _text(ws, row, 1, section, SECTION)
        for column in range(1, 6):
            ws.cell(row=row, column=column).fill = SECTION_FILL
        row += 1
        for figure in figures_in(section):
            _text(ws, row, 1, figure.label)
            ws.cell(row=row, column=1).alignment = WRAP
            _figure(ws, row, 2, figure.key, service.value(figure.key))
            _figure(ws, row, 3, figure.key, service.previous_value(figure.key))
            _figure(ws, row, 4, figure.key, service.changes[figure.key], change=True)
            _text(ws, row, 5, figure.definition)
            ws.cell(row=row, column=5).alignment = Alignment(wrap_text=True, vertical="top", indent=1)
            ws.row_dimensions[row].height = ROW_HEIGHT_POINTS * max(1, math.ceil(len(figure.definition) / 85))
            row += 1
    row += 1
    row = _reasons(ws, row, health, [f.key for f in _all_figures()], 5, both_years=True)
    for label, items in (
        (f"Not assessed in {health.year.label}", health.not_assessed),
        (f"Not assessed in {previous_label}", health.previous_not_assessed),
    ):
        if not items:
            continue
        _text(ws, row, 1, label, SECTION)
        row += 1
        for item in items:
            _paragraph(ws, row, f"{item.rule}: {item.reason}", 5)
            row += 1
        row += 1
    if health.notes:
        _text(ws, row, 1, "Notes", SECTION)
        row += 1
        for note in health.notes:
            _paragraph(ws, row, note, 5)
            row += 1
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    _print_setup(ws, health, f"{header_row}:{header_row}")


def _all_figures() -> list[Figure]:
    return [f for section in SECTIONS for f in figures_in(section)]


def _reasons(
    ws: Worksheet, row: int, health: HealthCheck, keys: Sequence[str], width: int, *, both_years: bool = False
) -> int:
    """Under a table: each reason for "no data" once, with the figures it applies to.
    Returns the row after the list."""
    lines = no_data_lines(health, keys, both_years=both_years)
    if not lines:
        return row
    _text(ws, row, 1, "No data, and why", SECTION)
    row += 1
    for line in lines:
        _paragraph(ws, row, line, width)
        row += 1
    return row + 1


# ---------------------------------------------------------------- figure sheets


def _units(health: HealthCheck) -> list[tuple[str, list[UnitFigures]]]:
    """(heading, units) blocks: the whole service, then each breakdown."""
    return [(b.title if b.id != "service" else "", b.units) for b in health.breakdowns]


def _has_data(health: HealthCheck, key: str) -> bool:
    return any(u.value(key) is not None for b in health.breakdowns for u in b.units)


def figure_sheets(health: HealthCheck) -> list[tuple[str, tuple[str, ...]]]:
    """The figure sheets of this health check: the groups of `FIGURE_SHEETS` with any data,
    consecutive ones sharing a sheet while their figures with data fit (`SHEET_FIGURES`).
    A group with no data at all has no sheet (the front sheet says why)."""
    sheets: list[tuple[list[str], list[str]]] = []
    for title, keys in FIGURE_SHEETS:
        shown = [k for k in keys if _has_data(health, k)]
        if not shown:
            continue
        if sheets and sum(_has_data(health, k) for k in sheets[-1][1]) + len(shown) <= SHEET_FIGURES:
            sheets[-1][0].append(title)
            sheets[-1][1].extend(keys)
        else:
            sheets.append(([title], list(keys)))
    return [(", ".join(titles)[:31], tuple(keys)) for titles, keys in sheets]


def _figure_sheet(ws: Worksheet, health: HealthCheck, title: str, keys: Sequence[str]) -> None:
    ws.title = title
    blocks = _units(health)
    everyone = [u for _, units in blocks for u in units]
    shown = [k for k in keys if _has_data(health, k)]
    width = 1 + 2 * len(shown)
    ws.column_dimensions["A"].width = min(max([len(u.name) for u in everyone] + [22]) + 2, 45)
    for column in range(2, width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 10
    _text(
        ws, 1, 1, f"{title}: {health.year.label}, with the change from {health.previous_year.label}", SECTION
    )
    _header(ws, 2, 1, "Unit")
    _header(ws, 3, 1, "")
    for i, key in enumerate(shown):
        column = 2 + 2 * i
        _header(ws, 2, column, FIGURES_BY_KEY[key].label)
        ws.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + 1)
        _header(ws, 3, column, health.year.label)
        _header(ws, 3, column + 1, "Change")
    ws.row_dimensions[2].height = 45
    row = 4
    for heading, units in blocks:
        if heading:
            _text(ws, row, 1, heading, BOLD)
            for column in range(1, width + 1):
                ws.cell(row=row, column=column).fill = SECTION_FILL
            row += 1
        for unit in units:
            _name(ws, row, unit.name)
            for i, key in enumerate(shown):
                _figure(ws, row, 2 + 2 * i, key, unit.value(key))
                _figure(ws, row, 3 + 2 * i, key, unit.changes[key], change=True)
            if not heading:
                for column in range(1, width + 1):
                    ws.cell(row=row, column=column).fill = SERVICE_FILL
            for column in range(1, width + 1):
                ws.cell(row=row, column=column).border = BOTTOM
            row += 1
        if not units:
            _text(ws, row, 1, NO_DATA, MUTED)
            row += 1
    row += 1
    legend_width = max(width, 6)
    if shown:
        _paragraph(
            ws,
            row,
            f"{DASH}: no data for that unit (nothing to count, or no value in one of the two years). "
            "Definitions: the Health check sheet.",
            legend_width,
            MUTED,
        )
        row += 2
    _reasons(ws, row, health, [k for k in keys if k not in shown], legend_width)
    ws.freeze_panes = "B4"
    _print_setup(ws, health, "2:3")


# ---------------------------------------------------------------- monthly sheets


def _monthly_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Monthly"
    rows = health.service.monthly
    headers = [
        "Month",
        "Windows assessed",
        "Met",
        "Missed",
        "Excused",
        f"Compliance {health.year.label}",
        f"Compliance {health.previous_year.label} (same month)",
        "Change",
    ]
    for column, label in enumerate(headers, start=1):
        _header(ws, 1, column, label)
    for r, row in enumerate(rows, start=2):
        now = row.current
        _text(ws, r, 1, month_label(now.month))
        for column, value in enumerate((now.assessed, now.met, now.missed, now.excused), start=2):
            _number(ws, r, column, value, VALUE_FORMATS["count"])
        _number(ws, r, 6, now.compliance, VALUE_FORMATS["rate"])
        _number(ws, r, 7, row.previous.compliance if row.previous else None, VALUE_FORMATS["rate"])
        _number(ws, r, 8, row.change, CHANGE_FORMATS["rate"])
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 45
    ws.column_dimensions["A"].width = 12
    for column in range(2, len(headers) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14
    _paragraph(
        ws,
        len(rows) + 3,
        f"The whole service's supervision windows by the month their last day falls in. {DASH}: no data "
        "(a month after the as-of date, or one the supervisions export does not cover).",
        len(headers),
        MUTED,
    )
    _print_setup(ws, health, "1:1")


def _team_monthly_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Monthly by team"
    teams = health.breakdown("teams").units
    months = [row.month for row in health.service.monthly]
    _header(ws, 1, 1, "Team")
    for i, month in enumerate(months):
        _header(ws, 1, 2 + i, month_label(month))
    _header(ws, 1, 2 + len(months), f"Year {health.year.label}")
    _header(ws, 1, 3 + len(months), "Change")
    ws.column_dimensions["A"].width = min(max([len(t.name) for t in teams] + [20]) + 2, 40)
    for r, team in enumerate(teams, start=2):
        _name(ws, r, team.name)
        for i, row in enumerate(team.monthly):
            _number(ws, r, 2 + i, row.current.compliance, VALUE_FORMATS["rate"])
        _figure(ws, r, 2 + len(months), "compliance", team.value("compliance"))
        _figure(ws, r, 3 + len(months), "compliance", team.changes["compliance"], change=True)
        for column in range(1, 4 + len(months)):
            ws.cell(row=r, column=column).border = BOTTOM
    for column in range(2, 4 + len(months)):
        ws.column_dimensions[get_column_letter(column)].width = 9
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2"
    _paragraph(
        ws,
        len(teams) + 3,
        f"Each team's supervision compliance (windows met / windows assessed less excused) by the month "
        f"a window's last day falls in. {DASH}: no data.",
        max(8, 3 + len(months)),
        MUTED,
    )
    _print_setup(ws, health, "1:1")


# ---------------------------------------------------------------- charts


def _helper_columns(
    ws: Worksheet,
    first_column: int,
    titles: list[str],
    columns: list[list[Any]],
    first_row: int,
    number_format: str = VALUE_FORMATS["rate"],
) -> None:
    """Hidden chart data: a title row, then values, with an empty cell for no data."""
    for offset, (title, values) in enumerate(zip(titles, columns, strict=True)):
        column = first_column + offset
        _text(ws, first_row - 1, column, title, BOLD)
        for row, value in enumerate(values, start=first_row):
            if value is None:
                continue
            if isinstance(value, str):
                _text(ws, row, column, value)
            else:
                ws.cell(row=row, column=column, value=value).number_format = number_format
        ws.column_dimensions[get_column_letter(column)].hidden = True


def axis_floor(values: Sequence[float | None]) -> float:
    """Where a compliance axis starts: 5 points below the lowest value, rounded down to
    a multiple of 5 %, so that the change shows (never below 0; 90 % when all are 100 %)."""
    known = [v for v in values if v is not None]
    if not known:
        return 0.0
    return max(0.0, min(0.9, round(math.floor((min(known) - 0.05) * 20 + 1e-9) / 20, 2)))


def _axis(chart: Any, title: str, low: float) -> None:
    chart.y_axis.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = low
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.05 if low >= 0.7 else 0.1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.visible_cells_only = False
    chart.width = CHART_WIDTH_CM
    chart.height = CHART_HEIGHT_CM


def _charts_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Charts"
    helper = 30  # (hidden helper columns, well right of the charts)
    year, previous = health.year.label, health.previous_year.label

    # Compliance by month, the year against the previous one.
    rows = health.service.monthly
    titles = [year]
    series: list[list[Any]] = [[row.current.compliance for row in rows]]
    if health.previous_has_data:
        titles.append(previous)
        series.append([row.previous.compliance if row.previous else None for row in rows])
    _helper_columns(ws, helper + 1, titles, series, first_row=2)
    _helper_columns(ws, helper, ["Month"], [[month_label(row.month) for row in rows]], first_row=2)
    line = LineChart()
    line.title = f"Supervision compliance by month, {year}" + (f" and {previous}" if len(titles) > 1 else "")
    line.x_axis.title = "Month (of the window's last day)"
    line.display_blanks = "gap"
    line.add_data(
        Reference(ws, min_col=helper + 1, max_col=helper + len(titles), min_row=1, max_row=1 + len(rows)),
        titles_from_data=True,
    )
    line.set_categories(Reference(ws, min_col=helper, min_row=2, max_row=1 + len(rows)))
    for s in line.series:
        s.smooth = False
    _axis(line, "Compliance", axis_floor([v for column in series for v in column]))
    ws.add_chart(line, "A1")

    # Compliance by team: the lowest teams, at most BAR_LIMIT.
    teams = [u for u in health.breakdown("teams").units if u.value("compliance") is not None]
    lowest = sorted(teams, key=lambda u: (u.value("compliance"), u.name.casefold()))[:BAR_LIMIT]
    if not lowest:
        return
    top = CHART_ROWS + 2
    ws.row_breaks.append(Break(id=top - 1))
    start = top + 1
    names = [u.name for u in reversed(lowest)]  # (a bar chart draws its first category at the bottom)
    titles = [year]
    series = [[u.value("compliance") for u in reversed(lowest)]]
    if health.previous_has_data:
        titles.append(previous)
        series.append([u.previous_value("compliance") for u in reversed(lowest)])
    _helper_columns(ws, helper, ["Team"], [names], first_row=start)
    _helper_columns(ws, helper + 1, titles, series, first_row=start)
    bars = BarChart()
    bars.type = "bar"
    some = f"the {len(lowest)} with the lowest compliance" if len(teams) > len(lowest) else "every team"
    bars.title = f"Supervision compliance by team, {year}: {some}"
    bars.x_axis.title = "Team"
    bars.add_data(
        Reference(
            ws,
            min_col=helper + 1,
            max_col=helper + len(titles),
            min_row=start - 1,
            max_row=start + len(names) - 1,
        ),
        titles_from_data=True,
    )
    bars.set_categories(Reference(ws, min_col=helper, min_row=start, max_row=start + len(names) - 1))
    labels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False)
    labels.showPercent = False
    labels.numFmt = "0.0%"
    bars.series[0].dLbls = labels  # (the year's bars only: two labels a team would collide)
    _axis(
        bars, "Compliance (windows met / assessed less excused)", axis_floor([v for c in series for v in c])
    )
    ws.add_chart(bars, f"A{top}")
    _print_setup(ws, health, None)


class HealthExcelReporter(HealthReporter):
    name = "xlsx"
    binary = True

    def render(self, health: HealthCheck) -> bytes:
        workbook = Workbook()
        _front_sheet(workbook.active, health)
        for title, keys in figure_sheets(health):
            _figure_sheet(workbook.create_sheet(), health, title, keys)
        _monthly_sheet(workbook.create_sheet(), health)
        _team_monthly_sheet(workbook.create_sheet(), health)
        _charts_sheet(workbook.create_sheet(), health)
        workbook.properties.creator = "supcheck"
        workbook.properties.title = health.title
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


__all__ = ["BAR_LIMIT", "FIGURE_SHEETS", "HealthExcelReporter", "axis_floor", "figure_sheets"]
