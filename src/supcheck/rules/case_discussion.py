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

from bisect import bisect_left
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, field_validator

from ..models import Allocation, Finding, Staff
from ..packs import parse_offset
from ..text import long_date
from .base import Rule, RuleContext


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
        discussed: dict[tuple[str, str], list[date]] = defaultdict(list)
        for discussion in ctx.data.discussions:
            if discussion.worker_id in workers:
                discussed[(discussion.case_id, discussion.worker_id)].append(discussion.date)
        for dates in discussed.values():
            dates.sort()

        # A clock started before this day has its deadline before the period: such clocks
        # are skipped (the clock restarts at every discussion, so starting at the last
        # discussion before it gives the same later deadlines). A week of margin covers
        # month-end clamping.
        early = ctx.period.start - parse_offset(self.params.interval) - timedelta(days=7)
        seen: set[tuple[str, str, date, date]] = set()
        for allocation in ctx.data.allocations:
            staff = workers.get(allocation.worker_id)
            if staff is None:
                continue
            last_day = _last_day(allocation, staff)
            if last_day is not None and last_day <= ctx.period.start:
                continue  # every deadline before the allocation's last day is before the period
            dates = discussed.get((allocation.case_id, allocation.worker_id), [])
            dates = dates[bisect_left(dates, allocation.start_date) :]
            clock_start, restarted = allocation.start_date, False
            skip = bisect_left(dates, early)
            if skip:
                clock_start, restarted, dates = dates[skip - 1], True, dates[skip:]
            for last, deadline, by_discussion, met in deadlines(
                clock_start, last_day, dates, add, restarted
            ):
                if deadline > ctx.as_of or deadline > ctx.period.end:
                    break
                key = (allocation.case_id, staff.staff_id, last, deadline)
                if not ctx.in_period(deadline) or key in seen:
                    continue  # before the period, or the same deadline in an overlapping row
                seen.add(key)
                self.assess(ctx, staff, met, last, deadline, case_id=allocation.case_id)
                if met:
                    continue
                message = self._message(allocation, staff, last, deadline, by_discussion)
                yield self.finding(staff, last, deadline, message, case_id=allocation.case_id)

    def _message(
        self, allocation: Allocation, staff: Staff, last: date, deadline: date, by_discussion: bool
    ) -> str:
        every = f"every {self.params.interval} required"
        if not by_discussion:
            return (
                f"Case {allocation.case_id} allocated to {staff.display_name} on "
                f"{long_date(last)} was not discussed in supervision by {long_date(deadline)} "
                f"({every})."
            )
        return (
            f"Case {allocation.case_id} allocated to {staff.display_name} was not discussed "
            f"in supervision between {long_date(last)} and {long_date(deadline)} ({every})."
        )


def _last_day(allocation: Allocation, staff: Staff) -> date | None:
    ends = [d for d in (allocation.end_date, staff.end_date) if d is not None]
    return min(ends) if ends else None
