"""The health check as a workbook a QA lead can publish as it is.

Sheets:

- *Health check*: title, employer policy, year, previous year, as-of date, then the
  headline table: every figure for the whole service with the year, the previous year,
  the change and the definition, under section headings; then the rules not assessed
  and the notes.
- *Service*, *Teams*, *Role groups*, *NQSWs*: one row per unit. Each figure has three
  columns under its label (merged over them): the year, the previous year and the
  change. Two header rows, frozen with the unit column. *Teams* has a bar chart of
  compliance by team.
- *Monthly*: the whole service's frequency windows by month (the month a window's last
  day falls in), its compliance beside the same month of the previous year, and each
  team's compliance; a line chart of the trend.

Charts are openpyxl's native charts. Text in a chart's value range would be drawn as
zero, so the charts read hidden helper columns where "no data" is an empty cell (and
are set to plot hidden cells); the visible cells say "no data".

Numbers are numbers with number formats: rates `0.0%` (stored as fractions), changes of
rates in percentage points (`+2.5 pp`), counts `0`, FTE `0.00`. A figure with no data is
the text "no data", never 0. Text cells pass `excel_text` and are stored as strings, so
no cell is a formula.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..healthcheck import FIGURES, FIGURES_BY_KEY, SECTIONS, Breakdown, HealthCheck, figures_in
from .health_base import NO_DATA, HealthReporter, header_facts, month_label
from .safety import excel_text

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SECTION = Font(bold=True, size=12)
MUTED = Font(italic=True, color="777777")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")

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
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _text(ws: Worksheet, row: int, column: int, value: Any, font: Font | None = None) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = excel_text(value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font


def _number(ws: Worksheet, row: int, column: int, value: Any, number_format: str) -> None:
    """A figure: a number with its format, or the text "no data"."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        cell.value = NO_DATA
        cell.data_type = "s"
        cell.font = MUTED
        cell.alignment = RIGHT
        return
    cell.value = value
    cell.number_format = number_format
    cell.alignment = RIGHT


def _figure(ws: Worksheet, row: int, column: int, key: str, value: Any, *, change: bool = False) -> None:
    unit = FIGURES_BY_KEY[key].unit
    _number(ws, row, column, value, (CHANGE_FORMATS if change else VALUE_FORMATS)[unit])


def _header(ws: Worksheet, row: int, column: int, value: str) -> None:
    _text(ws, row, column, value, BOLD)
    cell = ws.cell(row=row, column=column)
    cell.fill = HEADER_FILL
    cell.alignment = HEADER


# ---------------------------------------------------------------- front sheet


def _front_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Health check"
    _text(ws, 1, 1, health.title, TITLE)
    _text(ws, 2, 1, "Supervision tables of the annual health check (SWRB employer standard 1)")
    row = 4
    for label, value in header_facts(health):
        _text(ws, row, 1, label, BOLD)
        _text(ws, row, 2, value)
        row += 1
    row += 1
    service = health.service
    previous_label = health.previous_year.label
    for column, label in enumerate(
        ("Figure", health.year.label, previous_label, "Change", "Definition"), start=1
    ):
        _header(ws, row, column, label)
    row += 1
    for section in SECTIONS:
        _text(ws, row, 1, section, SECTION)
        for column in range(1, 6):
            ws.cell(row=row, column=column).fill = SECTION_FILL
        row += 1
        for figure in figures_in(section):
            _text(ws, row, 1, figure.label)
            _figure(ws, row, 2, figure.key, service.value(figure.key))
            _figure(ws, row, 3, figure.key, service.previous_value(figure.key))
            _figure(ws, row, 4, figure.key, service.changes[figure.key], change=True)
            _text(ws, row, 5, figure.definition)
            ws.cell(row=row, column=5).alignment = WRAP
            row += 1
    row += 1
    for label, items in (
        (f"Not assessed in {health.year.label}", health.not_assessed),
        (f"Not assessed in {previous_label}", health.previous_not_assessed),
    ):
        if not items:
            continue
        _text(ws, row, 1, label, SECTION)
        row += 1
        for item in items:
            _text(ws, row, 1, item.rule)
            _text(ws, row, 2, item.reason)
            row += 1
        row += 1
    if health.notes:
        _text(ws, row, 1, "Notes", SECTION)
        row += 1
        for note in health.notes:
            _text(ws, row, 1, note)
            row += 1
    widths = {"A": 40, "B": 14, "C": 14, "D": 12, "E": 90}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


# ---------------------------------------------------------------- breakdown sheets


