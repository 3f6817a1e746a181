"""`case-discussion`: every allocated case is discussed in supervision at least every
`interval` (2 months in Shropshire).

Why: Shropshire, "Case Holding Staff & Discussions About Children": "Staff who have case
management responsibility must discuss every case for whom they have responsibility,
every two months as a minimum standard" (the case tracker of the supervision file, its
appendix, is how managers follow it).

Who: every allocation (case, worker, start, end) whose worker's group applies the rule;
allocations of anyone else are skipped.

The clock, for one allocation:

- It starts on the allocation's start date. Each discussion of that case with that same
  worker, dated on or after the allocation start, restarts it. Discussions before the
  start, and discussions of the case with another worker, do not count (pinned detail 10).
- The deadline is the last restart + `interval`, in calendar months (12 May + 2 months =
  12 July; 31 December + 2 months = 28 February, 29 in a leap year). A discussion on the
  deadline day is on time.
- A deadline is **missed** when no discussion falls after the last restart and on or
  before the deadline. That is one finding, `start` = the last discussion (or the
  allocation start), `end` = the deadline. After a miss the clock restarts only at the
  next discussion: a long gap is one finding, never a chain of deadlines.
- A missed deadline is reported when it is in the period and on or before as_of (pinned
  detail 2; a deadline on the as_of date with no discussion dated on or before it is
  reported, as a frequency window ending on as_of is), and only when it is strictly
  before the allocation's last day: a deadline on or after the allocation's last day
  raises nothing (pinned detail 3).
- The allocation's last day is its `end_date`, or the worker's `end_date` if they left
  earlier (a leaver cannot be supervised on the case; exports often leave a leaver's
  allocations open). Open allocations of current staff have no last day.
- Each allocation row has its own clock (a case handed back to the same worker starts
  again); the same gap found through two overlapping rows is reported once.

Example: allocated 1 April 2026, discussed 12 May 2026, next discussed 20 July 2026: the
12 May + 2 months = 12 July deadline was missed; one finding 2026-05-12 to 2026-07-12,
"Case C91961 allocated to Beth Evans was not discussed in supervision between 12 May 2026
and 12 July 2026 (every 2 months required)."
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from ..column_tables import DAY, NAT, ColumnTable, day_objects, map_unique, shared_codes
from ..models import Finding, Staff
from ..packs import parse_offset
from ..schedule import date_adder
from ..text import long_date
from .base import AssessmentColumns, Days, Ids, Rule, RuleContext


class CaseDiscussionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interval: str = "2 months"

    @field_validator("interval")
    @classmethod
    def _check_interval(cls, value: str) -> str:
        day = date(2000, 1, 31)
        if day + parse_offset(value) == day:
            raise ValueError(f"'{value}' is no time at all: give a length such as '2 months'")
        return " ".join(value.split())


@dataclass
class Clocks:
    """The deadlines one run judges, as columns: the case, the worker, the clock's last
    restart (`point`), its `deadline`, whether a discussion `restarted` it (or the
    allocation started it), and whether it was `met`."""

    case_id: Ids
    worker_id: Ids
    point: Days
    deadline: Days
    restarted: np.ndarray
    met: np.ndarray


#: Deadlines judged a block of allocations at a time: five years of a national export
#: make 20 million points in the chains (a clock start or a discussion), and a dozen
#: int64 columns of them at once took 2 GB; a block of a million points takes 100 MB.
_CHAIN_POINTS = 1 << 20


def _once(repeated: np.ndarray, maybe: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Which deadlines to keep: every one not `repeated`, and of those that are (at
    positions `maybe`), the first with each `key` (the pair and the point: the deadline
    follows from the point). The same gap found through two overlapping allocation rows
    is reported once; it can only repeat in the chains of a (case, worker) pair
    allocated more than once, or at two points of one chain on the same day (a
    discussion on the day the allocation starts, two discussions on one day)."""
    keep = ~repeated
    _, once = np.unique(key, return_index=True)
    keep[maybe[once]] = True
    return keep


