"""Reports of `supcheck due`: the same list in every format `check` writes.

Grouped, in the human formats, by team and then line manager ("Siân Hughes (S003)"),
most urgent first; the machine formats (JSON, CSV) have one item a row with the team
and line manager as columns. Rendering only: `due.due_soon` has decided everything,
wording included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from ..models import DueItem, DueResult
from .base import DOT, NO_TEAM, Reporter, human_date, plural
from .safety import safe_text

DUE_COLUMNS: tuple[str, ...] = (
    "team",
    "line_manager_id",
    "line_manager_name",
    "staff_id",
    "staff_name",
    "deadline",
    "kind",
    "rule",
    "case_id",
    "start",
    "what",
    "booked",
    "booked_in_time",
    "booking",
)
"""One item a row: the CSV header and the workbook's Due sheet."""

NOTHING_DUE = "Nobody has anything due in this time with nothing yet counting towards it."
NOT_JUDGED_DUE = "Not judged: the exports do not reach the as-of date"


def due_title(result: DueResult) -> str:
    """`Supervision due by 3 Nov 2026: Northshire County Council`, or `Due by 3 Nov 2026`."""
    if result.organisation:
        return f"Supervision due by {human_date(result.until)}: {result.organisation}"
    return f"Due by {human_date(result.until)}"


def due_header(result: DueResult) -> str:
    policy = f"Policy {result.policy}" + (f" ({result.policy_title})" if result.policy_title else "")
    return DOT.join(
        [
            policy,
            f"as of {human_date(result.as_of)}",
            f"the next {plural(result.within, 'day')}",
            f"supcheck {result.supcheck_version}",
        ]
    )


def manager_label(item: DueItem) -> str:
    if not item.line_manager_id:
        return "No line manager recorded"
    if item.line_manager_name:
        return f"Line manager {item.line_manager_name} ({item.line_manager_id})"
    return f"Line manager {item.line_manager_id}"


def staff_text(item: DueItem) -> str:
    return f"{item.staff_name} ({item.staff_id})" if item.staff_name else item.staff_id


def item_line(item: DueItem) -> str:
    """`Megan Lloyd (S013): Fortnightly supervision (window 12–25 October 2026), by
    25 Oct 2026; booked for 23 October 2026`."""
    text = f"{staff_text(item)}: {item.what}, by {human_date(item.deadline)}"
    return f"{text}; {item.booking}" if item.booking else text


def grouped(items: Sequence[DueItem]) -> list[tuple[str, list[tuple[str, list[DueItem]]]]]:
    """(team, [(line manager, items)]) in the order given (due_soon's order)."""
    teams: dict[str, dict[str, list[DueItem]]] = {}
    for item in items:
        teams.setdefault(item.team or NO_TEAM, {}).setdefault(manager_label(item), []).append(item)
    return [(team, list(managers.items())) for team, managers in teams.items()]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def due_object(item: DueItem) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for column in DUE_COLUMNS:
        value = getattr(item, column)
        obj[column] = value.isoformat() if isinstance(value, date) else value
    obj["rule_title"] = item.rule_title
    return obj


def due_lines(items: Sequence[DueItem], width: int, indent: str = "") -> list[str]:
    """Plain text lines, grouped, wrapped at `width` (console, and the managers' mail)."""
    from .console import _wrap

    lines: list[str] = []
    for team, managers in grouped(items):
        lines += ["", f"{indent}{team}"]
        for manager, theirs in managers:
            lines.append(f"{indent}  {manager}")
            for item in theirs:
                wrapped = _wrap(item_line(item), width - len(indent) - 6)
                lines.append(f"{indent}    - {wrapped[0]}")
                lines += [f"{indent}      {rest}" for rest in wrapped[1:]]
    return lines


def due_html(items: Sequence[DueItem]) -> list[str]:
    """A mail-safe table (inline styles only) of the items, for the HTML report and mail."""
    from .html import TABLE, TD, TH

    headers = ("Team", "Line manager", "Staff", "What is due", "Due by", "Booking")
    out = [f'<table cellpadding="4" cellspacing="0" border="1" style="{TABLE}">', "<tr>"]
    out += [f'<th style="{TH}text-align:left;">{escape(h)}</th>' for h in headers]
    out.append("</tr>")
    for item in items:
        manager = (
            f"{item.line_manager_name} ({item.line_manager_id})"
            if item.line_manager_name
            else item.line_manager_id
        )
        cells = (
            item.team or NO_TEAM,
            manager,
            staff_text(item),
            item.what,
            human_date(item.deadline),
            item.booking,
        )
        out.append("<tr>" + "".join(f'<td style="{TD}">{escape(c)}</td>' for c in cells) + "</tr>")
    out.append("</table>")
    return out


class DueReporter(Reporter):
    """Base of the due reporters: `render` takes a `DueResult`."""

    def render(self, result: Any) -> str | bytes:
        raise NotImplementedError


