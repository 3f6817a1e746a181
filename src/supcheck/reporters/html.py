"""The HTML report: one self-contained page, for a browser or the body of an e-mail.

Same content as the Markdown report (see `document.py`). Built for Outlook
and webmail: no scripts, no external images or style sheets, no `<style>`
block (some mail clients drop it), only simple tables with inline styles.
Every value is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from ..models import CheckResult
from .base import (
    COMPLIANCE_NOTE,
    NOT_JUDGED_HEADING,
    NOTHING_DUE_FOR_YOU,
    SINCE_LAST_HEADING,
    TEAMS_HEADING,
    UNROUTED_HEADING,
    UNROUTED_NOTE,
    Reporter,
    due_heading,
)
from .document import Table, build_document

FONT = "font-family:Arial,Helvetica,sans-serif;"
BODY = FONT + "font-size:14px;color:#222222;background:#ffffff;margin:16px;"
H1 = FONT + "font-size:22px;margin:0 0 8px 0;"
H2 = FONT + "font-size:18px;margin:24px 0 8px 0;border-bottom:1px solid #cccccc;"
H3 = FONT + "font-size:16px;margin:16px 0 6px 0;"
P = FONT + "font-size:14px;margin:0 0 8px 0;"
INSTRUCTIONS = P + "padding:8px 12px;border-left:4px solid #1d70b8;background:#f3f7fb;"
FOOTER = FONT + "font-size:12px;color:#555555;margin:24px 0 0 0;border-top:1px solid #cccccc;padding-top:8px;"
TABLE = "border-collapse:collapse;border:1px solid #cccccc;"
CELL = "font-size:13px;border:1px solid #cccccc;padding:4px 8px;"
TH = FONT + CELL + "background:#f0f0f0;"
TD = FONT + CELL + "vertical-align:top;"
RIGHT = "text-align:right;"
SEVERITY = {
    "breach": "color:#b00020;font-weight:bold;",
    "warning": "color:#8a5a00;",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(table: Table) -> list[str]:
    out = [f'<table cellpadding="4" cellspacing="0" border="1" style="{TABLE}">', "<tr>"]
    for i, header in enumerate(table.headers):
        style = TH + (RIGHT if i in table.numeric_columns else "text-align:left;")
        out.append(f'<th style="{style}">{_e(header)}</th>')
    out.append("</tr>")
    for row in table.rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            style = TD
            if i in table.numeric_columns:
                style += RIGHT
            if i == table.severity_column:
                style += SEVERITY.get(cell, "")
            out.append(f'<td style="{style}">{_e(cell)}</td>')
        out.append("</tr>")
    out.append("</table>")
    return out


def page_start(title: str) -> list[str]:
    """The opening of a self-contained page: no scripts, no external anything, inline styles."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        "</head>",
        f'<body style="{BODY}">',
        f'<h1 style="{H1}">{_e(title)}</h1>',
    ]


class HtmlReporter(Reporter):
    name = "html"

    def render(self, result: CheckResult) -> str:
        doc = build_document(result)
        out = [*page_start(doc.title), f'<p style="{P}">{_e(doc.header)}</p>']
        if doc.audience:
            out.append(f'<p style="{P}"><b>{_e(doc.audience)}</b></p>')
        if doc.instructions:
            out.append(f'<p style="{INSTRUCTIONS}">{_e(doc.instructions)}</p>')
        if doc.not_judged:
            out.append(f'<h2 style="{H2}">{_e(NOT_JUDGED_HEADING)}</h2>')
            out.append(f'<ul style="{P}">')
            out += [f"<li><b>{_e(line)}</b></li>" for line in doc.not_judged]
            out.append("</ul>")
        if doc.since_last is not None:
            out += [
                f'<h2 style="{H2}">{_e(SINCE_LAST_HEADING)}</h2>',
                f'<p style="{P}">{_e(doc.since_last)}</p>',
            ]
            if doc.since_last_skipped:
                out += [
                    f'<ul style="{P}">',
                    *(f"<li>{_e(line)}</li>" for line in doc.since_last_skipped),
                    "</ul>",
                ]
            out += [f'<p style="{P}">{_e(line)}</p>' for line in doc.changes_summary]
            if doc.changes is not None:
                out += _table(doc.changes)
        out.append(f'<h2 style="{H2}">Summary</h2>')
        if doc.audience:  # a line manager's copy: the rate in words, not a table of counts
            out.append(f'<p style="{P}"><b>{_e(doc.compliance)}</b></p>')
        else:
            out += _table(doc.summary)
        out.append(f'<p style="{P}margin-top:8px;">{_e(COMPLIANCE_NOTE)}</p>')
        if doc.teams_summary is not None:
            out.append(f'<h3 style="{H3}">{_e(TEAMS_HEADING)}</h3>')
            out += [f'<p style="{P}">{_e(doc.teams_note)}</p>'] if doc.teams_note else []
            out += _table(doc.teams_summary)
        if doc.not_assessed:
            out.append(f'<h2 style="{H2}">Not assessed</h2>')
            out.append(f'<ul style="{P}">')
            for rule, reason in doc.not_assessed:
                out.append(f"<li><b>{_e(rule)}</b>: {_e(reason)}</li>")
            out.append("</ul>")
        out.append(f'<h2 style="{H2}">Findings</h2>')
        if doc.findings_note:
            out.append(f'<p style="{P}">{_e(doc.findings_note)}</p>')
        out += [f'<p style="{P}">{_e(line)}</p>' for line in doc.findings_summary]
        for team, table in [*doc.findings_tables, *doc.teams]:
            out += [f'<h3 style="{H3}">{_e(team)}</h3>', *_table(table)]
        if result.due is not None:
            from .due import due_html

            out.append(f'<h2 style="{H2}">{_e(due_heading(result))}</h2>')
            out += [f'<p style="{P}"><b>{_e(line)}</b></p>' for line in result.due_not_judged]
            if result.due:
                out += due_html(result.due)
            elif not result.due_not_judged:
                out.append(f'<p style="{P}">{_e(NOTHING_DUE_FOR_YOU)}</p>')
        if doc.quality:
            out.append(f'<h2 style="{H2}">Data quality</h2>')
            out += [f'<p style="{P}">{_e(line)}</p>' for line in doc.quality_summary]
            out += _table(doc.quality)
        if doc.unrouted is not None:
            out += [
                f'<h2 style="{H2}">{_e(UNROUTED_HEADING)}</h2>',
                f'<p style="{P}">{_e(UNROUTED_NOTE)}</p>',
                *_table(doc.unrouted),
            ]
        if doc.footer:
            out.append(f'<p style="{FOOTER}">{_e(doc.footer)}</p>')
        out += ["</body>", "</html>"]
        return "\n".join(out) + "\n"
