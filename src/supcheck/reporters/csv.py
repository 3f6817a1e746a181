"""The CSV report: one finding a row, the columns of `base.COLUMNS`.

Written as UTF-8 with a byte-order mark, whether to a file or to standard
output, so that Excel opens names with accents correctly when the file is
double-clicked (Python readers: `encoding="utf-8-sig"`). Rows end in CRLF
(RFC 4180, what Excel itself writes). Every cell passes `safe_text`, so no
value from an export can run as a formula. Dates are ISO (`2026-06-30`),
unambiguous whatever the reader's locale.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from itertools import islice

from ..models import CheckResult, finding_rows
from .base import COLUMNS, Reporter, finding_cells
from .safety import safe_text

BOM = "\ufeff"


def _cell(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value)


#: Findings written a block at a time (`Reporter.pieces`).
_BLOCK = 1000


class CsvReporter(Reporter):
    name = "csv"

    def render(self, result: CheckResult) -> str:
        return "".join(self.pieces(result, terminal=False, color=None))

    def pieces(self, result: CheckResult, *, terminal: bool, color: bool | None) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        yield BOM + buffer.getvalue()
        rows = (
            [_cell(value) for value in finding_cells(finding)] for finding in finding_rows(result.findings)
        )
        while block := list(islice(rows, _BLOCK)):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(block)
            yield buffer.getvalue()
