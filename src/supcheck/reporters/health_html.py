"""The health check as one self-contained HTML page, for an intranet.

Same content as the Markdown version (`health_document.py`), laid out like the check's
HTML report: no scripts, no external style sheets or images, no `<style>` block, only
tables with inline styles; every value is HTML-escaped. The monthly table has a bar per
month drawn with a styled `<div>` (its width is the compliance), so the trend shows
without a chart library.
"""

from __future__ import annotations

from html import escape

from ..healthcheck import HealthCheck
from .health_base import NO_DATA, HealthReporter
from .health_document import MonthBar, Table, build_health_document
from .html import H2, H3, RIGHT, TABLE, TD, TH, P, page_start

SECTION_ROW = "background:#f7f7f7;font-weight:bold;"
BAR = "background:#4a7ebb;height:10px;"
BAR_TRACK = "background:#e8e8e8;width:120px;"
MUTED = "color:#777777;font-style:italic;"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(table: Table, bars: list[MonthBar] | None = None) -> list[str]:
    out = [f'<table cellpadding="4" cellspacing="0" border="1" style="{TABLE}">', "<tr>"]
    for i, header in enumerate(table.headers):
        style = TH + (RIGHT if i in table.numeric_columns else "text-align:left;")
        out.append(f'<th style="{style}">{_e(header)}</th>')
    if bars is not None:
        out.append(f'<th style="{TH}text-align:left;">Trend</th>')
    out.append("</tr>")
    for index, row in enumerate(table.rows):
        if index in table.section_rows:
            span = len(table.headers) + (1 if bars is not None else 0)
            out.append(f'<tr><td colspan="{span}" style="{TD}{SECTION_ROW}">{_e(row[0])}</td></tr>')
            continue
        out.append("<tr>")
        for i, cell in enumerate(row):
            style = TD + (RIGHT if i in table.numeric_columns else "")
            if cell == NO_DATA:
                style += MUTED
            out.append(f'<td style="{style}">{_e(cell)}</td>')
        if bars is not None:
            out.append(f'<td style="{TD}">{_bar(bars[index])}</td>')
        out.append("</tr>")
    out.append("</table>")
    return out


def _bar(bar: MonthBar) -> str:
    if bar.compliance is None:
        return f'<span style="{MUTED}">{NO_DATA}</span>'
    width = max(0.0, min(100.0, bar.compliance * 100))
    return f'<div style="{BAR_TRACK}"><div style="{BAR}width:{width:.1f}%;"></div></div>'


class HealthHtmlReporter(HealthReporter):
    name = "html"

    def render(self, health: HealthCheck) -> str:
        doc = build_health_document(health)
        out = [
            *page_start(doc.title),
            f'<table cellpadding="2" cellspacing="0" border="0" style="{P}">',
        ]
        for label, value in doc.facts:
            out.append(f'<tr><td style="{P}"><b>{_e(label)}</b></td><td style="{P}">{_e(value)}</td></tr>')
        out.append("</table>")
        out += [f'<h2 style="{H2}">Whole service</h2>', *_table(doc.headline)]
        out += [f'<h2 style="{H2}">Monthly compliance</h2>', *_table(doc.monthly, doc.bars)]
        for title, note, tables in doc.breakdowns:
            out += [f'<h2 style="{H2}">{_e(title)}</h2>', f'<p style="{P}">{_e(note)}</p>']
            for section, table in tables:
                out += [f'<h3 style="{H3}">{_e(section)}</h3>', *_table(table)]
        for label, items in doc.not_assessed:
            out += [f'<h2 style="{H2}">{_e(label)}</h2>', f'<ul style="{P}">']
            out += [f"<li><b>{_e(rule)}</b>: {_e(reason)}</li>" for rule, reason in items]
            out.append("</ul>")
        if doc.no_data:
            out += [f'<h2 style="{H2}">No data, and why</h2>', f'<ul style="{P}">']
            out += [f"<li>{_e(line)}</li>" for line in doc.no_data]
            out.append("</ul>")
        if doc.notes:
            out += [f'<h2 style="{H2}">Notes</h2>', f'<ul style="{P}">']
            out += [f"<li>{_e(note)}</li>" for note in doc.notes]
            out.append("</ul>")
        out += [f'<h2 style="{H2}">Definitions</h2>', f'<dl style="{P}">']
        for label, text in doc.definitions:
            out.append(f"<dt><b>{_e(label)}</b></dt><dd>{_e(text)}</dd>")
        out += ["</dl>", "</body>", "</html>"]
        return "\n".join(out) + "\n"
