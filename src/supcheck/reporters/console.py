"""The console report: for a terminal, and plain enough for a cron e-mail.

Layout, top to bottom:

- a title and a header line (policy, period, as-of date, version);
- findings about people, under a heading per team, then per staff member
  ("Beth Evans (S002)"), one finding a line: severity, dates, message,
  long messages wrapped under the message column;
- data-quality findings in their own section, per file, so that managers'
  sections stay short;
- the rules not assessed, with the reason;
- the summary line: `10 staff · 58 windows assessed, 53 met, 3 excused,
  2 missed · 7 breaches · 4 warnings`; when it is longer than the width,
  the breaches and warnings go on a second line.

Lines are wrapped here rather than by rich, so that the text is the same in
a terminal and a mail client and no line is longer than the width (80
columns except on a terminal, where it follows the terminal's width).
Colour is used only on a terminal (or when asked for) and never when the
`NO_COLOR` environment variable is set; in a file or a pipe there are no
escape codes at all. Control characters from the exports are shown as
U+FFFD so that data cannot send escape sequences to a terminal.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import textwrap
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from ..models import CheckResult, Finding
from .base import (
    CHANGE_LABELS,
    COMPLIANCE_NOTE,
    DOT,
    NO_FINDINGS,
    NOT_JUDGED_HEADING,
    NOTHING_DUE_FOR_YOU,
    SINCE_LAST_HEADING,
    UNROUTED_HEADING,
    UNROUTED_NOTE,
    Reporter,
    compliance_line,
    date_range,
    due_heading,
    footer_line,
    group_by_file,
    group_by_team,
    header_parts,
    plural,
    report_title,
    rule_name,
    severity_label,
    since_last_line,
    since_last_rows,
    since_last_skipped,
    split_data_quality,
    summary_parts,
    team_texts,
    unrouted_line,
)
from .digest import (
    FILE_HEADERS,
    RULE_HEADERS,
    PeopleDigest,
    QualityDigest,
    changes_line,
    full_list_line,
    people_digest,
    quality_digest,
    severities_text,
    shown_teams,
    too_many,
)

DEFAULT_WIDTH = 80
MIN_WIDTH = 40
MAX_WIDTH = 120
"""On a terminal the report follows its width, within these bounds."""

STAFF_INDENT = "  "
FINDING_INDENT = "    "
GAP = "  "
MIN_MESSAGE_WIDTH = 24
"""Below this, a message goes on its own line under the severity and dates."""

SEVERITY_STYLES = {"breach": "bold red", "warning": "yellow"}
_MARKER_WIDTH = max(len(severity_label(s)) for s in SEVERITY_STYLES)
CHANGE_STYLES = {"new": "bold red", "resolved": "green"}
_CHANGE_WIDTH = max(len(label) for label in CHANGE_LABELS.values())

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Text from the data, with tabs and newlines as spaces and other control characters visible."""
    return _CONTROL.sub("\ufffd", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))


def _wrap(text: str, width: int) -> list[str]:
    lines = textwrap.wrap(_clean(text), width=max(width, 1), break_long_words=True, break_on_hyphens=False)
    return lines or [""]


