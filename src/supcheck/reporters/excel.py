"""The workbook report (.xlsx): a Summary sheet and a Findings sheet.

*Summary*: policy, its title, the period, the as-of date, each summary count
with its label, the supcheck version, the rules not assessed and why, and the
findings counted by kind and severity.

*Findings*: the CSV report's columns, header in bold and frozen, an auto
filter over the table, dates as real Excel dates shown `dd/mm/yyyy`, the row
number as a number. Every text cell passes `excel_text` (formula neutralising
as in the CSV report, plus characters an .xlsx cannot hold) and is stored as
a string: openpyxl would otherwise treat text starting with `=` as a formula
and text such as `#N/A` as an error value.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..models import CheckResult
from .base import (
    COLUMNS,
    COMPLIANCE_LABEL,
    COMPLIANCE_NOTE,
    NOT_JUDGED_HEADING,
    TEAM_HEADERS,
    TEAMS_HEADING,
    Reporter,
    counts_by_kind,
    finding_cells,
    report_title,
    rule_name,
    summary_rows,
    team_values,
)
from .safety import excel_text

DATE_FORMAT = "dd/mm/yyyy"
RATE_FORMAT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)

# Column widths (in characters) on the Findings sheet: at least the header, at most this.
_MAX_WIDTH = {"message": 80, "source": 40, "value": 40, "file": 30}
_DEFAULT_MAX_WIDTH = 30
_DATE_WIDTH = 12
_MESSAGE_COLUMN = COLUMNS.index("message") + 1


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


def _summary_sheet(ws: Worksheet, result: CheckResult) -> None:
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
        _put(ws, row, 2, value)
        row += 1

    if result.not_judged:
        row = _heading(ws, row + 1, NOT_JUDGED_HEADING)
        for line in result.not_judged:
            _put(ws, row, 1, line, bold=True)
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
    _put(ws, row, 1, COMPLIANCE_NOTE)
    row += 1

    if result.teams:
        row = _heading(ws, row + 1, TEAMS_HEADING)
        for column, label in enumerate(TEAM_HEADERS, start=1):
            _put(ws, row, column, label, bold=True)
        row += 1
        for item in result.teams:
            values = team_values(item)
            for column, value in enumerate(values, start=1):
                _put(ws, row, column, _rate(value) if column == 7 else value)
            row += 1

    if result.not_assessed:
        row = _heading(ws, row + 1, "Not assessed")
        _put(ws, row, 1, "Rule", bold=True)
        _put(ws, row, 2, "Reason", bold=True)
        row += 1
        for item in result.not_assessed:
            _put(ws, row, 1, rule_name(result, item.rule))
            _put(ws, row, 2, item.reason)
            row += 1

    row = _heading(ws, row + 1, "Findings by kind")
    for column, label in enumerate(("Kind", "Breaches", "Warnings", "Total"), start=1):
        _put(ws, row, column, label, bold=True)
    row += 1
    for kind, breaches, warnings in counts_by_kind(result.findings):
        for column, value in enumerate((kind, breaches, warnings, breaches + warnings), start=1):
            _put(ws, row, column, value)
        row += 1

    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    for letter in ("C", "D"):
        ws.column_dimensions[letter].width = 12


def _width(column: str, values: list[Any]) -> float:
    if column in ("start", "end"):
        return _DATE_WIDTH
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    cap = _MAX_WIDTH.get(column, _DEFAULT_MAX_WIDTH)
    return min(max(len(column), longest), cap) + 2


def _findings_sheet(ws: Worksheet, result: CheckResult) -> None:
    for column, header in enumerate(COLUMNS, start=1):
        _put(ws, 1, column, header, bold=True)
    rows = [finding_cells(finding) for finding in result.findings]
    for row_number, cells in enumerate(rows, start=2):
        for column, value in enumerate(cells, start=1):
            _put(ws, row_number, column, value)
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    ws.auto_filter.ref = f"A1:{last}"
    for column, header in enumerate(COLUMNS, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = _width(header, [cells[column - 1] for cells in rows])
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = wrap if cell.column == _MESSAGE_COLUMN else top


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
