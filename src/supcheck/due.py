"""`supcheck due`: who needs supervising before a window or deadline closes.

A breach report says what went wrong last month; a manager can still change this
month. For the `within` days from the as-of date (14 by default), each requirement
that closes in them with nothing yet counting towards it is listed, with its deadline
and the first booked session that would count ("booked for 9 December 2026").

Nothing is computed a second time: the rules themselves judge, over a context whose
period runs from the as-of date to the horizon and whose as-of date is the horizon.
The exports hold nothing after the real as-of date (future-dated sessions are set
aside as bookings by `integrity`), so what such a run finds missed is exactly what is
still open:

- window rules (`frequency`, `professional-supervision`): a window ending between the
  as-of date and the horizon, with no counted session in it yet and not excused by the
  absences on record (booked leave included); the deadline is its last day;
- `case-discussion`: a clock whose deadline falls between the two days, the case not
  discussed since the last restart;
- annual requirements (`appraisal`, `agreement`, `registration`): met on the as-of
  date but not on the horizon; the deadline is the last day it is still met, found by
  judging the few people concerned day by day (a binary search).

Other rule kinds (session rules, `annual-minimum`, `consecutive-missed`,
`case-recording`) have no deadline of this kind and are not listed. A rule whose tables
the exports do not cover up to the as-of date lists nobody: a window might look open
only because the export stops early; the result says so instead (`not_judged`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from . import __version__
from .coverage import Coverage, Span
from .engine import Scope, match_groups
from .models import Dataset, DueItem, DueResult, Finding, NotAssessed, Period, Staff
from .packs import Pack, RuleSpec
from .rules import RuleContext, build_rule
from .rules.base import index_sessions
from .schedule import INTERVAL_WORDS
from .text import date_range, long_date

DEFAULT_WITHIN = 14

WINDOW_KINDS = frozenset({"frequency", "professional-supervision"})
DEADLINE_KINDS = frozenset({"case-discussion"})
ANNUAL_KINDS = frozenset({"appraisal", "agreement", "registration"})
DUE_KINDS = WINDOW_KINDS | DEADLINE_KINDS | ANNUAL_KINDS

#: The session types a booking must have to count towards a rule of each kind (the
#: frequency rule adds `group` for groups that allow group supervision).
BOOKED_TYPES: dict[str, frozenset[str]] = {
    "frequency": frozenset({"individual"}),
    "professional-supervision": frozenset({"professional"}),
    "case-discussion": frozenset({"individual", "group", "professional"}),
}

ANNUAL_WORDS = {
    "appraisal": "annual appraisal",
    "agreement": "supervision agreement signed by both",
    "registration": "Social Work England registration",
}


def due_soon(
    data: Dataset,
    pack: Pack,
    as_of: date,
    within: int = DEFAULT_WITHIN,
    *,
    coverage: Coverage | None = None,
    scope: Scope | None = None,
) -> DueResult:
    """What closes within `within` days of `as_of` with nothing yet counting towards it."""
    if within < 0:
        raise ValueError("within must be 0 or more days")
    until = as_of + timedelta(days=within)
    scope = scope or Scope()
    groups, _ = match_groups(data, pack, as_of)
    sessions, rows = index_sessions(data.sessions)
    base = RuleContext(
        data=data,
        pack=pack,
        period=Period(**{"from": as_of, "to": until}),
        as_of=until,
        groups=groups,
        sessions=sessions,
        session_rows=rows,
    )
    bookings = _bookings(data)
    items: list[DueItem] = []
    not_assessed: list[NotAssessed] = []
    not_judged: list[str] = []
    for spec in pack.rules.values():
        if spec.kind not in DUE_KINDS:
            continue
        rule = build_rule(spec)
        reason = rule.missing_input(data)
        if reason is not None:
            not_assessed.append(NotAssessed(rule=spec.id, reason=reason))
            continue
        span = _span(coverage, rule.needs, data)
        if span is not None and (span.ends is None or span.ends < as_of):
            not_judged.append(_not_covered(spec, span, as_of))
            continue
        ctx = replace(base, known_from=span.begins if span is not None else None)
        if spec.kind in ANNUAL_KINDS:
            found = _lapsing(rule, ctx, as_of, until)
        else:
            found = [(f, f.end) for f in rule.check(ctx) if f.end is not None]
        intervals = {(w.staff_id, w.window.start, w.window.end): w.window.interval for w in ctx.all_windows()}
        for finding, deadline in found:
            staff = data.staff.get(finding.staff_id)
            if staff is None or not scope.includes(staff):
                continue
            interval = intervals.get((finding.staff_id, finding.start, finding.end))
            items.append(_item(spec, finding, staff, deadline, interval, data, groups, bookings))
    items.sort(key=_order)
    return DueResult(
        supcheck_version=__version__,
        policy=pack.id,
        policy_title=pack.title,
        as_of=as_of,
        within=within,
        until=until,
        not_assessed=not_assessed,
        not_judged=not_judged,
        items=items,
    )


def _order(item: DueItem) -> tuple:
    """Team, then line manager, then the most urgent first."""
    return (
        item.team == "",
        item.team.casefold(),
        item.line_manager_name.casefold(),
        item.line_manager_id,
        item.deadline,
        item.staff_name.casefold(),
        item.staff_id,
        item.case_id,
    )


def _span(coverage: Coverage | None, needs: Iterable[tuple[str, str | None]], data: Dataset) -> Span | None:
    if coverage is None or not coverage.tables:
        return None
    tables = [table for table, _ in needs]
    if data.has_table("absences"):
        tables.append("absences")
    return coverage.span([*tables, "staff"])


def _not_covered(spec: RuleSpec, span: Span, as_of: date) -> str:
    ends = span.ends_with
    name = spec.title or spec.id
    if ends is None or ends.ends is None:
        why = f"{ends.file}: {ends.basis}" if ends is not None else "the exports cover no day"
        return f"{name}: nobody is listed as due, since {why}."
    return (
        f"{name}: nobody is listed as due, since {ends.file} ends on {long_date(ends.ends)} "
        f"({ends.basis}), before the as-of date {long_date(as_of)}: a window could look open "
        "only because the export stops early. Export again, or pass --as-of "
        f"{ends.ends.isoformat()}."
    )


def _judged_failing(rule, ctx: RuleContext, day: date, people: dict | None = None) -> dict[str, Finding]:
    """The rule's findings with J = `day`, by staff id (for `people` only, if given)."""
    groups = ctx.groups if people is None else {sid: ctx.groups[sid] for sid in people}
    judged = replace(
        ctx,
        period=Period(**{"from": ctx.period.start, "to": day}),
        as_of=day,
        groups=groups,
        windows=[],
        assessments=[],
        assessment_columns=[],
    )
    found: dict[str, Finding] = {}
    for finding in rule.check(judged):
        found.setdefault(finding.staff_id, finding)
    return found


