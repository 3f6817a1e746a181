"""Run a pack's rules over a dataset: match groups, index data once, collect findings.

The engine adds nothing to a rule's judgement; it decides which rules can be assessed
(a rule whose table or column is missing is "not assessed", never "passed"), which
staff each rule applies to (their group), applies `--strict`, `--team` and `--staff`,
sorts the findings and counts the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from . import __version__, collector
from .coverage import FULL, Coverage, Span
from .dq import about_record
from .models import (
    CheckResult,
    Dataset,
    Finding,
    FindingTable,
    NotAssessed,
    Period,
    Staff,
    Summary,
    TableSpan,
    TeamSummary,
    finding_rows,
)
from .packs import Group, Pack, is_nqsw
from .rules import RuleContext, build_rule
from .rules.base import Assessment, IndexedSessions, Rule, index_sessions
from .schedule import AssessedWindow
from .text import date_range, long_date
from .window_judging import STATUSES, WindowColumns


@dataclass
class Scope:
    """Which staff the report is limited to (`--team`, `--staff`); empty means everyone."""

    teams: frozenset[str] = frozenset()
    staff_ids: frozenset[str] = frozenset()

    @property
    def everyone(self) -> bool:
        return not self.teams and not self.staff_ids

    def includes(self, staff: Staff | None) -> bool:
        if self.everyone:
            return True
        if staff is None:
            return False
        if self.staff_ids and staff.staff_id in self.staff_ids:
            return True
        return bool(self.teams) and staff.team.casefold() in {t.casefold() for t in self.teams}


@dataclass
class EngineRun:
    """A check's full outcome: the report, plus everything the rules judged (windows, and
    the met-or-not assessments of the other rules) that the health check and `explain`
    read, so the date arithmetic is done once."""

    result: CheckResult
    groups: dict[str, Group] = field(default_factory=dict)
    #: Set when the exports cover no part of the period, so that no rule judged anything:
    #: the sentence saying so (the command exits 2 with it rather than report "no breach").
    judged_nothing: str | None = None
    #: The indexed data the rules read (sessions by person, absences), for readers that
    #: need the same view, such as the health check's gaps between qualifying sessions.
    context: RuleContext | None = None
    scope: Scope = field(default_factory=Scope)
    _assessments: list[Assessment] | None = field(default=None, repr=False)
    _windows: list[AssessedWindow] | None = field(default=None, repr=False)

    @property
    def windows(self) -> list[AssessedWindow]:
        """Every window judged by a window-based rule, within the scope.

        Built on first use: the frequency rule keeps its 400,000 windows of a national
        run as columns, and a check that only reports needs just their counts."""
        if self._windows is None:  # (a scoped run's are listed by run_check)
            self._windows = list(self.context.all_windows()) if self.context is not None else []
        return self._windows

    @property
    def judged_windows(self) -> Sequence[AssessedWindow | WindowColumns]:
        """The windows within the scope as the run keeps them: for everyone, a rule's at a
        time as columns (`windows` lists them one by one, 2 million over five national
        years); for a scoped run, listed."""
        if self._windows is None and self.context is not None:
            return self.context.windows
        return self.windows

    @property
    def assessments(self) -> list[Assessment]:
        """Every judgement of the rules that are not window-based, within the scope.

        Built on first use: a check that only reports never needs them, and the case
        rules make hundreds of thousands (kept as columns until then)."""
        if self._assessments is None:
            ctx = self.context
            if ctx is None:
                return []
            every = ctx.all_assessments()
            if not self.scope.everyone:
                staff = ctx.data.staff
                every = (a for a in every if self.scope.includes(staff.get(a.staff_id)))
            self._assessments = list(every)
        return self._assessments


def default_period(as_of: date) -> Period:
    """The last complete calendar month before as_of."""
    first_this_month = as_of.replace(day=1)
    last_month_end = date.fromordinal(first_this_month.toordinal() - 1)
    return Period(**{"from": last_month_end.replace(day=1), "to": last_month_end})


def match_groups(data: Dataset, pack: Pack, on: date) -> tuple[dict[str, Group], list[Finding]]:
    """Each staff member's group on date `on`; matching none is a data-quality finding."""
    groups: dict[str, Group] = {}
    findings = []
    # A group depends only on these three (Group.matches): looked up once per combination.
    matched: dict[tuple, Group | None] = {}
    for staff in data.staff.values():
        key = (staff.role, staff.case_holding, staff.asye_start is not None and is_nqsw(staff, on))
        if key not in matched:
            matched[key] = pack.group_for(staff, on)
        group = matched[key]
        if group is None:
            findings.append(
                about_record(
                    staff,
                    "unmatched-role",
                    name=staff.display_name,
                    pack=pack.id,
                    column="role",
                    value=staff.role,
                    staff_id=staff.staff_id,
                )
            )
        else:
            groups[staff.staff_id] = group
    return groups, findings


