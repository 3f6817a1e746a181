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
The **limit date** is the limit-th working day after the discussion date: the last day on
which recording is on time. Working days are counted after the discussion date up to and
including the recorded date: discussed Friday, recorded Tuesday is 2.

Findings (`start` = the discussion date, `end` = the limit date), for a discussion whose
limit date is in the period and on or before as_of (pinned detail 2):

- **late**: `recorded_date` is after the limit date (and on or before as_of);
- **not recorded**: `recorded_date` is blank or after as_of (pinned detail 3), and as_of
  is a later date than the limit date. With as_of on the limit date itself nothing is
  reported: the worker still has that day.

A `recorded_date` on or before the limit date is on time, including one before the
discussion date (a data error this rule does not judge).

Example: discussed Thursday 2 April 2026, recorded Thursday 9 April 2026. Good Friday
3 April and Easter Monday 6 April are bank holidays, so 7 April is 1, 8 April is 2 (the
limit date) and 9 April is 3 working days: "The discussion of case C70400 with Beth Evans
on 2 April 2026 was recorded on 9 April 2026, 3 working days later (limit 2 working
days, by 8 April 2026)."
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, ConfigDict, NonNegativeInt

from ..models import Discussion, Finding, Staff
from ..text import long_date
from ..workdays import add_working_days, working_days_between
from .base import Rule, RuleContext


class CaseRecordingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit_working_days: NonNegativeInt = 2
    non_case_holder_limit_working_days: NonNegativeInt = 1


def _fold(staff_id: str) -> str:
    return staff_id.strip().casefold()


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
        # The decider's ids that keep the ordinary limit: the worker's own and their line manager's.
        own = {sid: {_fold(sid), _fold(s.line_manager_id)} - {""} for sid, s in workers.items()}
        folded: dict[str, str] = {}
        limit_dates: dict[tuple[date, int], date] = {}
        ordinary, elsewhere_limit = (
            self.params.limit_working_days,
            self.params.non_case_holder_limit_working_days,
        )
        period, as_of = ctx.period, ctx.as_of
        for discussion in ctx.data.discussions:
            staff = workers.get(discussion.worker_id)
            if staff is None:
                continue
            by = discussion.decided_by
            if by:
                if by not in folded:
                    folded[by] = _fold(by)
                elsewhere = folded[by] != "" and folded[by] not in own[staff.staff_id]
            else:
                elsewhere = False
            limit = elsewhere_limit if elsewhere else ordinary
            key = (discussion.date, limit)
            limit_date = limit_dates.get(key)
            if limit_date is None:
                limit_date = limit_dates[key] = add_working_days(discussion.date, limit)
            if not (period.start <= limit_date <= period.end and limit_date <= as_of):
                continue  # ctx.in_period, inlined: this loop sees every discussion
            recorded = discussion.recorded_date
            if recorded is not None and recorded > as_of:
                recorded = None
            if recorded is None and as_of <= limit_date:
                continue  # not recorded yet, but still in time
            on_time = recorded is not None and recorded <= limit_date
            self.assess(
                ctx,
                staff,
                on_time,
                discussion.date,
                limit_date,
                case_id=discussion.case_id,
                value=None if recorded is None else working_days_between(discussion.date, recorded),
                required=limit,
            )
            if on_time:
                continue
            yield self.finding(
                staff,
                discussion.date,
                limit_date,
                self._message(ctx, discussion, staff, recorded, limit, limit_date, elsewhere),
                case_id=discussion.case_id,
            )

    def _message(
        self,
        ctx: RuleContext,
        discussion: Discussion,
        staff: Staff,
        recorded: date | None,
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
        if recorded is None:
            return f"{what} has not been recorded on the child's file ({rule})."
        late = working_days_between(discussion.date, recorded)
        return f"{what} was recorded on {long_date(recorded)}, {_working_days(late)} later ({rule})."
