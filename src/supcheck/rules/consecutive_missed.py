"""`consecutive-missed`: no run of more than `max_missed` calendar months without supervision.

Why: Shropshire 3.5, "Supervision should not be missed for more than one consecutive
month." Read as: two calendar months in a row without a supervision is a breach
(`max_missed = 1`); one missed month on its own is not (the annual minimum allows for it).

A month counts as missed when the person was employed for the whole of it (start date on
or before its first day, end date blank or on or after its last day), absences cover less
than half of its days (otherwise it is excused), and no qualifying session (as for
`frequency`: held individual sessions, group ones where the group allows them; length
does not matter) is dated in it. Any other month (met, excused, partly employed) breaks a
run. Only months ending on or before J are looked at, and none before the month of the
earliest session in the export (earlier months are beyond what the export shows, not
missed). A run is a maximal stretch of
consecutive missed months; one longer than `max_missed` is one finding, `start`/`end` =
the first day of its first month and the last day of its last month, reported when its
last month ends in the period (it may start before the period, across a year end).

These are calendar months whatever the person's cadence: apply the rule to groups
supervised at least monthly.

Example: no session in December 2025 or January 2026, period January 2026: one finding,
2025-12-01 to 2026-01-31.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ..models import Finding, Staff
from ..schedule import ONE_DAY, SessionIndex, Window, absent_days, is_excused, month_end
from ..text import long_date
from .base import Rule, RuleContext
from .frequency import qualifying_sessions


class ConsecutiveMissedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_missed: int = Field(default=1, ge=0)


def _months(first: date, last: date) -> Iterator[Window]:
    """Calendar months starting on or after `first` and ending on or before `last`."""
    month = first.replace(day=1)
    if month < first:
        month = month_end(month) + ONE_DAY
    while True:
        end = month_end(month)
        if end > last:
            return
        yield Window(month, end, "month")
        month = end + ONE_DAY


def missed_runs(
    staff: Staff,
    until: date,
    sessions: SessionIndex,
    absences: list[tuple[date, date]],
    since: date | None = None,
) -> list[list[Window]]:
    """Maximal runs of consecutive missed months, among months fully employed ending by `until`.

    `since` skips months before the one it falls in (for speed: a caller interested only
    in runs ending after a met month can start at that month).
    """
    first = staff.start_date if since is None else max(staff.start_date, since.replace(day=1))
    last = until if staff.end_date is None else min(until, staff.end_date)
    runs: list[list[Window]] = []
    current: list[Window] = []
    dates = sessions.dates
    for month in _months(first, last):
        i = bisect.bisect_left(dates, month.start)
        held = i < len(dates) and dates[i] <= month.end  # a session dated in the month
        missed = not held and not is_excused(month, absent_days(month, absences))
        if missed:
            current.append(month)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


class ConsecutiveMissed(Rule):
    kind = "consecutive-missed"
    Params = ConsecutiveMissedParams

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = self.params.max_missed
        period_month = ctx.period.start.replace(day=1)
        # Months before the first session in the export are not known to have been missed:
        # the export may simply not reach back that far.
        days = ctx.sessions["date"]
        data_start = days.min().astype(object) if len(days) else None
        for staff, group in ctx.staff_under(self.spec.id):
            sessions = qualifying_sessions(ctx, staff, group)
            # A run reported now ends in a month that starts on or after period_month, so
            # it starts after the month of the last session before period_month.
            before = bisect.bisect_left(sessions.dates, period_month)
            since = sessions.dates[before - 1] if before else data_start
            runs = missed_runs(
                staff, ctx.judged, sessions, ctx.absences_by_staff.get(staff.staff_id, []), since
            )
            for run in runs:
                if len(run) <= limit or not ctx.in_period(run[-1].end):
                    continue
                first, last = run[0], run[-1]
                length = "1 month" if len(run) == 1 else f"{len(run)} months in a row"
                if limit == 0:
                    allowed = "supervision is required every month"
                else:
                    allowed = f"no more than {limit} month{'s' if limit != 1 else ''} in a row may be missed"
                yield self.finding(
                    staff,
                    first.start,
                    last.end,
                    f"{staff.display_name} had no supervision for {length}, "
                    f"{long_date(first.start)} to {long_date(last.end)} ({allowed}).",
                )
