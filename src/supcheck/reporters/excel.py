"""The workbook report (.xlsx): a Summary sheet and a Findings sheet.

*Summary*: policy, its title, the period, the as-of date, each summary count
with its label, the compliance rate and the summary by team, the supcheck version, the
rules not assessed and why, and the findings counted by kind and severity.

Both sheets print on A4 fitted to the page width (Summary portrait, Findings landscape
with its header row on every page and the columns from team to severity), with the
title and period in the page header and the page number in the footer.

*Findings*: the CSV report's columns in the order a printed page is read (team, staff,
line manager, dates, rule, message, severity, then the rest), header in bold and
frozen, an auto filter over the table, dates as real Excel dates shown `dd/mm/yyyy`, the row
number as a number. Every text cell passes `excel_text` (formula neutralising
as in the CSV report, plus characters an .xlsx cannot hold) and is stored as
a string: openpyxl would otherwise treat text starting with `=` as a formula
and text such as `#N/A` as an error value.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..models import CheckResult, Finding
from .base import (
    COLUMNS,
    COMPLIANCE_LABEL,
    COMPLIANCE_NOTE,
    NOT_JUDGED_HEADING,
    TEAM_HEADERS,
    TEAMS_HEADING,
    Reporter,
    counts_by_kind,
    date_range,
    report_title,
    rule_name,
    summary_rows,
    team_values,
)
from .printing import set_up_printing
from .safety import excel_text

DATE_FORMAT = "dd/mm/yyyy"
RATE_FORMAT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)

SHEET_COLUMNS: tuple[str, ...] = (
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
    "kind",
    "case_id",
    "source",
    "file",
    "row",
    "column",
    "value",
    "code",
)
"""The Findings sheet's columns: the CSV's (`base.COLUMNS`), in the order a manager reads
a printed page: who (team, staff, line manager), when, then what (rule, message)."""
assert sorted(SHEET_COLUMNS) == sorted(COLUMNS)

# Column widths (in characters) on the Findings sheet: at least the header, at most this.
_MAX_WIDTH = {"message": 70, "source": 40, "value": 40, "file": 30, "team": 24, "rule": 24}
_DEFAULT_MAX_WIDTH = 24
_DATE_WIDTH = 12
_WRAPPED = frozenset(SHEET_COLUMNS.index(c) + 1 for c in ("message", "team", "rule"))
_PRINTED = SHEET_COLUMNS.index("severity") + 1
"""The printed columns: team to severity."""

# The Summary sheet: labels in A, figures in B to I (the by-team table's width).
_SUMMARY_COLUMNS = 9
_LABEL_WIDTH = 30
_FIGURE_WIDTH = 12
_LINE_POINTS = 15
WRAP = Alignment(vertical="top", wrap_text=True)
LEFT = Alignment(horizontal="left")
HEADING_RIGHT = Alignment(horizontal="right", vertical="bottom", wrap_text=True)


def sheet_cells(finding: Finding) -> tuple[Any, ...]:
    """The values of `SHEET_COLUMNS` for one finding."""
    return tuple(getattr(finding, column) for column in SHEET_COLUMNS)


class Rate(NamedTuple):
    """A fraction shown as a percentage (`98.2%`); None is left blank."""

    value: float


def _rate(value: float | None) -> Rate | str:
    return "no rate" if value is None else Rate(value)


def _put(ws: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    """Write one cell: text as a neutralised string, dates as dates, numbers as numbers."""
    if value is None:
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool):  # a bool is an int: show it as text, not 1/0 or TRUE
        cell.value = "yes" if value else "no"
        cell.data_type = "s"
    elif isinstance(value, Rate):
        cell.value = value.value
        cell.number_format = RATE_FORMAT
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = excel_text(value)
        cell.data_type = "s"
    if bold:
        cell.font = BOLD


def _heading(ws: Worksheet, row: int, text: str) -> int:
    _put(ws, row, 1, text, bold=True)
    return row + 1


def _long_text(ws: Worksheet, row: int, column: int, text: str, *, bold: bool = False) -> None:
    """A sentence across the rest of the printed width (merged to the last summary
    column, wrapped), its row tall enough for the lines: so that it neither widens the
    page nor is cut off at the page's edge."""
    _put(ws, row, column, text, bold=bold)
    ws.cell(row=row, column=column).alignment = WRAP
    ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=_SUMMARY_COLUMNS)
    width = sum(_summary_width(c) for c in range(column, _SUMMARY_COLUMNS + 1))
    lines = max(1, math.ceil(len(text) * 1.1 / width))
    ws.row_dimensions[row].height = _LINE_POINTS * lines


def _summary_width(column: int) -> float:
    return _LABEL_WIDTH if column == 1 else _FIGURE_WIDTH