def _employed_in(staff: Staff, period: Period) -> bool:
    return staff.start_date <= period.end and (staff.end_date is None or staff.end_date >= period.start)


def run_check(
    data: Dataset,
    pack: Pack,
    period: Period,
    as_of: date,
    *,
    load_findings: Iterable[Finding] = (),
    strict: bool = False,
    scope: Scope | None = None,
    coverage: Coverage = FULL,
    indexed: IndexedSessions | None = None,
) -> EngineRun:
    """Apply every rule of `pack` to `data` for `period`, as known on `as_of`, judging
    only what lies inside the `coverage` of the tables each rule reads. `indexed`: the
    sessions already indexed (`index_sessions`), when several periods are checked on one
    load (the health check's two years share one sorted copy of the sessions)."""
    scope = scope or Scope()
    judged_on = min(period.end, as_of)
    groups, group_findings = match_groups(data, pack, judged_on)
    sessions, session_rows = indexed or index_sessions(data.sessions)
    ctx = RuleContext(
        data=data,
        pack=pack,
        period=period,
        as_of=as_of,
        groups=groups,
        sessions=sessions,
        session_rows=session_rows,
    )
    not_assessed: list[NotAssessed] = []
    findings = FindingTable.of([*load_findings, *group_findings])
    covered = _CoveredContexts(ctx, coverage, data)
    outside_coverage = 0
    for spec in pack.rules.values():
        rule = build_rule(spec)
        reason = rule.missing_input(data)
        rule_ctx = ctx
        if reason is None:
            span = covered.span(rule)
            reason = _outside(span, period)
            if reason is not None:
                outside_coverage += 1
            else:
                rule_ctx = covered.context(span)
        reason = reason or rule.not_assessable(rule_ctx)
        if reason is not None:
            not_assessed.append(NotAssessed(rule=spec.id, reason=reason))
            continue
        findings.extend(rule.check(rule_ctx))
        collector.release()  # (the rule's temporaries: the case rules' are gigabytes)

    _finish(findings, data.staff, strict)
    windows = None  # (a run for everyone keeps its 400,000 windows as they are)
    if scope.everyone:
        judged = ctx.windows
    else:
        findings = findings.take(
            i
            for i, staff_id in enumerate(findings.column("staff_id"))
            if scope.includes(data.staff.get(staff_id)) or _unscoped(staff_id, scope)
        )
        windows = [
            w for judged in ctx.windows for w in judged.about(lambda i: scope.includes(data.staff.get(i)))
        ]
        judged = windows
    counts = window_counts(pack, judged)
    findings = findings.sorted()
    counted = [s for s in data.staff.values() if _employed_in(s, period) and scope.includes(s)]
    summary = summarise(counts, findings, len(counted))
    teams = team_summaries(windows_by_person(pack, judged), findings, counted)
    result = CheckResult(
        supcheck_version=__version__,
        policy=pack.id,
        policy_title=pack.title,
        period=period,
        as_of=as_of,
        not_assessed=not_assessed,
        coverage=list(coverage.tables.values()),
        not_judged=covered.not_judged(period, as_of),
        summary=summary,
        findings=findings,
        teams=teams,
        rule_titles={spec.id: spec.title for spec in pack.rules.values() if spec.title},
    )
    nothing = None
    if outside_coverage and len(not_assessed) == len(pack.rules):
        nothing = covered.nothing_judged(period)
    return EngineRun(
        result=result, groups=groups, judged_nothing=nothing, context=ctx, scope=scope, _windows=windows
    )


#: Rule kinds that judge windows or months, which the staff's absences can excuse.
_EXCUSED_BY_ABSENCE = frozenset(
    {"frequency", "professional-supervision", "consecutive-missed", "annual-minimum"}
)


