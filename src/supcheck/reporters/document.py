"""The content shared by the Markdown and HTML reports, as plain tables of text.

Both formats show the same thing: title, header line, summary table, rules
not assessed, a findings table per team and a data-quality table. Building
that once here keeps the two in step; each format only escapes and lays out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import CheckResult
from .base import (
    CHANGE_LABELS,
    COMPLIANCE_LABEL,
    DOT,
    NO_FINDINGS,
    TEAM_HEADERS,
    by_file_and_row,
    compliance_line,
    date_range,
    footer_line,
    group_by_team,
    header_parts,
    line_manager_label,
    rate_text,
    report_title,
    rule_name,
    since_last_line,
    since_last_rows,
    since_last_skipped,
    split_data_quality,
    staff_label,
    summary_rows,
    team_texts,
    unrouted_label,
)
from .digest import (
    FILE_HEADERS,
    RULE_HEADERS,
    WORST_HEADERS,
    changes_line,
    full_list_line,
    people_digest,
    quality_digest,
    shown_teams,
    too_many,
)

FINDING_HEADERS = ("Staff", "Line manager", "Severity", "Rule", "Dates", "Message")
QUALITY_HEADERS = ("File", "Row", "Code", "Column", "Value", "Severity", "Message")
SUMMARY_HEADERS = ("Measure", "Count")
CHANGE_HEADERS = ("Change", "Staff", "Rule", "Dates", "Message")
UNROUTED_HEADERS = ("Staff", "Team", "Why not sent", "Breaches")
NO_STAFF_FINDINGS = "No findings about staff; data-quality findings are listed below."


@dataclass
class Table:
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    severity_column: int | None = None
    """Index of the column holding the severity (`breach`/`warning`), for styling."""
    numeric_columns: tuple[int, ...] = ()


@dataclass
class Document:
    title: str
    header: str
    summary: Table
    not_assessed: list[tuple[str, str]]
    teams: list[tuple[str, Table]]
    quality: Table | None
    findings_note: str | None
    """Said under the Findings heading when there is no finding about staff, else None."""
    not_judged: list[str] = field(default_factory=list)
    """What the exports do not cover, said first (`CheckResult.not_judged`)."""
    audience: str = ""
    """Whom this copy is for (a line manager's e-mail), said under the header."""
    since_last: str | None = None
    """The since-last sentence, when the run compared with its previous report."""
    since_last_skipped: list[str] = field(default_factory=list)
    """The newer reports passed over, and why, said under the since-last sentence."""
    changes: Table | None = None
    """New and resolved breaches, under the since-last sentence."""
    unrouted: Table | None = None
    """Staff whose breaches were not mailed to a line manager."""
    teams_summary: Table | None = None
    """The summary by team (`CheckResult.teams`), under the summary."""
    teams_note: str = ""
    """Said above `teams_summary` when it lists only some teams (`digest.shown_teams`)."""
    compliance: str = ""
    """The compliance rate in a sentence: what a line manager's copy shows for the summary."""
    instructions: str = ""
    """What a line manager is asked to do (config), above their list."""
    footer: str | None = None
    """Whom the report is from (`footer_line`), the last line; None without an organisation."""
    findings_summary: list[str] = field(default_factory=list)
    """Too many findings about staff to list (`digest`): what is said instead, under the
    Findings heading, and the tables that follow it (by rule, the staff with most breaches)."""
    findings_tables: list[tuple[str, Table]] = field(default_factory=list)
    quality_summary: list[str] = field(default_factory=list)
    """Too many data-quality findings to list: what is said above `quality`, then counted by file."""
    changes_summary: list[str] = field(default_factory=list)
    """Too many changes since the last report to list: said instead of `changes`."""


def build_document(result: CheckResult) -> Document:
    people, quality = split_data_quality(result.findings)
    digests: dict = {}
    if too_many(len(people)):
        digest = people_digest(result, people)
        digests["findings_summary"] = [digest.line(), full_list_line(result)]
        digests["findings_tables"] = [
            ("By rule", Table(RULE_HEADERS, digest.rule_rows(), numeric_columns=(1, 2, 3))),
            (digest.worst_heading(), Table(WORST_HEADERS, digest.worst_rows(), numeric_columns=(3, 4))),
        ]
        people = []
    summary = Table(
        SUMMARY_HEADERS,
        _with_rate([(label, str(count)) for label, count in summary_rows(result.summary)], result),
        numeric_columns=(1,),
    )
    teams_summary = None
    shown, teams_note = shown_teams(result)
    if shown:
        teams_summary = Table(
            TEAM_HEADERS, [team_texts(item) for item in shown], numeric_columns=tuple(range(1, 9))
        )
    teams = []
    for team, staff_groups in group_by_team(people):
        table = Table(FINDING_HEADERS, severity_column=2)
        for staff, findings in staff_groups:
            for finding in findings:
                table.rows.append(
                    (
                        staff,
                        line_manager_label(finding),
                        finding.severity,
                        rule_name(result, finding.rule),
                        date_range(finding.start, finding.end),
                        finding.message,
                    )
                )
        teams.append((team, table))
    quality_table = None
    if too_many(len(quality)):
        counted = quality_digest(quality)
        digests["quality_summary"] = [counted.line(), full_list_line(result)]
        quality_table = Table(FILE_HEADERS, counted.file_rows(), numeric_columns=(3, 4))
    elif quality:
        quality_table = Table(QUALITY_HEADERS, severity_column=QUALITY_HEADERS.index("Severity"))
        for finding in by_file_and_row(quality):
            quality_table.rows.append(
                (
                    finding.file or "",
                    "" if finding.row is None else str(finding.row),
                    finding.code,
                    finding.column or "",
                    finding.value or "",
                    finding.severity,
                    finding.message,
                )
            )
    return Document(
        title=report_title(result),
        header=DOT.join(header_parts(result)),
        summary=summary,
        not_assessed=[(rule_name(result, item.rule), item.reason) for item in result.not_assessed],
        teams=teams,
        quality=quality_table,
        findings_note=None
        if digests.get("findings_summary")
        else _findings_note(bool(result.findings), bool(people)),
        audience=result.audience,
        not_judged=list(result.not_judged),
        teams_summary=teams_summary,
        teams_note=teams_note,
        compliance=compliance_line(result.summary),
        instructions=result.instructions,
        footer=footer_line(result),
        **_unattended(result),
        **digests,
    )


def _with_rate(rows: list[tuple[str, str]], result: CheckResult) -> list[tuple[str, str]]:
    """The summary's counts with the compliance rate after the windows missed."""
    at = next(i for i, (label, _) in enumerate(rows) if label == "Windows missed") + 1
    return [*rows[:at], (COMPLIANCE_LABEL, rate_text(result.summary.compliance)), *rows[at:]]


def _unattended(result: CheckResult) -> dict:
    """The since-last and unrouted parts, present only when the run made them."""
    parts: dict = {}
    since = result.since_last
    if since is not None:
        parts["since_last"] = since_last_line(since)
        parts["since_last_skipped"] = since_last_skipped(since)
        rows = since_last_rows(since)
        if too_many(len(rows)):
            parts["changes_summary"] = [changes_line(len(rows)), full_list_line(result)]
        elif rows:
            parts["changes"] = Table(
                CHANGE_HEADERS,
                [
                    (
                        CHANGE_LABELS[change],
                        staff_label(finding),
                        rule_name(result, finding.rule),
                        date_range(finding.start, finding.end),
                        finding.message,
                    )
                    for change, finding in rows
                ],
            )
    if result.unrouted:
        parts["unrouted"] = Table(
            UNROUTED_HEADERS,
            [(unrouted_label(u), u.team, u.reason, str(u.breaches)) for u in result.unrouted],
            numeric_columns=(3,),
        )
    return parts


def _findings_note(any_findings: bool, any_people: bool) -> str | None:
    if not any_findings:
        return NO_FINDINGS
    if not any_people:
        return NO_STAFF_FINDINGS
    return None
