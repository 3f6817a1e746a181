"""The Markdown report: for a wiki page, a ticket or a README-style summary.

Same content as the HTML report (see `document.py`). Every value from the
data is escaped so that it shows as written and never becomes markup: `|`
(which would break a table), `*`, `_`, `` ` ``, `[`, `]` and `\\` are
backslash-escaped, and `<` and `>` become `&lt;` and `&gt;`, so no value can
become raw HTML (a `<script>` in an export stays text). Newlines in values
become spaces.
"""

from __future__ import annotations

import re

from ..models import CheckResult
from .base import (
    COMPLIANCE_NOTE,
    NOT_JUDGED_HEADING,
    SINCE_LAST_HEADING,
    TEAMS_HEADING,
    UNROUTED_HEADING,
    UNROUTED_NOTE,
    Reporter,
)
from .document import Table, build_document

_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_BREAKS = re.compile(r"[\r\n\t]+")


def md_escape(value: str) -> str:
    """`value` as literal text inside a Markdown table cell or list item."""
    text = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", value))
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _table(table: Table) -> list[str]:
    align = ["---:" if i in table.numeric_columns else "---" for i in range(len(table.headers))]
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in table.rows:
        lines.append("| " + " | ".join(md_escape(cell) for cell in row) + " |")
    return lines


class MarkdownReporter(Reporter):
    name = "md"

    def render(self, result: CheckResult) -> str:
        doc = build_document(result)
        out = [f"# {md_escape(doc.title)}", "", md_escape(doc.header), ""]
        if doc.audience:
            out += [f"**{md_escape(doc.audience)}**", ""]
        if doc.instructions:
            out += [f"> {md_escape(doc.instructions)}", ""]
        if doc.not_judged:
            out += [f"## {NOT_JUDGED_HEADING}", ""]
            out += [f"- {md_escape(line)}" for line in doc.not_judged] + [""]
        if doc.since_last is not None:
            out += [f"## {SINCE_LAST_HEADING}", "", md_escape(doc.since_last), ""]
            if doc.since_last_skipped:
                out += [*(f"- {md_escape(line)}" for line in doc.since_last_skipped), ""]
            out += [line for text in doc.changes_summary for line in (md_escape(text), "")]
            if doc.changes is not None:
                out += [*_table(doc.changes), ""]
        out += ["## Summary", "", *_table(doc.summary), "", md_escape(COMPLIANCE_NOTE), ""]
        if doc.teams_summary is not None:
            out += [f"### {TEAMS_HEADING}", ""]
            out += [md_escape(doc.teams_note), ""] if doc.teams_note else []
            out += [*_table(doc.teams_summary), ""]
        if doc.not_assessed:
            out += ["## Not assessed", ""]
            for rule, reason in doc.not_assessed:
                out.append(f"- **{md_escape(rule)}**: {md_escape(reason)}")
            out.append("")
        out += ["## Findings", ""]
        if doc.findings_note:
            out += [doc.findings_note, ""]
        out += [line for text in doc.findings_summary for line in (md_escape(text), "")]
        for team, table in [*doc.findings_tables, *doc.teams]:
            out += [f"### {md_escape(team)}", "", *_table(table), ""]
        if doc.quality:
            out += ["## Data quality", ""]
            out += [line for text in doc.quality_summary for line in (md_escape(text), "")]
            out += [*_table(doc.quality), ""]
        if doc.unrouted is not None:
            out += [f"## {UNROUTED_HEADING}", "", UNROUTED_NOTE, "", *_table(doc.unrouted), ""]
        if doc.footer:
            out += ["---", "", md_escape(doc.footer), ""]
        return "\n".join(out).rstrip("\n") + "\n"