def _numbered(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ids as a column of their own (`shared_codes` then gives their numbers)."""
    return np.arange(len(ids)), ids


def _discussion_keys(
    discussions: ColumnTable,
    theirs: np.ndarray,
    case_number: np.ndarray,
    worker_number: np.ndarray,
    workers_seen: int,
    low: int,
    span: int,
) -> np.ndarray:
    """One int64 key per discussion of `theirs` (a mask: those by a worker under the
    rule), (case, worker) pair then day, so that one sort orders them by pair and date:
    (case number * `workers_seen` + worker number) * `span` + day - `low`. Made a block
    of rows at a time: 17 million discussions make 130 MB of keys, and whole-column
    temporaries beside them were 400 MB more at the run's peak."""
    columns = discussions.columns
    keys = np.empty(int(np.count_nonzero(theirs)), dtype=np.int64)
    at = 0
    for a in range(0, len(theirs), _CHAIN_POINTS):
        block = slice(a, a + _CHAIN_POINTS)
        mine = theirs[block]
        made = case_number[columns["case_id"][block][mine]]
        made *= workers_seen
        made += worker_number[columns["worker_id"][block][mine]]
        made *= span
        made += columns["date"][block][mine].view(np.int64) - low
        keys[at : at + len(made)] = made
        at += len(made)
    return keys


def _deadlines(points: np.ndarray, add: Callable[[date], date]) -> np.ndarray:
    """Each point's deadline (`Days` numbers), `add` looked up once per distinct day a
    block at a time (`map_unique`'s temporaries for 14 million points at once are 350 MB)."""
    deadlines = np.empty(len(points), dtype=np.int32)
    for a in range(0, len(points), _CHAIN_POINTS):
        block = points[a : a + _CHAIN_POINTS].astype("datetime64[D]")
        deadlines[a : a + _CHAIN_POINTS] = map_unique(block, add, dtype="datetime64[D]").view(np.int64)
    return deadlines


def _joined(blocks: list[tuple[np.ndarray, ...]]) -> list[np.ndarray]:
    """The blocks' columns end to end, each block's part let go once it is copied (five
    years of a national export judge 14 million deadlines: a second full copy of every
    column would be 400 MB more)."""
    parts = [list(column) for column in zip(*blocks, strict=True)]
    blocks.clear()
    joined = []
    for column in parts:
        joined.append(np.concatenate(column))
        column.clear()
    return joined


class CaseDiscussion(Rule):
    kind = "case-discussion"
    Params = CaseDiscussionParams
    needs = (("allocations", None), ("case_discussions", None))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        add = date_adder(parse_offset(self.params.interval))
        workers = {staff.staff_id: staff for staff, _group in ctx.staff_under(self.spec.id)}
        if not workers:
            return
        clocks = self._clocks(ctx, workers, add)
        if clocks is None:
            return
        ctx.assessment_columns.append(
            AssessmentColumns(
                self.spec.id,
                self.kind,
                clocks.worker_id,
                clocks.met,
                clocks.point,
                clocks.deadline,
                clocks.case_id,
            )
        )
        missed = np.flatnonzero(~clocks.met)
        cases = clocks.case_id[missed].tolist()
        staff_ids = clocks.worker_id[missed].tolist()
        lasts = day_objects(clocks.point[missed])
        deadlines_ = day_objects(clocks.deadline[missed])
        restarted = clocks.restarted[missed].tolist()
        for i in range(len(missed)):
            staff = workers[staff_ids[i]]
            message = self._message(cases[i], staff, lasts[i], deadlines_[i], restarted[i])
            yield self.finding(staff, lasts[i], deadlines_[i], message, case_id=cases[i])

    def _clocks(
        self, ctx: RuleContext, workers: dict[str, Staff], add: Callable[[date], date]
    ) -> Clocks | None:
        """Every deadline judged in this run, in allocation order: the clock of the
        module docstring, on arrays (tests/test_rules_case.py keeps a row-by-row version
        of it, and checks that the two agree).

        Discussions are sorted by (case, worker, date) as one integer key; each
        allocation finds its own discussions (same case and worker, on or after its
        start) with two binary searches, and its chain of restarts is laid out flat:
        the clock start, then each discussion, each point's deadline met by the next
        point of the same chain."""
        allocations = ctx.data.allocations
        mine = np.flatnonzero(allocations.map_ids("worker_id", workers.__contains__, bool))
        leaving = allocations.map_ids(
            "worker_id", lambda sid: workers[sid].end_date if sid in workers else None, DAY
        )
        last_day = np.fmin(allocations["end_date"][mine], leaving[mine])
        # Every deadline before the allocation's last day is before the period: skipped.
        live = ~(last_day <= np.datetime64(ctx.period.start))
        mine, last_day = mine[live], last_day[live]
        if len(mine) == 0:
            return None
        start_date = allocations["start_date"][mine]
        discussions = ctx.data.discussions

        # One integer per (case, worker) pair, shared by both tables: each table's distinct
        # ids are numbered in one space (`shared_codes`).
        n = len(mine)
        (a_case, d_case), _ = shared_codes(
            (allocations.columns["case_id"][mine], allocations.uniques["case_id"]),
            _numbered(discussions.uniques["case_id"]),
        )
        (a_worker, d_worker), workers_seen = shared_codes(
            (allocations.columns["worker_id"][mine], allocations.uniques["worker_id"]),
            _numbered(discussions.uniques["worker_id"]),
        )
        a_pair_codes = a_case * workers_seen + a_worker
        del a_case, a_worker
        start = start_date.astype(np.int64)
        day = discussions.columns["date"].view(np.int64)
        low = min(start.min(), day.min(initial=start.min())) - 1
        span = max(start.max(), day.max(initial=start.max())) - low + 1
        sorted_keys = _discussion_keys(
            discussions,
            discussions.map_ids("worker_id", workers.__contains__, bool),
            d_case,
            d_worker,
            workers_seen,
            low,
            span,
        )
        sorted_keys.sort()
        del day, d_case, d_worker
        a_pair = a_pair_codes * span
        # A clock started before `early` has its deadline before the period: only the
        # last discussion before it matters, as the clock's start (a week of margin
        # covers month-end clamping).
        early = np.datetime64(ctx.period.start - parse_offset(self.params.interval) - timedelta(days=7))
        first = np.searchsorted(sorted_keys, a_pair + (start - low))  # on or after the start
        end = np.searchsorted(sorted_keys, a_pair + span)  # the pair's last discussion + 1
        rest = np.clip(np.searchsorted(sorted_keys, a_pair + (early.astype(np.int64) - low)), first, end)
        restarted = rest > first
        sorted_days = sorted_keys  # (in place: the keys are not needed again)
        del sorted_keys
        sorted_days %= span
        sorted_days += low
        if not len(sorted_days):
            sorted_days = np.array([low])  # (never empty: indices below are clipped to 0)
        clock_start = np.where(restarted, sorted_days[np.maximum(rest - 1, 0)], start)
        del first, start, start_date  # (each column of allocations is 26 MB at national size)

        # The chains, flat, a block of allocations at a time (`_CHAIN_POINTS`).
        # Deadlines found through two rows of one (case, worker) pair are settled once
        # every block is judged (`_once`).
        pairs = np.sort(a_pair_codes)
        twice = np.isin(a_pair_codes, pairs[1:][pairs[1:] == pairs[:-1]])
        length = 1 + end - rest
        del pairs, a_pair_codes, end
        reach = np.cumsum(length)
        cuts = np.searchsorted(reach, np.arange(_CHAIN_POINTS, reach[-1], _CHAIN_POINTS), side="right")
        bounds = np.unique(np.r_[0, cuts, n]).tolist()
        del reach, cuts
        blocks = []
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            blocks.append(
                self._judged_points(
                    ctx,
                    np.arange(a, b),
                    length[a:b],
                    rest[a:b],
                    clock_start[a:b],
                    restarted[a:b],
                    last_day[a:b],
                    twice[a:b],
                    sorted_days,
                    add,
                )
            )
        del sorted_days, clock_start, twice, length, rest
        rows, point, by_discussion, met, repeated = _joined(blocks)
        maybe = np.flatnonzero(repeated)
        if len(maybe):  # (one column at a time: each copy replaces its column)
            keep = _once(repeated, maybe, a_pair[rows[maybe]] + (point[maybe].astype(np.int64) - low))
            rows = rows[keep]
            point = point[keep]
            by_discussion = by_discussion[keep]
            met = met[keep]
        rows = mine[rows]
        return Clocks(
            case_id=Ids(allocations.columns["case_id"][rows], allocations.uniques["case_id"]),
            worker_id=Ids(allocations.columns["worker_id"][rows], allocations.uniques["worker_id"]),
            point=Days(point),
            deadline=Days(_deadlines(point, add)),
            restarted=by_discussion,
            met=met,
        )

    def _judged_points(
        self,
        ctx: RuleContext,
        allocation: np.ndarray,
        length: np.ndarray,
        rest: np.ndarray,
        clock_start: np.ndarray,
        restarted: np.ndarray,
        last_day: np.ndarray,
        twice: np.ndarray,
        sorted_days: np.ndarray,
        add: Callable[[date], date],
    ) -> tuple[np.ndarray, ...]:
        """The judged deadlines of some allocations' chains (point 0 is the clock start,
        point k the (rest + k - 1)th discussion): for each, its allocation (int32), point
        (`Days` numbers: the deadline follows from it), whether a discussion restarted the clock, whether
        it was met, and whether it may repeat another's (`twice`: its pair is allocated
        more than once, or two points of its chain are on one day)."""
        chain = np.repeat(np.arange(len(allocation)), length)
        offset = np.arange(len(chain)) - np.repeat(np.cumsum(length) - length, length)
        source = np.repeat(rest, length) + offset - 1
        point_days = np.where(offset == 0, clock_start[chain], sorted_days[np.maximum(source, 0)])
        del source
        point = point_days.astype("datetime64[D]")
        following = np.append(point[1:], NAT)
        following[np.append(chain[1:] != chain[:-1], True)] = NAT
        deadline = map_unique(point, add, dtype="datetime64[D]")
        ends = last_day[chain]
        judged = (
            (np.isnat(ends) | (deadline < ends))
            & (deadline <= np.datetime64(min(ctx.as_of, ctx.period.end)))
            & (deadline >= np.datetime64(ctx.period.start))
        )
        del ends
        if ctx.known_from is not None:  # a discussion before the export begins is not known
            judged &= point >= np.datetime64(ctx.known_from)
        judged = np.flatnonzero(judged)
        same_day = (point_days[1:] == point_days[:-1]) & (chain[1:] == chain[:-1])
        repeated = (twice[chain] | np.r_[same_day, False] | np.r_[False, same_day])[judged]
        rows = chain[judged]
        return (
            allocation[rows].astype(np.int32),
            point_days[judged].astype(np.int32),
            (offset[judged] > 0) | restarted[rows],
            following[judged] <= deadline[judged],
            repeated,
        )

    def _message(self, case_id: str, staff: Staff, last: date, deadline: date, by_discussion: bool) -> str:
        every = f"every {self.params.interval} required"
        if not by_discussion:
            return (
                f"Case {case_id} allocated to {staff.display_name} on "
                f"{long_date(last)} was not discussed in supervision by {long_date(deadline)} "
                f"({every})."
            )
        return (
            f"Case {case_id} allocated to {staff.display_name} was not discussed "
            f"in supervision between {long_date(last)} and {long_date(deadline)} ({every})."
        )
