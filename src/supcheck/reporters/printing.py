"""Print set-up shared by the workbooks (the check's and the health check's)."""

from __future__ import annotations

from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .safety import excel_text


def set_up_printing(
    ws: Worksheet | WriteOnlyWorksheet,
    *,
    orientation: str,
    title_rows: str | None,
    title: str,
    period: str,
    version: str,
) -> None:
    """A4, fitted to the page width (as many pages down as it takes), `title_rows`
    repeated on every page, the title, sheet and period on top and the page below.
    On a write-only sheet, call it before the first row: fit-to-page is written first."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # (not on a write-only sheet)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = header_text(title)
    ws.oddHeader.center.text = header_text(ws.title)
    ws.oddHeader.right.text = header_text(period)
    ws.oddFooter.left.text = header_text(f"supcheck {version}")
    ws.oddFooter.right.text = "Page &P of &N"


def header_text(text: str) -> str:
    """Text for a page header or footer, where `&` starts a code."""
    return excel_text(text).replace("&", "&&")