class _CoveredContexts:
    """The rule context each rule judges with: the run's, with as_of brought back to the
    last day its tables cover and the first day they cover as `known_from`; one per
    distinct span, so that rules reading the same tables share one (and its caches)."""

    def __init__(self, ctx: RuleContext, coverage: Coverage, data: Dataset):
        self.ctx = ctx
        self.coverage = coverage
        self.data = data
        self.spans: list[Span] = []
        self._contexts: dict[tuple, RuleContext] = {}

    def span(self, rule: Rule) -> Span | None:
        if not self.coverage.tables:
            return None
        # (Staff last: when every export ends on the same day, the report names the
        # rule's own table, which is the one a reader thinks of exporting again.)
        tables = [table for table, _ in rule.needs]
        if rule.kind in _EXCUSED_BY_ABSENCE and self.data.has_table("absences"):
            tables.append("absences")
        tables.append("staff")
        span = self.coverage.span(tables)
        self.spans.append(span)
        return span

    def context(self, span: Span | None) -> RuleContext:
        if span is None:
            return self.ctx
        assert span.ends is not None
        as_of = min(self.ctx.as_of, span.ends)
        key = (as_of, span.begins)
        made = self._contexts.get(key)
        if made is None:
            if as_of == self.ctx.as_of and span.begins is None:
                made = self.ctx
            else:
                made = replace(self.ctx, as_of=as_of, known_from=span.begins)
            self._contexts[key] = made
        return made

    def not_judged(self, period: Period, as_of: date) -> list[str]:
        """What the report says first: the exports that end before the period (as known on
        as_of) does, or begin after it starts, and the days therefore not judged. Exports
        ending on the same day for the same reason share one sentence."""
        last = min(period.end, as_of)
        ending: dict[tuple, list[TableSpan]] = {}
        beginning: dict[str, TableSpan] = {}
        for span in self.spans:
            ends = span.ends_with
            if ends is not None and (ends.ends is None or ends.ends < last):
                same = ending.setdefault((ends.ends, ends.basis), [])
                if ends not in same:
                    same.append(ends)
            begins = span.begins_with
            if begins is not None and begins.begins is not None and begins.begins > period.start:
                beginning.setdefault(begins.table, begins)
        lines = [_ends_line(tables, period.start, last) for tables in ending.values()]
        lines += [
            f"{begins.file} begins on {long_date(begins.first_row or begins.begins)}: windows, months "
            f"and deadlines that start before {begins.begins:%B %Y} were not judged."
            for begins in beginning.values()
            if begins.begins is not None
        ]
        return lines

    def nothing_judged(self, period: Period) -> str:
        """The one line of a run whose exports cover no part of the period."""
        during = date_range(period.start, period.end)
        for span in self.spans:
            ends = span.ends_with
            if ends is not None and (ends.ends is None or ends.ends < period.start):
                if ends.ends is None:
                    return f"nothing in {during} could be judged: {ends.file}: {ends.basis}"
                return (
                    f"nothing in {during} could be judged: {ends.file} ends on "
                    f"{long_date(ends.ends)} ({ends.basis}): export again, or give a period "
                    "the exports cover with --from and --to"
                )
        for span in self.spans:
            begins = span.begins_with
            if begins is not None and begins.begins is not None and begins.begins > period.end:
                return (
                    f"nothing in {during} could be judged: {begins.file} begins on "
                    f"{long_date(begins.first_row or begins.begins)}, after it"
                )
        return f"nothing in {during} could be judged: the exports do not cover it"


def _ends_line(tables: list[TableSpan], first: date, last: date) -> str:
    coverage = tables[0]
    names = " and ".join(c.file for c in tables)
    if coverage.ends is None:
        return f"{names}: {coverage.basis}; nothing was judged."
    start = max(first, coverage.ends + timedelta(days=1))
    end = "ends" if len(tables) == 1 else "end"
    return (
        f"{names} {end} on {long_date(coverage.ends)} ({coverage.basis}); "
        f"{date_range(start, last)} was not judged: export again, or pass --to "
        f"{coverage.ends.isoformat()}."
    )


def _outside(span: Span | None, period: Period) -> str | None:
    """Why a rule's tables cover no part of the period, or None when they cover some."""
    if span is None:
        return None
    if span.ends is None or span.ends < period.start:
        ends = span.ends_with
        assert ends is not None
        if ends.ends is None:
            return f"{ends.file}: {ends.basis}"
        return f"{ends.file} ends on {long_date(ends.ends)}, before the period ({ends.basis})"
    if span.begins is not None and span.begins > period.end:
        begins = span.begins_with
        assert begins is not None
        return f"{begins.file} begins on {long_date(begins.first_row or span.begins)}, after the period"
    return None


def window_counts(pack: Pack, windows: Iterable[AssessedWindow | WindowColumns]) -> Counter[str]:
    """Frequency windows by outcome (professional-supervision windows are not counted
    in the summary); judged windows may come one by one or a rule's at a time."""
    counts: Counter[str] = Counter()
    for item in windows:
        if pack.rules[item.rule].kind != "frequency":
            continue
        if isinstance(item, WindowColumns):
            counts.update(item.count())
        else:
            counts[item.status] += 1
    return counts


