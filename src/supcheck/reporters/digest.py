"""A run too large to list, summarised: what the console, HTML and Markdown reports show
instead of every finding.

A national run has hundreds of thousands of findings (244,225 over five years at 35,000
staff, README); a million lines on a terminal or a 100 MB e-mail is read by no one. Above
`LIST_LIMIT` findings in a section (findings about staff, data quality, the changes since
the last report) that section is summarised, and a line says where the full list is: the
JSON, CSV or workbook the same run wrote (`CheckResult.full_list`), or how to get one.
A council's monthly check (a few hundred findings) is listed as before.

The summary of findings about staff is what a manager acts on: the findings counted by
rule (which standard is missed, and among how many staff), and the `WORST_CASES` staff
with the most breaches, with their team, line manager and rules, so each can be chased.
Breaches and warnings by team are in the by-team table every report already shows. Data
quality is counted by file, column and code: the order an analyst fixes the exports in.

Only counting here (as `base.counts_by_kind`): nothing is judged or filtered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import CheckResult, Finding, TeamSummary
from .base import DOT, NO_FILE, line_manager_label, rule_name, staff_label, team_label

LIST_LIMIT = 2_000
"""The most findings a section of the console, HTML and Markdown reports lists one by one;
above it the section is summarised. 2,000 keeps a large council's monthly check (1,500
staff, a few hundred findings) listed in full, and turns a national run's hundreds of
thousands of lines into a page."""

WORST_CASES = 20
"""How many staff the summary names, those with the most breaches."""

TEAM_LIMIT = 100
"""The most teams the by-team table of the console, HTML and Markdown reports lists; above
it (a national run has thousands) it lists the `WORST_CASES` teams with the most breaches.
A council has a few dozen teams."""

RULE_HEADERS = ("Rule", "Breaches", "Warnings", "Staff")
WORST_HEADERS = ("Staff", "Team", "Line manager", "Breaches", "Warnings", "Findings by rule")
FILE_HEADERS = ("File", "Column", "Code", "Breaches", "Warnings")
WHOLE_FILE = "(the whole file)"

FULL_LIST_HOW = (
    "For the full list, run again with -f csv -o FILE (or -f xlsx, -f json), or with --output-dir DIR."
)


def too_many(count: int) -> bool:
    """True when `count` items are more than a report for people lists (`LIST_LIMIT`)."""
    return count > LIST_LIMIT


def shown_teams(result: CheckResult) -> tuple[list[TeamSummary], str]:
    """The teams the by-team table lists, and what is said above it (empty when every
    team is listed): beyond `TEAM_LIMIT`, those with the most breaches, then the lowest
    rate (no rate last), ties in the table's order."""
    teams = list(result.teams)
    if len(teams) <= TEAM_LIMIT:
        return teams, ""
    ranked = sorted(
        teams,
        key=lambda item: (
            -item.summary.breaches,
            item.summary.compliance is None,
            item.summary.compliance or 0.0,
        ),
    )[:WORST_CASES]
    note = (
        f"{_number(len(teams))} teams, too many to list here (more than {_number(TEAM_LIMIT)}): these"
        f" are the {len(ranked)} with the most breaches. The JSON report and the workbook's Summary"
        " sheet have every team."
    )
    return ranked, note


def full_list_line(result: CheckResult) -> str:
    """`The full list is in out/x.json, out/x.xlsx and the attached workbook x.xlsx.`, or
    how to get one."""
    places = result.full_list
    if not places:
        return FULL_LIST_HOW
    listed = places[0] if len(places) == 1 else f"{', '.join(places[:-1])} and {places[-1]}"
    return f"The full list is in {listed}."


def _number(count: int) -> str:
    return f"{count:,}"


def severities_text(breaches: int, warnings: int) -> str:
    """`1,204 breaches, 1 warning`."""
    return (
        f"{_number(breaches)} {'breach' if breaches == 1 else 'breaches'},"
        f" {_number(warnings)} {'warning' if warnings == 1 else 'warnings'}"
    )


def _counted(count: int, breaches: int, warnings: int, what: str) -> str:
    return (
        f"{_number(count)} {what} ({severities_text(breaches, warnings)}): too many to list"
        f" here (more than {_number(LIST_LIMIT)}), so they are counted below."
    )


