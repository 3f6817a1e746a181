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

from calendar import monthrange
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, field_validator

from ..case_tables import NAT, isin_keys, map_unique
from ..models import Finding, Staff
from ..packs import parse_offset
from ..text import long_date
from .base import AssessmentColumns, Rule, RuleContext


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


def date_adder(offset: relativedelta) -> Callable[[date], date]:
    """`day + offset` as a function, without relativedelta's cost for the usual offsets
    (whole months or years, or whole days and weeks): a million allocations add it
    millions of times. Anything else falls back to relativedelta itself."""
    fields = {k: v for k, v in vars(offset).items() if not k.startswith("_") and v}
    if not fields:
        return lambda day: day
    if fields.keys() <= {"years", "months"}:
        months = 12 * offset.years + offset.months

        def add_months(day: date) -> date:
            year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
            last = monthrange(year, month + 1)[1] if day.day > 28 else 28
            return date(year, month + 1, min(day.day, last))

        return add_months
    if fields.keys() == {"days"}:
        delta = timedelta(days=offset.days)
        return lambda day: day + delta
    return lambda day: day + offset


def deadlines(
    start: date,
    last_day: date | None,
    discussions: list[date],
    add: Callable[[date], date],
    by_discussion: bool = False,
) -> Iterator[tuple[date, date, bool, bool]]:
    """(last restart, deadline, restarted by a discussion, met) of every deadline of one
    allocation, in date order; the last one is open (met only by a later discussion).

    `discussions` are sorted and all on or after `start`. Deadlines on or after `last_day`
    are not yielded; the caller decides which deadlines belong to the run.
    """
    last = start
    for day in discussions:
        deadline = add(last)
        if last_day is not None and deadline >= last_day:
            return
        yield last, deadline, by_discussion, day <= deadline
        last, by_discussion = day, True
    deadline = add(last)
    if last_day is None or deadline < last_day:
        yield last, deadline, by_discussion, False


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
        if clocks.empty:
            return
        met = clocks["met"].to_numpy()
        cases = clocks["case_id"].tolist()
        staff_ids = clocks["worker_id"].tolist()
        lasts = clocks["point"].to_numpy().astype("datetime64[D]").astype(object).tolist()
        deadlines_ = clocks["deadline"].to_numpy().astype("datetime64[D]").astype(object).tolist()
        ctx.assessment_columns.append(
            AssessmentColumns(self.spec.id, self.kind, staff_ids, met, lasts, deadlines_, cases)
        )
        restarted = clocks["restarted"].to_numpy()
        for i in np.flatnonzero(~met).tolist():
            staff = workers[staff_ids[i]]
            message = self._message(cases[i], staff, lasts[i], deadlines_[i], bool(restarted[i]))
            yield self.finding(staff, lasts[i], deadlines_[i], message, case_id=cases[i])

    def _clocks(
        self, ctx: RuleContext, workers: dict[str, Staff], add: Callable[[date], date]
    ) -> pd.DataFrame:
        """Every deadline judged in this run, one row each, in allocation order: the case,
        worker, last restart (`point`), `deadline`, whether the clock was `restarted` by a
        discussion, and whether it was `met`. The arithmetic of `deadlines()`, on arrays."""
        allocations = ctx.data.allocations
        allocations = allocations.take(isin_keys(allocations["worker_id"], workers))
        leaving = map_unique(
            allocations["worker_id"], lambda sid: workers[sid].end_date or NAT, dtype="datetime64[D]"
        )
        last_day = np.fmin(allocations["end_date"], leaving)
        # Every deadline before the allocation's last day is before the period: skipped.
        live = ~(last_day <= np.datetime64(ctx.period.start))
        frame = pd.DataFrame(
            {
                "order": np.arange(len(allocations)),
                "case_id": allocations["case_id"],
                "worker_id": allocations["worker_id"],
                "start": allocations["start_date"],
                "last_day": last_day,
            }
        )[live]
        discussions = ctx.data.discussions
        discussions = discussions.take(isin_keys(discussions["worker_id"], workers))
        discussed = pd.DataFrame(
            {
                "case_id": discussions["case_id"],
                "worker_id": discussions["worker_id"],
                "point": discussions["date"],
            }
        )
        # Each allocation's discussions: same case, same worker, on or after its start.
        joined = frame.merge(discussed, on=["case_id", "worker_id"], how="inner")
        joined = joined[joined["point"] >= joined["start"]].sort_values(["order", "point"], kind="stable")
        # A clock started before `early` has its deadline before the period: only the last
        # discussion before it matters, as the clock's start (a week of margin covers
        # month-end clamping).
        early = np.datetime64(ctx.period.start - parse_offset(self.params.interval) - timedelta(days=7))
        before = (joined["point"] < early).to_numpy()
        order = joined["order"].to_numpy()
        last_before = before & ~np.append(before[1:] & (order[1:] == order[:-1]), False)
        joined = joined[~before | last_before]
        started_by_discussion = set(joined["order"][last_before[~before | last_before]].tolist())
        joined = joined.assign(restarted=True, rank=1)
        starts = frame[~frame["order"].isin(started_by_discussion)]
        starts = starts.assign(point=starts["start"], restarted=False, rank=0)
        chain = pd.concat([starts, joined], ignore_index=True).sort_values(
            ["order", "point", "rank"], kind="stable"
        )
        # Each point's deadline, met by the next point of the same allocation.
        point = chain["point"].to_numpy().astype("datetime64[D]")
        order = chain["order"].to_numpy()
        following = np.append(point[1:], NAT)
        following[np.append(order[1:] != order[:-1], True)] = NAT
        deadline = map_unique(point, lambda day: add(day), dtype="datetime64[D]")
        last_day = chain["last_day"].to_numpy().astype("datetime64[D]")
        until = np.datetime64(min(ctx.as_of, ctx.period.end))
        judged = (
            (np.isnat(last_day) | (deadline < last_day))
            & (deadline <= until)
            & (deadline >= np.datetime64(ctx.period.start))
        )
        chain = chain.assign(deadline=deadline, met=following <= deadline)[judged]
        # The same gap found through two overlapping allocation rows is reported once.
        return chain.drop_duplicates(["case_id", "worker_id", "point", "deadline"])

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

