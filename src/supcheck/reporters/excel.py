"""The workbook report (.xlsx): a Summary sheet and a Findings sheet (more than
`FINDINGS_PER_SHEET` findings continue on `Findings (2)`, ..., as the Summary says).

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

The workbook is written write-only: each findings row goes to the file as it is made.
Built cell by cell in memory, 57,290 findings took 460 MB more (8 KB a finding), and a
full sheet of 1,048,575 would have taken 8 GB; streamed, it takes tens of MB.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

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

SHEET_ROWS = 1_048_576
"""The most rows a sheet has in Excel (and LibreOffice): a longer sheet in an .xlsx is cut
or refused when opened."""
FINDINGS_PER_SHEET = SHEET_ROWS - 1
"""Findings on one sheet, under its header row; more go on `Findings (2)`, `Findings (3)`, ..."""

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


def sheet_cells(finding: Finding, result: CheckResult) -> tuple[Any, ...]:
    """The values of `SHEET_COLUMNS` for one finding; the rule in words (`rule_name`: the
    workbook goes to managers), where the CSV keeps its id."""
    return tuple(
        rule_name(result, finding.rule) if column == "rule" else getattr(finding, column)
        for column in SHEET_COLUMNS
    )


class Rate(NamedTuple):
    """A fraction shown as a percentage (`98.2%`); None is left blank."""

    value: float


def _rate(value: float | None) -> Rate | str:
    return "no rate" if value is None else Rate(value)


class _Grid:
    """The Summary sheet's cells by row and column, in the order the sheet is composed,
    written to the sheet in row order by `write`: the workbook is write-only (a findings
    sheet of a million rows streams to the file instead of holding 8 KB a finding), and
    a write-only sheet takes its rows once, in order."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.cells: dict[tuple[int, int], Cell] = {}
        self.row_dimensions = ws.row_dimensions
        self.column_dimensions = ws.column_dimensions

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.setdefault((row, column), WriteOnlyCell(self.ws))

    def merge_cells(self, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        self.ws.merged_cells.add(
            CellRange(min_row=start_row, min_col=start_column, max_row=end_row, max_col=end_column)
        )

    def write(self) -> None:
        rows = max((row for row, _ in self.cells), default=0)
        columns = max((column for _, column in self.cells), default=0)
        for row in range(1, rows + 1):
            self.ws.append([self.cells.get((row, column)) for column in range(1, columns + 1)])


def _put(ws: _Grid, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    """Write one cell: text as a neutralised string, dates as dates, numbers as numbers."""
    if value is not None:
        _fill(ws.cell(row=row, column=column), value, bold=bold)


def _fill(cell: Cell, value: Any, *, bold: bool = False) -> None:
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


def _heading(ws: _Grid, row: int, text: str) -> int:
    _put(ws, row, 1, text, bold=True)
    return row + 1


def _long_text(ws: _Grid, row: int, column: int, text: str, *, bold: bool = False) -> None:
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


def _summary_sheet(sheet: WriteOnlyWorksheet, result: CheckResult, split: str) -> None:
    """Labels in column A and their values in B, on the same printed page: the sheet is
    as wide as the by-team table (A to I), fitted to the page width; longer text is
    merged across the row and wrapped instead of widening a column."""
    ws = _Grid(sheet)
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
    if split:
        _long_text(ws, row + 1, 1, split, bold=True)

    for column in range(1, _SUMMARY_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(column)].width = _summary_width(column)
    _print_setup(sheet, result, orientation="portrait", title_rows=None)  # (sheetPr goes first)
    ws.write()


def _width(column: str, values: list[Any]) -> float:
    if column in ("start", "end"):
        return _DATE_WIDTH
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    cap = _MAX_WIDTH.get(column, _DEFAULT_MAX_WIDTH)
    return min(max(len(column), longest), cap) + 2


def findings_sheet_names(count: int) -> list[str]:
    """`Findings`, then `Findings (2)`, `Findings (3)`, ... for `count` findings,
    `FINDINGS_PER_SHEET` a sheet (one sheet, header only, when there is none)."""
    sheets = max(1, math.ceil(count / FINDINGS_PER_SHEET))
    return ["Findings", *(f"Findings ({number})" for number in range(2, sheets + 1))]


def split_note(count: int, names: list[str]) -> str:
    """Said on the Summary sheet when the findings take more than one sheet."""
    return (
        f"{count:,} findings, more than a sheet can hold ({FINDINGS_PER_SHEET:,} rows):"
        f" they are on {len(names)} sheets, in order: {', '.join(names)}."
    )


def _findings_sheet(ws: WriteOnlyWorksheet, result: CheckResult, findings: Iterable[Finding]) -> None:
    """One finding a row, in `SHEET_COLUMNS` order; printed landscape, fitted to the page
    width, the header row on every page. The print area ends at `severity`: the columns
    after it (kind, case, source, the data-quality cell) are for filtering on screen.
    Widths, the frozen pane and the filter are set before the first row (a write-only
    sheet writes them first); each row is written as it is made."""
    rows = [sheet_cells(finding, result) for finding in findings]
    for column, header in enumerate(SHEET_COLUMNS, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = _width(header, [cells[column - 1] for cells in rows])
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(SHEET_COLUMNS))}{len(rows) + 1}"
    ws.auto_filter.ref = f"A1:{last}"
    ws.print_area = f"A1:{get_column_letter(_PRINTED)}{len(rows) + 1}"
    _print_setup(ws, result, orientation="landscape", title_rows="1:1")

    header = [WriteOnlyCell(ws) for _ in SHEET_COLUMNS]
    for cell, name in zip(header, SHEET_COLUMNS, strict=True):
        _fill(cell, name, bold=True)
    ws.append(header)
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    widths = {c: ws.column_dimensions[get_column_letter(c)].width for c in _WRAPPED}
    for row_number, values in enumerate(rows, start=2):
        cells = []
        for column, value in enumerate(values, start=1):
            cell = WriteOnlyCell(ws)
            if value is not None:
                _fill(cell, value)
            cell.alignment = wrap if column in _WRAPPED else top
            cells.append(cell)
        # Row heights are set, not left to the spreadsheet: LibreOffice (and Excel when
        # printing a file it has not laid out) keeps one line and overprints the rest.
        lines = max(
            math.ceil(len(str(cells[c - 1].value or "")) * 1.1 / max(widths[c] - 1, 1)) for c in _WRAPPED
        )
        if lines > 1:
            ws.row_dimensions[row_number].height = _LINE_POINTS * lines
        ws.append(cells)
        ws.row_dimensions.pop(row_number, None)  # written: a million of them would stay otherwise


def _print_setup(
    ws: WriteOnlyWorksheet, result: CheckResult, *, orientation: str, title_rows: str | None
) -> None:
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
        workbook = Workbook(write_only=True)
        names = findings_sheet_names(len(result.findings))
        split = split_note(len(result.findings), names) if len(names) > 1 else ""
        _summary_sheet(workbook.create_sheet("Summary"), result, split)
        findings = iter(result.findings)
        for name in names:
            _findings_sheet(workbook.create_sheet(name), result, islice(findings, FINDINGS_PER_SHEET))
        workbook.properties.creator = "supcheck"
        workbook.properties.title = report_title(result)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