class DueJson(DueReporter):
    name = "json"

    def render(self, result: DueResult) -> str:
        from .json import dumps

        return (
            dumps(
                {
                    "supcheck_version": result.supcheck_version,
                    "organisation": result.organisation,
                    "policy": result.policy,
                    "policy_title": result.policy_title,
                    "as_of": result.as_of.isoformat(),
                    "within": result.within,
                    "until": result.until.isoformat(),
                    "not_judged": list(result.not_judged),
                    "not_assessed": [{"rule": n.rule, "reason": n.reason} for n in result.not_assessed],
                    "due": [due_object(item) for item in result.items],
                }
            )
            + "\n"
        )


class DueCsv(DueReporter):
    name = "csv"

    def render(self, result: DueResult) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(DUE_COLUMNS)
        for item in result.items:
            row = []
            for column in DUE_COLUMNS:
                value = getattr(item, column)
                if isinstance(value, bool):
                    row.append("yes" if value else "no")
                elif isinstance(value, date):
                    row.append(value.isoformat())
                else:
                    row.append(safe_text(value))
            writer.writerow(row)
        return "\ufeff" + buffer.getvalue()


class DueConsole(DueReporter):
    name = "console"

    def __init__(self, width: int = 80) -> None:
        self.width = width

    def render_for(self, result: Any, *, terminal: bool, color: bool | None) -> str:
        from .console import terminal_width

        return self.render_text(result, terminal_width() if terminal else self.width)

    def render(self, result: DueResult) -> str:
        return self.render_text(result, self.width)

    def render_text(self, result: DueResult, width: int) -> str:
        from .console import _wrap

        lines = [due_title(result), *_wrap(due_header(result), width)]
        if result.not_judged:
            lines += ["", NOT_JUDGED_DUE]
            for sentence in result.not_judged:
                lines += ["  " + line for line in _wrap(sentence, width - 2)]
        if not result.items:
            lines += ["", NOTHING_DUE]
        lines += due_lines(result.items, width)
        for item in result.not_assessed:
            lines += _wrap(f"Not assessed: {item.rule}: {item.reason}", width)
        lines += ["", plural(len(result.items), "item") + f" due by {human_date(result.until)}"]
        return "\n".join(lines) + "\n"


class DueMarkdown(DueReporter):
    name = "md"

    def render(self, result: DueResult) -> str:
        from .markdown import md_escape

        out = [f"# {due_title(result)}", "", md_escape(due_header(result)), ""]
        if result.not_judged:
            out += [f"## {NOT_JUDGED_DUE}", "", *(f"- {md_escape(s)}" for s in result.not_judged), ""]
        if not result.items:
            out += [NOTHING_DUE, ""]
        for team, managers in grouped(result.items):
            out += [f"## {md_escape(team)}", ""]
            for manager, theirs in managers:
                out += [f"### {md_escape(manager)}", ""]
                out += [f"- {md_escape(item_line(item))}" for item in theirs]
                out.append("")
        return "\n".join(out).rstrip("\n") + "\n"


class DueHtml(DueReporter):
    name = "html"

    def render(self, result: DueResult) -> str:
        from .html import H2, P, page_start

        out = [*page_start(due_title(result)), f'<p style="{P}">{escape(due_header(result))}</p>']
        if result.not_judged:
            out.append(f'<h2 style="{H2}">{escape(NOT_JUDGED_DUE)}</h2>')
            out += [f'<p style="{P}"><b>{escape(s)}</b></p>' for s in result.not_judged]
        if result.items:
            out += due_html(result.items)
        else:
            out.append(f'<p style="{P}">{escape(NOTHING_DUE)}</p>')
        out += ["</body>", "</html>"]
        return "\n".join(out) + "\n"


class DueExcel(DueReporter):
    name = "xlsx"
    binary = True

    def render(self, result: DueResult) -> bytes:
        from openpyxl import Workbook

        from .excel import _put

        workbook = Workbook()
        ws = workbook.active
        ws.title = "Due"
        for column, header in enumerate(DUE_COLUMNS, start=1):
            _put(ws, 1, column, header, bold=True)
        for row, item in enumerate(result.items, start=2):
            for column, name in enumerate(DUE_COLUMNS, start=1):
                _put(ws, row, column, getattr(item, name))
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for letter, width in zip(
            "ABCDEFGHIJKLMN", (20, 10, 20, 10, 20, 12, 12, 16, 10, 12, 50, 12, 8, 34), strict=True
        ):
            ws.column_dimensions[letter].width = width
        notes = workbook.create_sheet("About")
        _put(notes, 1, 1, due_title(result), bold=True)
        _put(notes, 2, 1, due_header(result))
        for row, sentence in enumerate(result.not_judged, start=4):
            _put(notes, row, 1, sentence, bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


DUE_REPORTERS: dict[str, type[DueReporter]] = {
    "console": DueConsole,
    "json": DueJson,
    "csv": DueCsv,
    "xlsx": DueExcel,
    "html": DueHtml,
    "md": DueMarkdown,
}


def get_due_reporter(fmt: str) -> DueReporter:
    return DUE_REPORTERS[fmt]()


__all__ = ["DUE_COLUMNS", "due_html", "due_lines", "get_due_reporter"]
