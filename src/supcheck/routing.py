"""`--email-managers`: which breaches go to which line manager.

Each line manager receives the breaches of the staff whose `line_manager_id` is them,
and nothing else: not other teams' breaches, not data-quality warnings (those are the
analyst's to fix in the exports). The address is the manager's `email` cell in the
staff table. Under their breaches each copy lists what their staff have due in the next
14 days (`due.due_soon`); a manager with neither a breach nor anything due among their
staff gets no mail.

Staff whose line manager cannot be mailed -- none recorded, not in the staff table,
the person themself, left before the as-of date, no or no usable e-mail address -- are listed, with the
reason and their breach count, in the analyst's copy (`CheckResult.unrouted`); their
breaches are in that copy already, since it is the whole report. With --pseudonymise
the reason never quotes the e-mail cell: it may hold a name.

The per-manager copies are built here, as ordinary `CheckResult`s, so that reporters
only render: the findings are the manager's staff's breaches, the summary counts that
staff and their frequency windows, and `since_last` keeps only their staff's changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from .engine import summarise, team_summaries, windows_by_person
from .models import CheckResult, DueResult, Staff, Unrouted, finding_rows
from .pipeline import PipelineRun
from .reporters.base import human_date
from .window_judging import STATUSES

#: Why someone recorded as their own line manager is not mailed their own breaches as
#: "staff you manage".
OWN_MANAGER = "recorded as their own line manager"

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")


def is_address(text: str) -> bool:
    """A bare e-mail address (no display name, no spaces or separators)."""
    return bool(_ADDRESS.match(text))


@dataclass
class ManagerCopy:
    manager: Staff
    staff_ids: list[str]
    result: CheckResult

    @property
    def address(self) -> str:
        return self.manager.email.strip()

    @property
    def label(self) -> str:
        return f"{self.manager.display_name} ({self.manager.staff_id}) <{self.address}>"


@dataclass
class Routing:
    copies: list[ManagerCopy] = field(default_factory=list)
    """One per manager with at least one breach among their staff, in manager id order."""
    unrouted: list[Unrouted] = field(default_factory=list)
    """Staff (employed in the period, within --team/--staff) whose manager cannot be mailed."""


def _why_unreachable(staff: Staff, people: dict[str, Staff], run: PipelineRun) -> tuple[str, Staff | None]:
    """('', manager) when the manager can be mailed, else (reason, None)."""
    manager_id = staff.line_manager_id.strip()
    if not manager_id:
        return "no line manager recorded", None
    if manager_id == staff.staff_id:  # (a data-quality warning too: integrity.py)
        return OWN_MANAGER, None
    manager = people.get(manager_id)
    if manager is None:
        return f"line manager {manager_id} is not in the staff table", None
    who = f"line manager {manager.display_name} ({manager_id})"
    if manager.end_date is not None and manager.end_date < run.options.as_of:
        return f"{who} left on {human_date(manager.end_date)}", None
    email = manager.email.strip()
    if not email:
        return f"{who} has no e-mail address", None
    if not is_address(email):
        if run.options.pseudonymise:  # the cell may hold a name: `Tomasz Nowak <t.nowak@...>`
            return f"{who} has an e-mail cell that is not an address", None
        return f"{who} has e-mail '{email}', which is not an address", None
    return "", manager


def route(run: PipelineRun, result: CheckResult | None = None, due: DueResult | None = None) -> Routing:
    """Split `result` (default: the run's) into per-manager copies and the unrouted list;
    with `due`, each copy also lists what the manager's staff have due soon, and a
    manager with something due but no breach is mailed too."""
    result = result or run.result
    people = run.dataset.staff
    period = run.options.period
    scope = run.options.scope
    breaches: dict[str, int] = {}
    for finding in finding_rows(result.findings):
        if finding.severity == "breach" and finding.staff_id:
            breaches[finding.staff_id] = breaches.get(finding.staff_id, 0) + 1

    reports: dict[str, list[str]] = {}
    managers: dict[str, Staff] = {}
    unrouted: list[Unrouted] = []
    for staff_id in sorted(people):
        staff = people[staff_id]
        left_before = staff.end_date is not None and staff.end_date < period.start
        if staff.start_date > period.end or left_before or not scope.includes(staff):
            continue
        reason, manager = _why_unreachable(staff, people, run)
        if manager is None:
            unrouted.append(
                Unrouted(
                    staff_id=staff_id,
                    staff_name=staff.name,
                    team=staff.team,
                    reason=reason,
                    breaches=breaches.get(staff_id, 0),
                )
            )
            continue
        managers[manager.staff_id] = manager
        reports.setdefault(manager.staff_id, []).append(staff_id)

    for staff_id in sorted(set(breaches) - set(people)):  # strict mode: rows naming unknown ids
        unrouted.append(
            Unrouted(staff_id=staff_id, reason="not in the staff table", breaches=breaches[staff_id])
        )

    copies = []
    by_staff = _ByStaff.of(run, result, due)
    for manager_id in sorted(reports):
        copy = manager_copy(run, result, managers[manager_id], reports[manager_id], by_staff, due)
        if copy.result.summary.breaches or copy.result.due:
            copies.append(copy)
    return Routing(copies=copies, unrouted=unrouted)


@dataclass
class _ByStaff:
    """Where each person's part of the report is, gathered once for every manager's copy:
    a regional run mails thousands of managers, and going through every finding and
    window of the run for each of them would take hours. Positions, so that a copy keeps
    the report's order."""

    breaches: Mapping[str, list[int]]  # in the report's findings
    windows: Mapping[str, np.ndarray]  # frequency windows by outcome (`windows_by_person`)
    new: Mapping[str, list[int]]  # in `since_last.new` (breaches only) ...
    resolved: Mapping[str, list[int]]  # ... and `since_last.resolved`
    due: Mapping[str, list[int]]  # in the due list's items

    @classmethod
    def of(cls, run: PipelineRun, result: CheckResult, due: DueResult | None) -> _ByStaff:
        table = result.findings
        since = result.since_last
        return cls(
            breaches=_positions(table.column("staff_id"), table.column("severity")),
            windows=windows_by_person(run.pack, run.engine.judged_windows),
            new=_positions([f.staff_id for f in since.new], [f.severity for f in since.new]) if since else {},
            resolved=_positions([f.staff_id for f in since.resolved]) if since else {},
            due=_positions([item.staff_id for item in due.items]) if due else {},
        )


def _positions(staff_ids: Sequence[str], severities: Sequence[str] | None = None) -> dict[str, list[int]]:
    """Positions by staff id (only those of breaches, when `severities` are given)."""
    where: dict[str, list[int]] = defaultdict(list)
    for i, staff_id in enumerate(staff_ids):
        if severities is None or severities[i] == "breach":
            where[staff_id].append(i)
    return where


def manager_copy(
    run: PipelineRun,
    result: CheckResult,
    manager: Staff,
    staff_ids: Iterable[str],
    by_staff: _ByStaff,
    due: DueResult | None = None,
) -> ManagerCopy:
    """The report a line manager receives: their staff's breaches only (and, with `due`,
    what their staff have due soon)."""
    ids = sorted(set(staff_ids))

    def theirs(where: Mapping[str, list[int]]) -> list[int]:
        return sorted(chain.from_iterable(where.get(i, ()) for i in ids))

    findings = result.findings.take(theirs(by_staff.breaches))
    windows = {i: by_staff.windows[i] for i in ids if i in by_staff.windows}
    counted = sum(windows.values(), np.zeros(len(STATUSES), dtype=np.int64))
    summary = summarise(dict(zip(STATUSES, counted.tolist(), strict=True)), findings, len(ids))
    people = run.dataset.staff
    teams = team_summaries(windows, findings, [people[i] for i in ids if i in people])
    since = result.since_last
    if since is not None:
        since = since.model_copy(
            update={
                "new": [since.new[i] for i in theirs(by_staff.new)],
                "resolved": [since.resolved[i] for i in theirs(by_staff.resolved)],
                "skipped": [],  # (the folder's problems are the analyst's)
            }
        )
    count = f"{len(ids)} staff member" + ("" if len(ids) == 1 else "s")
    soon = "" if due is None else f", and what they have due by {human_date(due.until)}"
    audience = (
        f"For {manager.display_name} ({manager.staff_id}): the breaches of the {count} whose line"
        f" manager you are{soon}. Data-quality warnings go to the analyst."
    )
    update = {
        "findings": findings,
        "summary": summary,
        "teams": teams,
        "since_last": since,
        "audience": audience,
        "unrouted": None,
        "full_list": [],  # the analyst's files: a manager's full list is the workbook attached
    }
    if due is not None:
        update |= {
            "due": [due.items[i] for i in theirs(by_staff.due)],
            "due_until": due.until,
            "due_not_judged": list(due.not_judged),
        }
    copy = result.model_copy(update=update)
    return ManagerCopy(manager=manager, staff_ids=ids, result=copy)
