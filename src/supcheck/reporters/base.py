"""What every reporter shares: the write lifecycle and the labels they print.

As in flake8's formatters, a reporter is a small object with one job: turn a
`CheckResult` that the engine has already computed into text (or, for the
workbook, bytes). Where that output goes -- standard output or a file -- is
handled here, once. Reporters never filter or judge findings: they keep the
engine's order, grouping findings under team, staff or file headings for the
human-readable formats; the only arithmetic they do is counting what they
display.

The helpers below (date ranges, team and staff labels, column order) are
shared so that every human-readable format says the same thing the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from ..errors import SupcheckError, printable
from ..models import CheckResult, Finding, FindingRow, SinceLast, Summary, TeamSummary, Unrouted


class ReportError(SupcheckError, ValueError):
    """A report cannot be produced or written (unknown format, binary to stdout, unwritable file).

    A `SupcheckError`, so the CLI prints it as one line and exits 2.
    """


class Reporter:
    """Base of all reporters.

    Subclasses set `name` and `binary` and implement `render`. Those that
    adapt to the destination (the console reporter's colour and width)
    override `render_for`.
    """

    name: ClassVar[str] = ""
    binary: ClassVar[bool] = False
    """True when the output is bytes (a workbook): it cannot go to standard output."""

    def render(self, result: CheckResult) -> str | bytes:
        """The whole report, exactly as `write` would put it in a file."""
        raise NotImplementedError

    def render_for(self, result: CheckResult, *, terminal: bool, color: bool | None) -> str | bytes:
        """The report for a destination: `terminal` when it is an interactive terminal.

        `color` is the caller's choice (None: decide from the destination).
        Most formats ignore both.
        """
        return self.render(result)

    def pieces(self, result: CheckResult, *, terminal: bool, color: bool | None) -> Iterator[str | bytes]:
        """The report in the pieces it is written in: by default all of it at once. The
        JSON and CSV reports come a block of findings at a time, so that the text of a
        long national period (250,000 findings, 100 MB) is never held whole."""
        yield self.render_for(result, terminal=terminal, color=color)

    def write(self, result: CheckResult, out: Path | None, *, color: bool | None = None) -> None:
        """Write the report to `out`, or to standard output when `out` is None.

        Text is UTF-8. A file is written next to its final name and renamed
        into place, so a cron job never mails half a report.
        """
        if out is None:
            write_stdout(self.stdout_payload(result, color=color))
            return
        write_file(Path(out), self.pieces(result, terminal=False, color=color))

    def stdout_payload(self, result: CheckResult, *, color: bool | None = None) -> bytes:
        """The report as standard output will receive it (for a terminal when it is one).

        Split from the writing so that the CLI renders while its progress display is
        drawn and writes once the display is gone (`write_stdout`).
        """
        if self.binary:
            raise ReportError(
                f"the {self.name} report is a binary file and cannot go to standard output;"
                f" give --output FILE"
            )
        pieces = self.pieces(result, terminal=_isatty(sys.stdout), color=color)
        return b"".join(_encoded(piece) for piece in pieces)


def _encoded(piece: str | bytes) -> bytes:
    return piece.encode("utf-8") if isinstance(piece, str) else piece


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def write_stdout(data: bytes) -> None:
    """Write a rendered report (`Reporter.stdout_payload`) to standard output; a full disk
    or a closed device (`> /dev/full`) is a ReportError, as it is for `--output`. A reader
    that left (`| head`) is not an error: BrokenPipeError goes on to `cli.main`."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            stream.write(data.decode("utf-8"))
            stream.flush()
        else:
            stream.flush()
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReportError(f"cannot write the report to standard output: {reason}") from error


def write_file(path: Path, payload: str | bytes | Iterable[str | bytes]) -> None:
    """Write `payload` (text, bytes, or pieces of them written as they come) to `path`,
    through a partial file renamed into place when possible.

    The rename is used only for a new file or an existing regular file (not a
    symlink): `-o /dev/stdout`, a named pipe or a symlink is written through
    directly, as the shell's `>` would. If the folder does not allow a
    partial file next to the report, the report is written directly too (the pieces
    are then gathered first, since a failed attempt has used them up).
    """
    pieces: Iterable[str | bytes] = [payload] if isinstance(payload, str | bytes) else payload
    try:
        if not path.is_symlink() and (path.is_file() or not path.exists()):
            partial = path.with_name(f".{path.name}.{os.getpid()}.part")
            try:
                stream = open(partial, "wb")  # noqa: SIM115 (closed below, before the rename)
            except OSError:
                if not path.parent.is_dir():
                    raise
                pieces = [b"".join(_encoded(piece) for piece in pieces)]
            else:
                try:
                    with stream:
                        for piece in pieces:
                            stream.write(_encoded(piece))
                    os.replace(partial, path)
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
                return
        with open(path, "wb") as stream:
            for piece in pieces:
                stream.write(_encoded(piece))
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReportError(f"cannot write the report to {path}: {reason}") from error


# --- columns shared by the CSV report and the workbook ---------------------------------------

COLUMNS: tuple[str, ...] = (
    "kind",
    "rule",
    "severity",
    "staff_id",
    "staff_name",
    "team",
    "case_id",
    "start",
    "end",
    "message",
    "source",
    "file",
    "row",
    "column",
    "value",
    "line_manager_id",
    "line_manager_name",
    "code",
)
"""One finding a row, in this order: the CSV header. Columns added later (the line
manager, a data-quality finding's code) are last, so that scripts reading the columns
by position keep working."""

DQ_FIELDS: tuple[str, ...] = ("code", "file", "row", "column", "value")
"""Fields present only on data-quality findings in the JSON report."""


def finding_cells(finding: Finding | FindingRow) -> tuple[Any, ...]:
    """The values of `COLUMNS` for one finding, with their Python types (dates, ints, None)."""
    return tuple(getattr(finding, column) for column in COLUMNS)


# --- labels for the human-readable formats ---------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DASH = "\u2013"  # en dash, as in "1 Jun–30 Jun 2026"
DOT = " \u00b7 "  # " · " between the parts of a header or summary line

NO_TEAM = "No team recorded"
NO_STAFF = "No staff member"
NO_FILE = "No file named"

SEVERITY_LABELS: dict[str, str] = {"breach": "BREACH", "warning": "WARNING"}


def human_date(day: date) -> str:
    """`1 Jun 2026`: English month names whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_range(start: date | None, end: date | None) -> str:
    """`5 May 2026`, `1 Jun–30 Jun 2026` or `28 Dec 2025–3 Jan 2026`; empty when no dates."""
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return human_date(start or end)  # type: ignore[arg-type]
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]}{DASH}{human_date(end)}"
    return f"{human_date(start)}{DASH}{human_date(end)}"


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity.upper())


def team_label(team: str) -> str:
    return team or NO_TEAM


def staff_label(finding: Finding) -> str:
    """`Beth Evans (S002)`, or whichever of name and id is known."""
    if finding.staff_name and finding.staff_id:
        return f"{finding.staff_name} ({finding.staff_id})"
    return finding.staff_name or finding.staff_id or NO_STAFF


def line_manager_label(finding: Finding) -> str:
    """`Tomasz Nowak (S005)`, the id alone when the staff table does not name them, or empty."""
    if finding.line_manager_name and finding.line_manager_id:
        return f"{finding.line_manager_name} ({finding.line_manager_id})"
    return finding.line_manager_id


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def report_title(result: CheckResult) -> str:
    """`Supervision check: Northshire County Council`, or the policy when no organisation is set."""
    return f"Supervision check: {result.organisation or result.policy}"


def rule_name(result: CheckResult, rule: str) -> str:
    """The rule in words (the pack's title for it), or its id when the pack gives none."""
    return result.rule_titles.get(rule) or rule


def footer_line(result: CheckResult) -> str | None:
    """`Sent by Northshire County Council's supervision check (supcheck 0.1.0), as of 20 Nov
    2026.`: the last line of a report for people, only when an organisation is set."""
    if not result.organisation:
        return None
    return (
        f"From {result.organisation}: supervision check against {result.policy_title or result.policy},"
        f" as of {human_date(result.as_of)} (supcheck {result.supcheck_version})."
    )


def header_parts(result: CheckResult) -> list[str]:
    """Policy, period, as-of date and version, for a header line."""
    policy = f"Policy {result.policy}"
    if result.policy_title:
        policy += f" ({result.policy_title})"
    period = f"Period {date_range(result.period.start, result.period.end)}"
    as_of = f"as of {human_date(result.as_of)}"
    return [policy, period, as_of, f"supcheck {result.supcheck_version}"]


def summary_parts(summary: Summary) -> list[str]:
    """`10 staff`, `58 windows assessed, 53 met, 3 excused, 2 missed`, `7 breaches`, `4 warnings`.

    Counts are shown as the engine gave them; nothing is derived here.
    """
    windows = (
        f"{plural(summary.windows_assessed, 'window')} assessed, {summary.windows_met:,} met,"
        f" {summary.windows_excused:,} excused, {summary.windows_missed:,} missed"
    )
    return [
        f"{summary.staff:,} staff",
        windows,
        plural(summary.breaches, "breach", "breaches"),
        plural(summary.warnings, "warning"),
    ]


SUMMARY_LABELS: tuple[tuple[str, str], ...] = (
    ("staff", "Staff checked"),
    ("windows_assessed", "Windows assessed"),
    ("windows_met", "Windows met"),
    ("windows_excused", "Windows excused"),
    ("windows_missed", "Windows missed"),
    ("breaches", "Breaches"),
    ("warnings", "Warnings"),
)
"""Each summary count and its label, in the order of the JSON report's summary."""


def summary_rows(summary: Summary) -> list[tuple[str, int]]:
    return [(label, getattr(summary, field)) for field, label in SUMMARY_LABELS]


# --- the compliance rate, overall and by team (computed by the engine: `Summary.compliance`) ---

COMPLIANCE_LABEL = "Compliance rate"
NO_RATE = "no rate"
"""Shown for the rate when no window was met or missed (nothing to divide by)."""
COMPLIANCE_NOTE = (
    "Compliance rate = windows met \u00f7 (windows assessed \u2212 windows excused): a window"
    " excused by an absence counts neither for nor against, and is shown apart."
)
SUMMARY_HEADING = "Summary"
TEAMS_HEADING = "By team"
TEAM_HEADERS: tuple[str, ...] = (
    "Team",
    "Staff",
    "Windows assessed",
    "Met",
    "Excused",
    "Missed",
    COMPLIANCE_LABEL,
    "Breaches",
    "Warnings",
)
"""The by-team table's columns (HTML, Markdown, workbook; the console abbreviates)."""


def rate_text(rate: float | None) -> str:
    """`98.2%` (one decimal, as the health check shows rates), or `no rate`."""
    return NO_RATE if rate is None else f"{rate * 100:.1f}%"


def compliance_line(summary: Summary) -> str:
    """`Compliance rate 98.2%: 221 of 225 windows met (1 excused, not in the rate)`."""
    judged = summary.windows_met + summary.windows_missed
    if summary.compliance is None:
        excused = f" ({summary.windows_excused:,} excused)" if summary.windows_excused else ""
        return f"{COMPLIANCE_LABEL}: none, no window was met or missed{excused}"
    return (
        f"{COMPLIANCE_LABEL} {rate_text(summary.compliance)}: {summary.windows_met:,} of"
        f" {plural(judged, 'window')} met ({summary.windows_excused:,} excused, not in the rate)"
    )


def team_values(item: TeamSummary) -> tuple[Any, ...]:
    """One by-team row, as values (the rate a fraction or None): the workbook's cells."""
    s = item.summary
    return (
        team_label(item.team),
        s.staff,
        s.windows_assessed,
        s.windows_met,
        s.windows_excused,
        s.windows_missed,
        s.compliance,
        s.breaches,
        s.warnings,
    )


def team_texts(item: TeamSummary) -> tuple[str, ...]:
    """One by-team row as text, the rate as `98.2%`: HTML, Markdown and console."""
    values = team_values(item)
    return tuple(rate_text(v) if i == 6 else str(v) for i, v in enumerate(values))


NO_FINDINGS = "No findings for this period."


def due_heading(result: CheckResult) -> str:
    """`Due by 3 Nov 2026: nothing yet counts towards these` (a manager's copy)."""
    assert result.due_until is not None
    return f"Due by {human_date(result.due_until)}: nothing yet counts towards these"


NOTHING_DUE_FOR_YOU = "Nothing is due for the staff you manage."


# --- sections of unattended runs: since the last report, staff with no manager to mail ---------

SINCE_LAST_HEADING = "Since the last report"
NOT_JUDGED_HEADING = "Not judged: the exports end or begin inside the period"
UNROUTED_HEADING = "Not sent to a line manager"
UNROUTED_NOTE = (
    "The breaches of these staff were not mailed to a line manager, for the reason given;"
    " they are in this report only."
)
CHANGE_LABELS: dict[str, str] = {"new": "NEW", "resolved": "RESOLVED"}


def since_last_line(since: SinceLast) -> str:
    """One sentence: what this report was compared with and how many breaches changed."""
    if since.previous is None:
        count = plural(len(since.new), "breach", "breaches")
        readable = " readable" if since.skipped else ""
        return f"No{readable} earlier report to compare with: {count} in this report, all new."
    return f"Compared with {since.previous}: {len(since.new)} new, {len(since.resolved)} resolved."


def since_last_skipped(since: SinceLast) -> list[str]:
    """One sentence for each newer report passed over, and why, under the since-last sentence."""
    return [f"Passed over {printable(item.file)}: {item.reason}." for item in since.skipped]


def since_last_rows(since: SinceLast) -> list[tuple[str, Finding]]:
    """(change, finding) to list under the sentence: nothing when there was no earlier report."""
    if since.previous is None:
        return []
    return [("new", f) for f in since.new] + [("resolved", f) for f in since.resolved]


def unrouted_label(item: Unrouted) -> str:
    if item.staff_name and item.staff_id:
        return f"{item.staff_name} ({item.staff_id})"
    return item.staff_name or item.staff_id


def unrouted_line(item: Unrouted) -> str:
    """`Linda Marsh (S035): line manager S077 is not in the staff table (no breach)`."""
    breaches = "no breach" if not item.breaches else plural(item.breaches, "breach", "breaches")
    return f"{unrouted_label(item)}: {item.reason} ({breaches})"


# --- grouping for display (nothing is dropped or reordered within a group) ---------------------


def split_data_quality(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(findings about people, data-quality findings), each in the order given."""
    people: list[Finding] = []
    quality: list[Finding] = []
    for finding in findings:
        (quality if finding.is_data_quality else people).append(finding)
    return people, quality


StaffGroup = tuple[str, list[Finding]]
TeamGroup = tuple[str, list[StaffGroup]]


def group_by_team(findings: Sequence[Finding]) -> list[TeamGroup]:
    """Findings under team headings (alphabetical, "no team" last), then under staff.

    Staff appear in the order of their first finding, and each staff member's
    findings keep the order given (the engine's order).
    """
    teams: dict[str, dict[str, list[Finding]]] = {}
    for finding in findings:
        staff = teams.setdefault(finding.team, {})
        staff.setdefault(finding.staff_id or finding.staff_name, []).append(finding)
    ordered = sorted(teams, key=lambda team: (team == "", team.casefold(), team))
    return [
        (team_label(team), [(staff_label(items[0]), items) for items in teams[team].values()])
        for team in ordered
    ]


def by_file_and_row(findings: Iterable[Finding]) -> list[Finding]:
    """Data-quality findings in the order an analyst fixes the exports: by file name
    (alphabetical, none last), then row (none first: about the whole file); the engine's
    order (by staff, cli.md) otherwise. For display: JSON, CSV and workbook keep the
    contract's order."""
    return sorted(
        findings,
        key=lambda f: (not f.file, (f.file or "").casefold(), f.file or "", f.row is not None, f.row or 0),
    )


def group_by_file(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Data-quality findings under the file they name, in file and row order (`by_file_and_row`)."""
    files: dict[str, list[Finding]] = {}
    for finding in by_file_and_row(findings):
        files.setdefault(finding.file or "", []).append(finding)
    return [(file or NO_FILE, items) for file, items in files.items()]


def counts_by_kind(findings: Iterable[Finding]) -> list[tuple[str, int, int]]:
    """(kind, breaches, warnings) for each kind present, kinds in alphabetical order."""
    counts: dict[str, list[int]] = {}
    for finding in findings:
        pair = counts.setdefault(finding.kind, [0, 0])
        pair[0 if finding.severity == "breach" else 1] += 1
    return [(kind, *counts[kind]) for kind in sorted(counts)]  # type: ignore[misc]
