"""`case-recording`: a case discussion is recorded on the child's file within a number of
working days (Dudley: 2; 1 when the decision was made by a non-case-holder).

Why: Dudley standard 2, "The Supervision Record": "There must be a record of the
discussion completed for each child at every supervision session concerning this child.
It must be located on the child's file within two working days. Where non-case holders
(e.g. senior managers) discuss individual cases and make decisions, this must be
recorded on the child's file within one working day."

Who: every discussion whose worker's group applies the rule.

The limit (pinned detail 4): `non_case_holder_limit_working_days` (1) when `decided_by`
is filled in and names someone other than the worker and the worker's line manager (the
line manager in the staff table now; exports carry no history of line management),
otherwise `limit_working_days` (2). Ids are compared ignoring case and surrounding spaces;
a decider not in the staff table is still someone else, and for a worker with no line
manager recorded anyone but the worker is.

Working days exclude weekends and England and Wales bank holidays (`supcheck.workdays`).
Working days are counted after the discussion date up to and including the recorded
date: discussed Friday, recorded Tuesday is 2. A recording is late when that count is
*more than* the limit, so lateness is decided by the count, not by comparing dates: a
recording on the Saturday, Sunday or bank holiday straight after the limit date adds no
working day and is on time. The **limit date** is the limit-th working day after the
discussion date: the last working day on which recording is on time, and the finding's
end (pinned detail 1).

Findings (`start` = the discussion date, `end` = the limit date), for a discussion whose
limit date is in the period and on or before as_of (pinned detail 2):

- **late**: recorded (on or before as_of) more than the limit in working days after the
  discussion, so on or after the first working day after the limit date;
- **not recorded**: `recorded_date` is blank or after as_of (pinned detail 3), and as_of
  is a later date than the limit date. With as_of on the limit date itself nothing is
  reported: the worker still has that day.

A `recorded_date` before the discussion date is on time (a data error this rule does
not judge).

Example: discussed Wednesday 15 September 2027, so Thursday 16 is 1 working day and
Friday 17 is 2 (the limit date). Recorded on Saturday 18 or Sunday 19 it is still 2:
on time. Recorded on Monday 20 it is 3: "The discussion of case C1 with Beth Evans on
15 September 2027 was recorded on 20 September 2027, 3 working days later (limit 2
working days, by 17 September 2027)."
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..column_tables import NAT, map_unique
from ..models import Discussion, Finding, Staff
from ..text import long_date
from ..workdays import add_working_days, working_days_between
from .base import AssessmentColumns, Rule, RuleContext

MAX_WORKING_DAYS = 260
"""A recording limit of at most a year of working days: a larger one would ask the
bank-holiday calendar for centuries ahead."""


class CaseRecordingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit_working_days: int = Field(default=2, ge=0, le=MAX_WORKING_DAYS)
    non_case_holder_limit_working_days: int = Field(default=1, ge=0, le=MAX_WORKING_DAYS)


def _fold(staff_id: str) -> str:
    return staff_id.strip().casefold()


def _working_days_taken(days: np.ndarray, recorded: np.ndarray) -> list[int | None]:
    """`working_days_between(day, recorded)` for each pair, None where not recorded;
    computed once per distinct pair of dates."""
    if len(days) == 0:
        return []
    key = days.astype(np.int64) * 1_000_000 + (recorded.astype(np.int64) + 500_000)
    key[np.isnat(recorded)] = -1

    def taken(pair: int) -> int | None:
        if pair == -1:
            return None
        after, upto = divmod(pair, 1_000_000)
        return working_days_between(_from_epoch(after), _from_epoch(upto - 500_000))

    return map_unique(key, taken).tolist()


def _from_epoch(days: int) -> date:
    return date.fromordinal(_EPOCH + days)


_EPOCH = date(1970, 1, 1).toordinal()


def _working_days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


class CaseRecording(Rule):
    kind = "case-recording"
    Params = CaseRecordingParams
    needs = (("case_discussions", "recorded_date"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        workers = {staff.staff_id: staff for staff, _group in ctx.staff_under(self.spec.id)}
        if not workers:
            return
        ordinary = self.params.limit_working_days
        elsewhere_limit = self.params.non_case_holder_limit_working_days
        table = ctx.data.discussions
        mask = table.map_ids("worker_id", workers.__contains__, bool)
        if not mask.all():
            table = table.take(mask)
        day = table["date"]
        # The decider's ids that keep the ordinary limit: the worker's own and their line
        # manager's. (Most rows name no decider: only the others are compared.)
        decided = np.flatnonzero(table.map_ids("decided_by", lambda by: _fold(by) != "", bool))
        decider = map_unique(table.at("decided_by", decided), _fold)
        deciders_worker = table.at("worker_id", decided)
        elsewhere = np.zeros(len(table), dtype=bool)
        elsewhere[decided] = (decider != map_unique(deciders_worker, _fold)) & (
            decider != map_unique(deciders_worker, lambda sid: _fold(workers[sid].line_manager_id))
        )
        limit = np.where(elsewhere, elsewhere_limit, ordinary)
        limit_date = np.where(
            elsewhere,
            map_unique(day, lambda d: add_working_days(d, elsewhere_limit), dtype="datetime64[D]"),
            map_unique(day, lambda d: add_working_days(d, ordinary), dtype="datetime64[D]"),
        )
        as_of = np.datetime64(ctx.as_of)
        recorded = table["recorded_date"].copy()
        recorded[recorded > as_of] = NAT  # not recorded yet, as far as as_of knows
        unrecorded = np.isnat(recorded)
        judged = (
            (limit_date >= np.datetime64(ctx.period.start))
            & (limit_date <= np.datetime64(ctx.period.end))
            & (limit_date <= as_of)
            & ~(unrecorded & (as_of <= limit_date))  # not recorded yet, but still in time
        )
        taken = _working_days_taken(day[judged], recorded[judged])
        staff_ids = table.at("worker_id", judged).tolist()
        cases = table.at("case_id", judged).tolist()
        days = day[judged].astype(object).tolist()
        limit_dates = limit_date[judged].astype(object).tolist()
        limits = limit[judged].tolist()
        # Late means more working days than the limit, not a date after the limit date:
        # the weekend or bank holidays straight after the limit date add no working day.
        met = [n is not None and n <= most for n, most in zip(taken, limits, strict=True)]
        ctx.assessment_columns.append(
            AssessmentColumns(
                self.spec.id, self.kind, staff_ids, met, days, limit_dates, cases, taken, limits
            )
        )
        rows = np.flatnonzero(judged)
        for i, on_time in enumerate(met):
            if on_time:
                continue
            discussion = table.record(int(rows[i]))
            staff = workers[staff_ids[i]]
            message = self._message(
                ctx, discussion, staff, taken[i], limits[i], limit_dates[i], bool(elsewhere[rows[i]])
            )
            yield self.finding(staff, days[i], limit_dates[i], message, case_id=cases[i])

    def _message(
        self,
        ctx: RuleContext,
        discussion: Discussion,
        staff: Staff,
        taken: int | None,
        limit: int,
        limit_date: date,
        elsewhere: bool,
    ) -> str:
        what = (
            f"The discussion of case {discussion.case_id} with {staff.display_name} "
            f"on {long_date(discussion.date)}"
        )
        rule = f"limit {_working_days(limit)}, by {long_date(limit_date)}"
        if elsewhere:
            decider = ctx.data.staff.get(discussion.decided_by.strip())
            name = decider.display_name if decider is not None else discussion.decided_by.strip()
            rule += f", as the decision was made by {name}"
        if taken is None or discussion.recorded_date is None:  # none, or after as_of
            return f"{what} has not been recorded on the child's file ({rule})."
        return (
            f"{what} was recorded on {long_date(discussion.recorded_date)}, "
            f"{_working_days(taken)} later ({rule})."
        )