def _summary_sheet(ws: Worksheet, result: CheckResult) -> None:
    """Labels in column A and their values in B, on the same printed page: the sheet is
    as wide as the by-team table (A to I), fitted to the page width; longer text is
    merged across the row and wrapped instead of widening a column."""
    ws.title = "Summary"
    _put(ws, 1, 1, report_title(result))
    ws.cell(row=1, column=1).font = TITLE
    rows: list[tuple[str, Any]] = [
        ("Policy", result.policy),
        ("Policy title", result.policy_title or None),
        ("Period from", result.period.start),
        ("Period to", result.period.end),
        ("As of", result.as_of),
        ("supcheck version", result.supcheck_version),
    ]
    row = 3
    for label, value in rows:
        _put(ws, row, 1, label, bold=True)
        if isinstance(value, str):
            _long_text(ws, row, 2, value)
        else:
            _put(ws, row, 2, value)
            ws.cell(row=row, column=2).alignment = LEFT
        row += 1

    if result.not_judged:
        row = _heading(ws, row + 1, NOT_JUDGED_HEADING)
        for line in result.not_judged:
            _long_text(ws, row, 1, line, bold=True)
            row += 1

    row = _heading(ws, row + 1, "Summary")
    for label, count in summary_rows(result.summary):
        _put(ws, row, 1, label)
        _put(ws, row, 2, count)
        row += 1
        if label == "Windows missed":
            _put(ws, row, 1, COMPLIANCE_LABEL)
            _put(ws, row, 2, _rate(result.summary.compliance))
            row += 1
    _long_text(ws, row, 1, COMPLIANCE_NOTE)
    row += 1

    if result.teams:
        row = _heading(ws, row + 1, TEAMS_HEADING)
        for column, label in enumerate(TEAM_HEADERS, start=1):
            _put(ws, row, column, label, bold=True)
            ws.cell(row=row, column=column).alignment = WRAP if column == 1 else HEADING_RIGHT
        row += 1
        for item in result.teams:
            values = team_values(item)
            for column, value in enumerate(values, start=1):
                _put(ws, row, column, _rate(value) if column == 7 else value)
            ws.cell(row=row, column=1).alignment = WRAP
            row += 1

    if result.not_assessed:
        row = _heading(ws, row + 1, "Not assessed")
        _put(ws, row, 1, "Rule", bold=True)
        _put(ws, row, 2, "Reason", bold=True)
        row += 1
        for item in result.not_assessed:
            _put(ws, row, 1, rule_name(result, item.rule))
            ws.cell(row=row, column=1).alignment = WRAP
            _long_text(ws, row, 2, item.reason)
            row += 1

    row = _heading(ws, row + 1, "Findings by kind")
    for column, label in enumerate(("Kind", "Breaches", "Warnings", "Total"), start=1):
        _put(ws, row, column, label, bold=True)
    row += 1
    for kind, breaches, warnings in counts_by_kind(result.findings):
        for column, value in enumerate((kind, breaches, warnings, breaches + warnings), start=1):
            _put(ws, row, column, value)
        row += 1

    for column in range(1, _SUMMARY_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(column)].width = _summary_width(column)
    _print_setup(ws, result, orientation="portrait", title_rows=None)


def _width(column: str, values: list[Any]) -> float:
    if column in ("start", "end"):
        return _DATE_WIDTH
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    cap = _MAX_WIDTH.get(column, _DEFAULT_MAX_WIDTH)
    return min(max(len(column), longest), cap) + 2


def _findings_sheet(ws: Worksheet, result: CheckResult) -> None:
    """One finding a row, in `SHEET_COLUMNS` order; printed landscape, fitted to the page
    width, the header row on every page. The print area ends at `severity`: the columns
    after it (kind, case, source, the data-quality cell) are for filtering on screen."""
    for column, header in enumerate(SHEET_COLUMNS, start=1):
        _put(ws, 1, column, header, bold=True)
    rows = [sheet_cells(finding) for finding in result.findings]
    for row_number, cells in enumerate(rows, start=2):
        for column, value in enumerate(cells, start=1):
            _put(ws, row_number, column, value)
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(SHEET_COLUMNS))}{len(rows) + 1}"
    ws.auto_filter.ref = f"A1:{last}"
    for column, header in enumerate(SHEET_COLUMNS, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = _width(header, [cells[column - 1] for cells in rows])
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    widths = {c: ws.column_dimensions[get_column_letter(c)].width for c in _WRAPPED}
    for row_number, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        for cell in cells:
            cell.alignment = wrap if cell.column in _WRAPPED else top
        # Row heights are set, not left to the spreadsheet: LibreOffice (and Excel when
        # printing a file it has not laid out) keeps one line and overprints the rest.
        lines = max(
            math.ceil(len(str(cells[c - 1].value or "")) * 1.1 / max(widths[c] - 1, 1)) for c in _WRAPPED
        )
        if lines > 1:
            ws.row_dimensions[row_number].height = _LINE_POINTS * lines
    ws.print_area = f"A1:{get_column_letter(_PRINTED)}{len(rows) + 1}"
    _print_setup(ws, result, orientation="landscape", title_rows="1:1")


def _print_setup(ws: Worksheet, result: CheckResult, *, orientation: str, title_rows: str | None) -> None:
    set_up_printing(
        ws,
        orientation=orientation,
        title_rows=title_rows,
        title=report_title(result),
        period=date_range(result.period.start, result.period.end),
        version=result.supcheck_version,
    )


class ExcelReporter(Reporter):
    name = "xlsx"
    binary = True

    def render(self, result: CheckResult) -> bytes:
        workbook = Workbook()
        _summary_sheet(workbook.active, result)
        _findings_sheet(workbook.create_sheet("Findings"), result)
        workbook.properties.creator = "supcheck"
        workbook.properties.title = report_title(result)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
