"""Does a run check anybody? The staff table, `--team` and `--staff` against the loaded data.

"Checked; no breach" is a claim about people. A run that would check nobody -- a staff
table with no usable row, a period in which nobody was employed, a `--team` spelled
wrong, a `--staff` id not in the table or not employed in the period -- must not make
it: `check_scope` stops the run (exit 2, one line) before any rule runs. Each filter
value is checked on its own, so `--team 'Assessment North' --team 'Assesment South'`
stops too: a report on one team when two were asked for is a confident wrong answer.
A value that matches nobody is named with up to three of the closest teams or ids in
the staff table (difflib, case-insensitive), and echoed with control characters
escaped so the line stays one line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from .engine import Scope
from .errors import SupcheckError, printable
from .models import Dataset, Finding, Period, Staff
from .text import long_date, quoted

#: At most this many suggestions after "did you mean".
SUGGESTIONS = 3


def check_scope(data: Dataset, scope: Scope, period: Period, load_findings: Sequence[Finding] = ()) -> None:
    """SupcheckError (exit 2) unless the run has somebody to check: a usable staff row,
    somebody employed in `period`, and for every `--team` and `--staff` value somebody
    it names who is employed in `period`. `load_findings` are the loaders' findings,
    quoted when every staff row was unusable."""
    label = data.tables["staff"].label if "staff" in data.tables else "the staff table"
    if data.census and scope.everyone and not data.staff:
        return  # the health check of a workforce census return alone: its workers are the staff
    if not data.staff:
        raise SupcheckError(_no_usable_row(label, load_findings))
    problems = [_team_problem(team, data, period, label) for team in sorted(scope.teams)]
    problems += [
        _staff_problem(staff_id, data, period, label, load_findings) for staff_id in sorted(scope.staff_ids)
    ]
    stated = [problem for problem in problems if problem]
    if stated:
        raise SupcheckError("; ".join(stated))
    if scope.everyone and not any(_employed_in(s, period) for s in data.staff.values()):
        raise SupcheckError(f"nobody in {label} was employed {_during(period)}: nobody to check")


def _no_usable_row(label: str, load_findings: Sequence[Finding]) -> str:
    dropped = [f for f in load_findings if f.file == label]
    if not dropped:
        return f"{label} has no staff rows below its header: nobody to check"
    rows = len({f.row for f in dropped})
    return (
        f"{label} has no usable staff row: nobody to check ({rows} row{'' if rows == 1 else 's'}"
        f" not used; the first: {printable(dropped[0].message)})"
    )


def _team_problem(team: str, data: Dataset, period: Period, label: str) -> str:
    members = [s for s in data.staff.values() if s.team.casefold() == team.casefold()]
    if not members:
        named = {s.team.casefold(): s.team for s in sorted(data.staff.values(), key=_by_id) if s.team.strip()}
        return f"no team {quoted(team)} in {label}{_did_you_mean(team, named)}"
    if not any(_employed_in(s, period) for s in members):
        return f"nobody in team {quoted(members[0].team)} was employed {_during(period)}"
    return ""


def _staff_problem(
    staff_id: str, data: Dataset, period: Period, label: str, load_findings: Sequence[Finding]
) -> str:
    staff = data.staff.get(staff_id)
    if staff is None:
        dropped = next((f for f in load_findings if f.file == label and f.staff_id == staff_id), None)
        if dropped is not None:
            return (
                f"staff member {quoted(staff_id)} has no usable row in {label} ({printable(dropped.message)})"
            )
        return f"no staff member {quoted(staff_id)} in {label}{_did_you_mean_staff(staff_id, data.staff)}"
    who = f"staff member {quoted(staff_id)} ({printable(staff.display_name)})"
    if staff.start_date > period.end:
        return f"{who} starts on {long_date(staff.start_date)}, after the period {_period(period)}"
    if staff.end_date is not None and staff.end_date < period.start:
        return f"{who} left on {long_date(staff.end_date)}, before the period {_period(period)}"
    return ""


def _did_you_mean(value: str, candidates: dict[str, str]) -> str:
    """'; did you mean 'A', 'B' or 'C'?' over `candidates` (folded key -> spelling), or ''."""
    close = difflib.get_close_matches(value.casefold(), list(candidates), n=SUGGESTIONS)
    return _suggest(quoted(candidates[key]) for key in close)


def _did_you_mean_staff(staff_id: str, people: dict[str, Staff]) -> str:
    """The closest ids, and the ids of the closest names (someone typed a name), with the name."""
    keys: dict[str, str] = {}
    for person in sorted(people.values(), key=_by_id):
        keys.setdefault(person.staff_id.casefold(), person.staff_id)
        if person.name.strip():
            keys.setdefault(person.name.casefold(), person.staff_id)
    folded = staff_id.casefold()
    # The same id in other case, or a name typed in full, is the answer: no near misses beside it.
    close = [folded] if folded in keys else difflib.get_close_matches(folded, list(keys), n=SUGGESTIONS * 2)
    ids = list(dict.fromkeys(keys[key] for key in close))[:SUGGESTIONS]
    return _suggest(
        f"{quoted(i)} ({printable(people[i].name)})" if people[i].name.strip() else quoted(i) for i in ids
    )


def _suggest(options: Iterable[str]) -> str:
    listed = list(options)
    if not listed:
        return ""
    if len(listed) == 1:
        return f"; did you mean {listed[0]}?"
    return f"; did you mean {', '.join(listed[:-1])} or {listed[-1]}?"


def _by_id(staff: Staff) -> str:
    return staff.staff_id


def _employed_in(staff: Staff, period: Period) -> bool:
    """Employed on some day of `period` (as the engine counts a report's staff)."""
    return staff.start_date <= period.end and (staff.end_date is None or staff.end_date >= period.start)


def _period(period: Period) -> str:
    return f"({long_date(period.start)} to {long_date(period.end)})"


def _during(period: Period) -> str:
    return f"from {long_date(period.start)} to {long_date(period.end)}"