def _breakdown_sheet(ws: Worksheet, health: HealthCheck, breakdown: Breakdown) -> int:
    """The table; returns the row after it."""
    ws.title = breakdown.title
    _header(ws, 1, 1, breakdown.unit_label)
    _header(ws, 2, 1, "")
    column = 2
    for figure in FIGURES:
        _header(ws, 1, column, figure.label)
        ws.merge_cells(start_row=1, start_column=column, end_row=1, end_column=column + 2)
        for offset, label in enumerate((health.year.label, health.previous_year.label, "Change")):
            _header(ws, 2, column + offset, label)
            ws.column_dimensions[get_column_letter(column + offset)].width = 11
        column += 3
    for row, unit in enumerate(breakdown.units, start=3):
        _text(ws, row, 1, unit.name)
        column = 2
        for figure in FIGURES:
            _figure(ws, row, column, figure.key, unit.value(figure.key))
            _figure(ws, row, column + 1, figure.key, unit.previous_value(figure.key))
            _figure(ws, row, column + 2, figure.key, unit.changes[figure.key], change=True)
            column += 3
    ws.freeze_panes = "B3"
    ws.row_dimensions[1].height = 45
    longest = max((len(u.name) for u in breakdown.units), default=0)
    ws.column_dimensions["A"].width = min(max(longest, len(breakdown.unit_label), 14) + 2, 50)
    return 3 + len(breakdown.units)


def _helper_columns(
    ws: Worksheet, first_column: int, titles: list[str], columns: list[list[float | None]], first_row: int
) -> None:
    """Hidden chart data: a title row, then numbers, with an empty cell for no data."""
    for offset, (title, values) in enumerate(zip(titles, columns, strict=True)):
        column = first_column + offset
        _text(ws, first_row - 1, column, title, BOLD)
        for row, value in enumerate(values, start=first_row):
            if value is not None:
                ws.cell(row=row, column=column, value=value).number_format = VALUE_FORMATS["rate"]
        ws.column_dimensions[get_column_letter(column)].hidden = True


def _team_chart(ws: Worksheet, health: HealthCheck, breakdown: Breakdown, after_row: int) -> None:
    units = breakdown.units
    if not units:
        return
    helper = 2 + 3 * len(FIGURES) + 1
    titles = [health.year.label]
    series = [[u.value("compliance") for u in units]]
    if health.previous_has_data:
        titles.append(health.previous_year.label)
        series.append([u.previous_value("compliance") for u in units])
    _helper_columns(ws, helper, titles, series, first_row=3)
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Supervision compliance by team, {health.year.label}"
    chart.y_axis.title = "Compliance (windows met / assessed less excused)"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.title = "Team"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.visible_cells_only = False
    chart.add_data(
        Reference(ws, min_col=helper, max_col=helper + len(titles) - 1, min_row=2, max_row=2 + len(units)),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + len(units)))
    chart.height = max(7.5, 1.2 * len(units) + 4)
    chart.width = 20
    ws.add_chart(chart, f"A{after_row + 2}")


# ---------------------------------------------------------------- monthly sheet


def _monthly_sheet(ws: Worksheet, health: HealthCheck) -> None:
    ws.title = "Monthly"
    rows = health.service.monthly
    teams = health.breakdown("teams").units
    headers = [
        "Month",
        "Windows assessed",
        "Met",
        "Missed",
        "Excused",
        f"Compliance {health.year.label}",
        f"Compliance {health.previous_year.label} (same month)",
        "Change",
    ] + [f"{team.name}: compliance" for team in teams]
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
        for offset, team in enumerate(teams):
            _number(ws, r, 9 + offset, team.monthly[r - 2].current.compliance, VALUE_FORMATS["rate"])
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 45
    ws.column_dimensions["A"].width = 12
    for column in range(2, len(headers) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14

    helper = len(headers) + 2
    titles = [health.year.label]
    series = [[row.current.compliance for row in rows]]
    if health.previous_has_data:
        titles.append(health.previous_year.label)
        series.append([row.previous.compliance if row.previous else None for row in rows])
    _helper_columns(ws, helper, titles, series, first_row=2)
    chart = LineChart()
    chart.title = f"Supervision compliance by month, {health.year.label}"
    chart.y_axis.title = "Compliance"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.title = "Month"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.visible_cells_only = False
    chart.display_blanks = "gap"
    chart.add_data(
        Reference(ws, min_col=helper, max_col=helper + len(titles) - 1, min_row=1, max_row=1 + len(rows)),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(rows)))
    chart.height = 9
    chart.width = 22
    ws.add_chart(chart, f"A{len(rows) + 4}")


class HealthExcelReporter(HealthReporter):
    name = "xlsx"
    binary = True

    def render(self, health: HealthCheck) -> bytes:
        workbook = Workbook()
        _front_sheet(workbook.active, health)
        for breakdown in health.breakdowns:
            ws = workbook.create_sheet()
            end = _breakdown_sheet(ws, health, breakdown)
            if breakdown.id == "teams":
                _team_chart(ws, health, breakdown, end)
        _monthly_sheet(workbook.create_sheet(), health)
        workbook.properties.creator = "supcheck"
        workbook.properties.title = health.title
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


__all__ = ["HealthExcelReporter"]
