"""The date an export was taken, from the title rows a report prints above its header.

Reports run from Mosaic, Liquidlogic, iTrent and the like print a line or two above the
header: `Children's Services - Staff Establishment`, `Report run: 01/11/2026 09:14`,
`Extracted on 1 Nov 2026`, `As at 31/10/2026`. That date says how far the export
reaches: nothing after it can be in the file, so nothing after it may be judged as
missing (`coverage`). A title row is read only when a word in it says what the date is
(a bare date in a title could be anything: the period, a print date of a template).

A workbook may hold the date as a real date cell beside its label (`Extracted on:` |
2026-11-01); a delimited file as text in the same cell. The first labelled date above
the header wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from .values import parse_date

#: Words that say a title row's date is when the export was taken.
_LABEL = re.compile(
    r"\b(?:report\s+run|run\s+on|run\s+date|date\s+run|extract(?:ed)?(?:\s+on)?|extract\s+date|"
    r"date\s+extracted|date\s+of\s+extract|as\s+at|as\s+of|data\s+as\s+at|generated(?:\s+on)?|"
    r"produced(?:\s+on)?|printed(?:\s+on)?|exported(?:\s+on)?|downloaded(?:\s+on)?|run\s+at)\b",
    re.IGNORECASE,
)

#: A date written in a title: ISO, day/month/year with / - or ., or `1 Nov 2026`.
_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}",
)


class Extraction(NamedTuple):
    """A title row's extraction date, with the words it was read from (for the report)."""

    day: date
    text: str


def extraction_date(rows: Iterable[tuple[int, Sequence[Any]]], month_first: bool) -> Extraction | None:
    """The extraction date printed in the rows above a header, or None."""
    for _, cells in rows:
        found = _in_row(list(cells), month_first)
        if found is not None:
            return found
    return None


def _in_row(cells: list[Any], month_first: bool) -> Extraction | None:
    for i, cell in enumerate(cells):
        if not isinstance(cell, str) or not _LABEL.search(cell):
            continue
        label = " ".join(cell.split())
        after = _LABEL.search(cell)
        assert after is not None
        day = _date_in(cell[after.end() :], month_first)
        if day is not None:
            return Extraction(day, label)
        for other in cells[i + 1 :]:  # the date in the next cell that holds something
            if other is None or (isinstance(other, str) and not other.strip()):
                continue
            day = _cell_date(other, month_first)
            if day is not None:
                return Extraction(day, f"{label} {_shown(other)}")
            break
    return None


def _date_in(text: str, month_first: bool) -> date | None:
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return parse_date(match.group(), month_first=month_first)
    except ValueError:
        return None


def _cell_date(cell: Any, month_first: bool) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        return _date_in(cell, month_first)
    return None


def _shown(cell: Any) -> str:
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y %H:%M") if (cell.hour or cell.minute) else cell.strftime("%d/%m/%Y")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return " ".join(str(cell).split())
