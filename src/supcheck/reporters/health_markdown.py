"""The health check as Markdown, for an intranet or wiki page.

Same content as the HTML page (`health_document.py`). Values from the data (team and
group names, reasons) are escaped as in the check's Markdown report (`md_escape`), so
none becomes markup; section rows of the headline table are bold.
"""

from __future__ import annotations

from ..healthcheck import HealthCheck
from .health_base import HealthReporter
from .health_document import Table, build_health_document
from .markdown import md_escape


def _table(table: Table) -> list[str]:
    align = ["---:" if i in table.numeric_columns else "---" for i in range(len(table.headers))]
    lines = [
        "| " + " | ".join(md_escape(h) for h in table.headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for index, row in enumerate(table.rows):
        if index in table.section_rows:
            cells = [f"**{md_escape(row[0])}**", *("" for _ in row[1:])]
        else:
            cells = [md_escape(cell) for cell in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


class HealthMarkdownReporter(HealthReporter):
    name = "md"

    def render(self, health: HealthCheck) -> str:
        doc = build_health_document(health)
        out = [f"# {md_escape(doc.title)}", ""]
        out += [f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in doc.facts]
        out += ["", "## Whole service", "", *_table(doc.headline), ""]
        out += ["## Monthly compliance", "", *_table(doc.monthly), ""]
        for title, note, tables in doc.breakdowns:
            out += [f"## {md_escape(title)}", "", md_escape(note), ""]
            for section, table in tables:
                out += [f"### {md_escape(section)}", "", *_table(table), ""]
        for label, items in doc.not_assessed:
            out += [f"## {md_escape(label)}", ""]
            out += [f"- **{md_escape(rule)}**: {md_escape(reason)}" for rule, reason in items]
            out.append("")
        if doc.no_data:
            out += ["## No data, and why", "", *(f"- {md_escape(line)}" for line in doc.no_data), ""]
        if doc.notes:
            out += ["## Notes", "", *(f"- {md_escape(note)}" for note in doc.notes), ""]
        out += ["## Definitions", ""]
        out += [f"- **{md_escape(label)}**: {md_escape(text)}" for label, text in doc.definitions]
        return "\n".join(out).rstrip("\n") + "\n"