def _wrap_parts(parts: Sequence[str], width: int) -> list[str]:
    """Join `parts` with ` · `, breaking lines only between parts (or inside one too long)."""
    lines: list[str] = []
    current = ""
    for part in map(_clean, parts):
        candidate = f"{current}{DOT}{part}" if current else part
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _wrap(part, width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


class _Page:
    """Lines of rich Text, each already within the width."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[Text] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1].plain:
            self.lines.append(Text())

    def text(self, text: str, style: str = "", indent: str = "") -> None:
        for line in _wrap(text, self.width - len(indent)):
            self.lines.append(Text(indent) + Text(line, style=style))

    def heading(self, text: str) -> None:
        self.blank()
        lines = _wrap(text, self.width)
        for line in lines:
            self.lines.append(Text(line, style="bold"))
        self.lines.append(Text("-" * max(len(line) for line in lines)))

    def parts(self, parts: Sequence[str], style: str = "") -> None:
        for line in _wrap_parts(parts, self.width):
            self.lines.append(Text(line, style=style))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Text in the first column (wrapped within what the figures leave, at least 12
        characters), figures right-aligned after it; on a narrower page, a row a line."""
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers) if i]
        first = self.width - len(STAFF_INDENT) - sum(widths) - len(GAP) * len(widths)
        if first < 12:
            for row in rows:
                figures = ", ".join(
                    f"{header.lower()} {cell}" for cell, header in zip(row[1:], headers[1:], strict=True)
                )
                self.text(f"{row[0]}: {figures}", indent=STAFF_INDENT)
            return
        self.row(headers[0], headers[1:], widths, first, style="bold")
        for row in rows:
            self.row(row[0], row[1:], widths, first)

    def row(
        self, text: str, cells: Sequence[str], widths: Sequence[int], text_width: int, style: str = ""
    ) -> None:
        """One table row: `text` wrapped within `text_width`, then the cells right-aligned."""
        names = _wrap(text, text_width)
        figures = "".join(GAP + cell.rjust(width) for cell, width in zip(cells, widths, strict=True))
        self.lines.append(Text(STAFF_INDENT + names[0].ljust(text_width) + figures, style=style))
        self.lines.extend(Text(STAFF_INDENT + rest) for rest in names[1:])

    def finding(self, finding: Finding, dates: str, dates_width: int) -> None:
        """One finding: marker, dates, message; the message wrapped under itself."""
        marker = Text(
            severity_label(finding.severity).ljust(_MARKER_WIDTH),
            style=SEVERITY_STYLES.get(finding.severity, "bold"),
        )
        self.marked(marker, dates, dates_width, finding.message)

    def marked(self, marker: Text, dates: str, dates_width: int, message: str) -> None:
        """A marker (severity, or NEW/RESOLVED), dates and a message wrapped under itself."""
        prefix = Text(FINDING_INDENT) + marker + Text(GAP)
        if dates_width:
            prefix += Text(dates.ljust(dates_width) + GAP)
        available = self.width - len(prefix.plain)
        if available < MIN_MESSAGE_WIDTH:
            prefix.rstrip()
            self.lines.append(prefix)
            self.text(message, indent=FINDING_INDENT + "  ")
            return
        lines = _wrap(message, available)
        self.lines.append(prefix + Text(lines[0]))
        hang = " " * len(prefix.plain)
        self.lines.extend(Text(hang + line) for line in lines[1:])


def terminal_width() -> int:
    columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