@dataclass
class PeopleDigest:
    """Findings about staff, summarised: counts by rule and the staff with most breaches."""

    count: int
    breaches: int
    warnings: int
    staff: int
    by_rule: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(rule title, breaches, warnings, staff), most breaches first."""
    worst: list[tuple[str, str, str, int, int, str]] = field(default_factory=list)
    """(staff, team, line manager, breaches, warnings, findings by rule), most breaches first."""

    def line(self) -> str:
        return _counted(self.count, self.breaches, self.warnings, "findings about staff")

    def worst_heading(self) -> str:
        return f"Staff with the most breaches: {len(self.worst)} of the {_number(self.staff)} with findings"

    def rule_rows(self) -> list[tuple[str, ...]]:
        return [(rule, _number(b), _number(w), _number(s)) for rule, b, w, s in self.by_rule]

    def worst_rows(self) -> list[tuple[str, ...]]:
        return [
            (who, team, manager, _number(b), _number(w), rules)
            for who, team, manager, b, w, rules in self.worst
        ]


@dataclass
class QualityDigest:
    """Data-quality findings, summarised: counts by file, column and code."""

    count: int
    breaches: int
    warnings: int
    by_file: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    """(file, column, code, breaches, warnings), by file, column, then code."""

    def line(self) -> str:
        return _counted(self.count, self.breaches, self.warnings, "data-quality findings")

    def file_rows(self) -> list[tuple[str, ...]]:
        return [(file, column, code, _number(b), _number(w)) for file, column, code, b, w in self.by_file]


def _severities(findings: Iterable[Finding]) -> tuple[int, int]:
    breaches = warnings = 0
    for finding in findings:
        if finding.severity == "breach":
            breaches += 1
        else:
            warnings += 1
    return breaches, warnings


def people_digest(result: CheckResult, people: Sequence[Finding]) -> PeopleDigest:
    """Count findings about staff by rule and by person; name the `WORST_CASES` with the
    most breaches (then warnings; ties in the engine's order, which is by staff id)."""
    rules: dict[str, list] = {}  # rule -> [breaches, warnings, set of staff]
    staff: dict[str, list] = {}  # staff key -> [first finding, breaches, warnings, Counter of rules]
    for finding in people:
        key = finding.staff_id or finding.staff_name
        breach = finding.severity == "breach"
        counts = rules.setdefault(finding.rule, [0, 0, set()])
        counts[0 if breach else 1] += 1
        counts[2].add(key)
        person = staff.setdefault(key, [finding, 0, 0, Counter()])
        person[1 if breach else 2] += 1
        person[3][finding.rule] += 1
    by_rule = sorted(
        ((rule_name(result, rule), b, w, len(who)) for rule, (b, w, who) in rules.items()),
        key=lambda row: (-row[1], -row[2], row[0].casefold()),
    )
    ranked = sorted(staff.values(), key=lambda person: (-person[1], -person[2]))
    worst = [
        (
            staff_label(first),
            team_label(first.team),
            line_manager_label(first),
            breaches,
            warnings,
            DOT.join(f"{rule_name(result, rule)}: {count:,}" for rule, count in _by_count(found)),
        )
        for first, breaches, warnings, found in ranked[:WORST_CASES]
    ]
    breaches = sum(row[1] for row in by_rule)
    warnings = sum(row[2] for row in by_rule)
    return PeopleDigest(len(people), breaches, warnings, len(staff), by_rule, worst)


def _by_count(found: Counter) -> list[tuple[str, int]]:
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))


def quality_digest(quality: Sequence[Finding]) -> QualityDigest:
    """Count data-quality findings by file, column and code (files alphabetical, none last)."""
    cells: dict[tuple[str, str, str], list[int]] = {}
    for finding in quality:
        counts = cells.setdefault((finding.file or "", finding.column or "", finding.code), [0, 0])
        counts[0 if finding.severity == "breach" else 1] += 1
    ordered = sorted(
        cells, key=lambda key: (not key[0], key[0].casefold(), key[0], key[1].casefold(), key[2])
    )
    by_file = [
        (file or NO_FILE, column or WHOLE_FILE, code, *cells[(file, column, code)])  # type: ignore[misc]
        for file, column, code in ordered
    ]
    breaches, warnings = _severities(quality)
    return QualityDigest(len(quality), breaches, warnings, by_file)


def changes_line(count: int) -> str:
    """Said instead of the since-last table when it would be too long."""
    return (
        f"{_number(count)} {'change' if count == 1 else 'changes'} (new and resolved breaches):"
        f" too many to list here (more than {_number(LIST_LIMIT)})."
    )