def _lapsing(rule, ctx: RuleContext, as_of: date, until: date) -> list[tuple[Finding, date]]:
    """Annual requirements met on `as_of` and lapsed by `until`, with the last day each is
    still met. (The rule judges; a lapse is permanent while no new record arrives, so the
    first failing day is found by halving the days between.)"""
    later = _judged_failing(rule, ctx, until)
    if not later:
        return []
    now = _judged_failing(rule, ctx, as_of, later)
    out = []
    for staff_id, finding in later.items():
        if staff_id in now:
            continue  # already failing: a breach, not something due
        good, bad = as_of, until  # met on `good`, not on `bad`
        while (bad - good).days > 1:
            middle = good + timedelta(days=(bad - good).days // 2)
            if staff_id in _judged_failing(rule, ctx, middle, {staff_id: None}):
                bad = middle
            else:
                good = middle
        out.append((finding, good))
    return out


def _bookings(data: Dataset) -> dict[str, list[tuple[date, str]]]:
    """Each person's booked sessions (not cancelled), by date: (date, type)."""
    out: dict[str, list[tuple[date, str]]] = {}
    for booking in data.bookings:
        if booking.status == "held":
            out.setdefault(booking.supervisee_id, []).append((booking.date, booking.type))
    for dates in out.values():
        dates.sort()
    return out


def _item(
    spec: RuleSpec,
    finding: Finding,
    staff: Staff,
    deadline: date,
    interval: str | None,
    data: Dataset,
    groups: dict,
    bookings: dict[str, list[tuple[date, str]]],
) -> DueItem:
    manager = data.staff.get(staff.line_manager_id) if staff.line_manager_id else None
    booked = None
    types = BOOKED_TYPES.get(spec.kind)
    if types is not None:
        group = groups.get(staff.staff_id)
        if spec.kind == "frequency" and group is not None and group.group_supervision:
            types = types | {"group"}
        start = finding.start or deadline
        booked = next(
            (d for d, kind in bookings.get(staff.staff_id, ()) if kind in types and d >= start), None
        )
    in_time = booked is not None and booked <= deadline
    if types is None:
        booking = ""
    elif booked is None:
        booking = "nothing booked"
    else:
        booking = f"booked for {long_date(booked)}" + ("" if in_time else ", after the deadline")
    return DueItem(
        kind=spec.kind,
        rule=spec.id,
        rule_title=spec.title,
        staff_id=staff.staff_id,
        staff_name=staff.name,
        team=staff.team,
        line_manager_id=staff.line_manager_id,
        line_manager_name=manager.name if manager is not None else "",
        case_id=finding.case_id,
        start=finding.start if spec.kind not in ANNUAL_KINDS else None,
        deadline=deadline,
        booked=booked,
        booked_in_time=in_time,
        what=_what(spec, finding, deadline, interval),
        booking=booking,
    )


def _what(spec: RuleSpec, finding: Finding, deadline: date, interval: str | None) -> str:
    """What is due, in words."""
    if spec.kind == "frequency":
        words = INTERVAL_WORDS.get(interval or "", "")
        window = date_range(finding.start, deadline) if finding.start else long_date(deadline)
        return _first_upper(f"{words} supervision (window {window})".strip())
    if spec.kind == "professional-supervision":
        window = date_range(finding.start, deadline) if finding.start else long_date(deadline)
        return f"Professional supervision by a registered social worker (window {window})"
    if spec.kind == "case-discussion":
        since = f" since {long_date(finding.start)}" if finding.start else ""
        return f"Case {finding.case_id} to discuss in supervision (not discussed{since})"
    return _first_upper(f"{ANNUAL_WORDS.get(spec.kind, spec.title or spec.id)} lapses after this day")


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
