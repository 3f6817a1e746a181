"""Making text safe for spreadsheets.

A CSV or workbook cell whose text starts with `=`, `+`, `-` or `@` is read by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"). The
exports supcheck reads are typed by people, so a value such as
`=HYPERLINK("http://x")` or `-2+3` can reach a report. Following the OWASP
CSV-injection guidance, such a cell is prefixed with a single quote, which
spreadsheet programs show as text. The quote stays visible in the cell: the
reader sees exactly what was in the export, never the result of a formula.

Only the spreadsheet formats (CSV and the workbook) use this; JSON, Markdown,
HTML and the console show values unchanged (HTML and Markdown escape them
their own way).
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

EXCEL_MAX_CHARS = 32_767
"""Excel's limit on the text in one cell."""

# Control characters an .xlsx file cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")


def safe_text(value: object) -> str:
    """`value` as text that no spreadsheet will run as a formula.

    `None` becomes the empty string. Text starting with `=`, `+`, `-`, `@`,
    a tab or a carriage return gets a leading `'`; anything else is returned
    unchanged.

    >>> safe_text('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_text("-2+3")
    "'-2+3"
    >>> safe_text("Beth Evans")
    'Beth Evans'
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def excel_text(value: object) -> str:
    """`safe_text(value)` that also fits in a workbook cell.

    Control characters an .xlsx cannot store are shown as U+FFFD, and text
    longer than Excel's cell limit is cut, ending in an ellipsis.
    """
    text = _ILLEGAL_XML.sub("\ufffd", safe_text(value))
    if len(text) > EXCEL_MAX_CHARS:
        text = text[: EXCEL_MAX_CHARS - 1] + "\u2026"
    return text