class ConsoleReporter(Reporter):
    """Rendered text; `render()` gives the plain 80-column text a mail client shows."""

    name = "console"

    def __init__(self, *, color: bool = False, width: int = DEFAULT_WIDTH) -> None:
        self.color = color
        self.width = width

    def render(self, result: CheckResult) -> str:
        return self.render_text(result, color=self.color, width=self.width)

    def render_for(self, result: CheckResult, *, terminal: bool, color: bool | None) -> str:
        if color is None:
            color = terminal and not os.environ.get("NO_COLOR")
        width = terminal_width() if terminal else self.width
        return self.render_text(result, color=color, width=width)

    def render_text(self, result: CheckResult, *, color: bool, width: int) -> str:
        page = _Page(max(width, MIN_WIDTH))
        self._compose(page, result)
        return _to_string(page.lines, color=color, width=page.width)

    def _compose(self, page: _Page, result: CheckResult) -> None:
        page.text(report_title(result), style="bold")
        page.parts(header_parts(result))
        if result.audience:
            page.text(result.audience)
        if result.instructions:
            page.blank()
            page.text(result.instructions, style="bold")
        if result.not_judged:
            page.heading(NOT_JUDGED_HEADING)
            for line in result.not_judged:
                page.text(line, style="bold yellow", indent=STAFF_INDENT)
        self._compliance(page, result)
        if result.since_last is not None:
            self._since_last(page, result)

        people, quality = split_data_quality(result.findings)
        if too_many(len(people)):
            self._people_digest(page, result, people_digest(result, people))
            people = []
        elif not result.findings:
            page.blank()
            page.text(NO_FINDINGS)
        elif not people:
            page.blank()
            page.text("No findings about staff; data-quality findings follow.")

        dates = {id(finding): date_range(finding.start, finding.end) for finding in people}
        dates_width = max((len(text) for text in dates.values()), default=0)
        for team, staff_groups in group_by_team(people):
            page.heading(team)
            for staff, findings in staff_groups:
                page.blank()
                page.text(staff, style="bold", indent=STAFF_INDENT)
                for finding in findings:
                    page.finding(finding, dates[id(finding)], dates_width)

        if result.due is not None:
            self._due(page, result)

        if quality and too_many(len(quality)):
            page.heading("Data quality")
            self._quality_digest(page, result, quality_digest(quality))
        elif quality:
            page.heading("Data quality")
            code_width = max(len(finding.code) for finding in quality)
            for file, findings in group_by_file(quality):
                page.blank()
                page.text(file, style="bold", indent=STAFF_INDENT)
                for finding in findings:  # (the code where a person's finding has dates)
                    page.finding(finding, finding.code, code_width)

        if result.not_assessed:
            page.heading("Not assessed")
            for item in result.not_assessed:
                page.text(f"{rule_name(result, item.rule)}: {item.reason}", indent=STAFF_INDENT)

        if result.unrouted:
            page.heading(UNROUTED_HEADING)
            page.text(UNROUTED_NOTE, indent=STAFF_INDENT)
            for unrouted in result.unrouted:
                page.text(unrouted_line(unrouted), indent=STAFF_INDENT)

        page.blank()
        parts = summary_parts(result.summary)
        if len(DOT.join(parts)) <= page.width:
            page.parts(parts, style="bold")
        else:  # staff and windows on one line, breaches and warnings on the next
            page.parts(parts[:2], style="bold")
            page.parts(parts[2:], style="bold")
        footer = footer_line(result)
        if footer:
            page.blank()
            page.text(footer)

    @staticmethod
    def _compliance(page: _Page, result: CheckResult) -> None:
        """The rate first, overall and by team, so a manager reads it before the findings."""
        page.blank()
        page.text(compliance_line(result.summary), style="bold")
        page.text(COMPLIANCE_NOTE)
        teams, note = shown_teams(result)
        if not teams:
            return
        if note:
            page.blank()
            page.text(note)
        rows = [team_texts(item) for item in teams]
        headers = ("Team", "Staff", "Windows", "Met", "Excused", "Missed", "Rate", "Breaches")
        # Columns 1-7 are numbers, right-aligned at their width; the team name takes
        # what is left (at least 12 characters) and wraps within it.
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers) if i]
        numbers = sum(widths) + len(GAP) * len(widths)
        team_width = page.width - len(STAFF_INDENT) - numbers
        page.blank()
        if team_width < 12:  # a narrow terminal: a team a line, its figures in words
            for row in rows:
                page.parts(
                    [
                        f"{row[0]}: {row[6]}",
                        f"{row[2]} windows, {row[3]} met, {row[4]} excused, {row[5]} missed",
                    ]
                    + [plural(int(row[7]), "breach", "breaches")]
                )
            return

        page.row(headers[0], headers[1:], widths, team_width, style="bold")
        for row in rows:
            page.row(row[0], row[1:8], widths, team_width)

    @staticmethod
    def _people_digest(page: _Page, result: CheckResult, digest: PeopleDigest) -> None:
        """Too many findings about staff to list: counts by rule, then the staff with the
        most breaches, and where the full list is."""
        page.heading("Findings")
        page.text(digest.line())
        page.text(full_list_line(result), style="bold")
        page.heading("By rule")
        page.table(RULE_HEADERS, digest.rule_rows())
        page.heading(digest.worst_heading())
        for who, team, manager, breaches, warnings, rules in digest.worst:
            page.blank()
            page.text(f"{who}: {severities_text(breaches, warnings)}", style="bold", indent=STAFF_INDENT)
            page.text(
                DOT.join(p for p in (team, manager and f"line manager {manager}") if p), indent=FINDING_INDENT
            )
            page.text(rules, indent=FINDING_INDENT)

    @staticmethod
    def _quality_digest(page: _Page, result: CheckResult, digest: QualityDigest) -> None:
        """Too many data-quality findings to list: counts by file, column and code."""
        page.blank()
        page.text(digest.line())
        page.text(full_list_line(result), style="bold")
        page.blank()
        rows = [
            (f"{file}: {column} ({code})", breaches, warnings)
            for file, column, code, breaches, warnings in digest.file_rows()
        ]
        page.table(("File: column (code)", *FILE_HEADERS[3:]), rows)

    @staticmethod
    def _due(page: _Page, result: CheckResult) -> None:
        """A line manager's "due soon" list, under their breaches."""
        from .due import due_lines

        page.heading(due_heading(result))
        for line in result.due_not_judged:
            page.text(line, style="bold yellow", indent=STAFF_INDENT)
        if not result.due and not result.due_not_judged:
            page.text(NOTHING_DUE_FOR_YOU, indent=STAFF_INDENT)
        for line in due_lines(result.due or [], page.width)[1:]:
            page.lines.append(Text(line))

    @staticmethod
    def _since_last(page: _Page, result: CheckResult) -> None:
        since = result.since_last
        assert since is not None
        page.heading(SINCE_LAST_HEADING)
        page.text(since_last_line(since), indent=STAFF_INDENT)
        for line in since_last_skipped(since):
            page.text(line, indent=STAFF_INDENT)
        rows = since_last_rows(since)
        if too_many(len(rows)):
            page.text(changes_line(len(rows)), indent=STAFF_INDENT)
            page.text(full_list_line(result), style="bold", indent=STAFF_INDENT)
            return
        dates = [date_range(finding.start, finding.end) for _change, finding in rows]
        dates_width = max((len(text) for text in dates), default=0)
        for (change, finding), when in zip(rows, dates, strict=True):
            marker = Text(CHANGE_LABELS[change].ljust(_CHANGE_WIDTH), style=CHANGE_STYLES[change])
            page.marked(marker, when, dates_width, finding.message)


def _to_string(lines: list[Text], *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    for line in lines:
        console.print(line, soft_wrap=True)
    return buffer.getvalue()