def summarise(counts: Mapping[str, int], findings: Sequence[Finding], staff_count: int) -> Summary:
    """The report's counts: frequency windows by outcome (met + excused + missed =
    assessed; `window_counts`) and findings by severity. Anything that reports on a
    subset of a run (a manager's copy) calls this."""
    met, excused, missed = counts.get("met", 0), counts.get("excused", 0), counts.get("missed", 0)
    severities = Counter(row.severity for row in finding_rows(findings))
    return Summary(
        staff=staff_count,
        windows_assessed=met + excused + missed,
        windows_met=met,
        windows_excused=excused,
        windows_missed=missed,
        breaches=severities["breach"],
        warnings=severities["warning"],
        compliance=compliance(met, missed),
    )


def compliance(met: int, missed: int) -> float | None:
    """Windows met / (windows assessed - windows excused), the health check's figure:
    an excused window is left out of the rate. None when no window was met or missed."""
    judged = met + missed
    return met / judged if judged else None


def windows_by_person(pack: Pack, windows: Iterable[AssessedWindow | WindowColumns]) -> dict[str, np.ndarray]:
    """Frequency windows by staff id and outcome (counts in `STATUSES` order): a report on
    some of the run's people (a team, a line manager's staff) adds up theirs rather than
    going through every window of the run."""
    width = len(STATUSES)
    tally: dict[str, np.ndarray] = {}
    for item in windows:
        if pack.rules[item.rule].kind != "frequency":
            continue
        if isinstance(item, WindowColumns):
            cells = np.bincount(item.owner * width + item.status, minlength=len(item.people) * width)
            for person, counts in zip(item.people, cells.reshape(-1, width), strict=True):
                tally[person] = tally[person] + counts if person in tally else counts
        else:
            counts = tally.setdefault(item.staff_id, np.zeros(width, dtype=np.int64))
            counts[STATUSES.index(item.status)] += 1
    return tally


def team_summaries(
    tally: Mapping[str, np.ndarray],
    findings: Sequence[Finding],
    staff: Sequence[Staff],
) -> list[TeamSummary]:
    """`summarise` for each team of `staff` (the staff the report counts), in the order of
    the reports' team headings (alphabetical, no team last), from their frequency windows
    (`windows_by_person`). A team's findings are those about its staff, data-quality ones
    included; findings about no one are in no team."""
    team_of = {s.staff_id: s.team for s in staff}
    names = sorted(set(team_of.values()), key=lambda team: (team == "", team.casefold(), team))
    totals = {team: np.zeros(len(STATUSES), dtype=np.int64) for team in names}
    for staff_id, team in team_of.items():
        counts = tally.get(staff_id)
        if counts is not None:
            totals[team] += counts
    table = FindingTable.of(findings)
    rows: dict[str, list[int]] = {team: [] for team in names}
    for i, staff_id in enumerate(table.column("staff_id")):
        if staff_id in team_of:
            rows[team_of[staff_id]].append(i)
    found = {team: table.take(picked) for team, picked in rows.items()}
    staff_counts = Counter(team_of.values())
    out = []
    for team in names:
        counts = dict(zip(STATUSES, totals[team].tolist(), strict=True))
        out.append(TeamSummary(team=team, summary=summarise(counts, found[team], staff_counts[team])))
    return out


def _unscoped(staff_id: str, scope: Scope) -> bool:
    """Findings about no one in particular (a file, a header) stay in a team's report only
    when the report is not limited to named staff."""
    return not staff_id and not scope.staff_ids


def _finish(findings: FindingTable, people: Mapping[str, Staff], strict: bool) -> None:
    """Attach team, name and line manager for reporters; in strict mode data-quality
    findings are breaches. (Column by column: a national run has 250,000 findings.)"""
    c = findings.columns
    for i, row in enumerate(findings.rows()):
        staff = people.get(row.staff_id) if row.staff_id else None
        if staff is not None and not row.team and not row.staff_name:
            c["team"][i], c["staff_name"][i] = staff.team, staff.name
        if staff is not None and staff.line_manager_id and not row.line_manager_id:
            manager = people.get(staff.line_manager_id)
            c["line_manager_id"][i] = staff.line_manager_id
            c["line_manager_name"][i] = manager.name if manager is not None else ""
        if strict and row.is_data_quality:
            c["severity"][i] = "breach"
