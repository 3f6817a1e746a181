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

from collections.abc import Iterator
from datetime import date

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..models import Finding, Staff
from ..text import long_date
from ..window_judging import MISSED, DatedEvents, days_of, ordinals, window_outcomes
from .base import Rule, RuleContext


class ConsecutiveMissedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_missed: int = Field(default=1, ge=0, le=24)  # two years


def _month_index(days: np.ndarray) -> np.ndarray:
    """Day ordinals -> months since January 1970 (`datetime64[M]` as integers)."""
    return days_of(days).astype("datetime64[M]").view(np.int64)


def _month_days(months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months since January 1970 -> (first day, last day) ordinals."""
    first = ordinals(months.astype("datetime64[M]"))
    return first, ordinals((months + 1).astype("datetime64[M]")) - 1


class ConsecutiveMissed(Rule):
    kind = "consecutive-missed"
    Params = ConsecutiveMissedParams

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # Everyone's months are judged at once, per kind of counted session (whether the
        # group allows group supervision), as frequency windows are.
        listed: dict[bool, list[Staff]] = {}
        for staff, group in ctx.staff_under(self.spec.id):
            listed.setdefault(group.group_supervision, []).append(staff)
        for group_supervision, people in listed.items():
            sessions, _ = ctx.dated_sessions(ctx.qualifying(group_supervision))
            yield from self._runs(ctx, people, sessions)

    def _runs(self, ctx: RuleContext, people: list[Staff], sessions: DatedEvents) -> Iterator[Finding]:
        """Each person's months from the first one that can start a reported run to the
        last one ending by J; the runs of missed ones longer than `max_missed`."""
        ids = [staff.staff_id for staff in people]
        period_month = ctx.period.start.replace(day=1)
        # A run reported now ends in a month that starts on or after period_month, so it
        # starts after the month of the last session before period_month; with none,
        # at the month of the export's first session (the export may not reach back
        # further: earlier months are not known to have been missed).
        days = ctx.sessions["date"]
        days = days[~np.isnat(days)]
        data_start = int(ordinals(days.min())) if len(days) else 0
        since = sessions.latest_before(sessions.ranks_of(ids), period_month.toordinal())
        since[since == 0] = data_start
        since_month = _month_days(_month_index(since))[0]
        start = np.fromiter((s.start_date.toordinal() for s in people), dtype=np.int64, count=len(people))
        judged = ctx.judged.toordinal()
        end = np.fromiter(
            (judged if s.end_date is None else min(judged, s.end_date.toordinal()) for s in people),
            dtype=np.int64,
            count=len(people),
        )
        # Whole months only: from the first month starting on or after the later of the
        # start date and the month of `since`, to the last month ending on or before `end`.
        if ctx.known_from is not None:  # (and none before the export begins)
            since_month = np.maximum(since_month, ctx.known_from.toordinal())
        first = _month_index(np.maximum(start, since_month) - 1) + 1
        last = _month_index(end + 1) - 1
        count = np.maximum(last - first + 1, 0)
        owner = np.repeat(np.arange(len(people)), count)
        month = np.repeat(first, count) + (np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count))
        month_first, month_last = _month_days(month)
        status, *_ = window_outcomes(ids, owner, month_first, month_last, sessions, ctx.absence_cover)

        # Runs: stretches of missed months of one person.
        missed = status == MISSED
        joined = missed[1:] & missed[:-1] & (owner[1:] == owner[:-1])  # month i and i + 1, one run
        opens = np.flatnonzero(missed & ~np.r_[False, joined])
        closes = np.flatnonzero(missed & ~np.r_[joined, False])
        lengths = closes - opens + 1
        limit = self.params.max_missed
        reported = (lengths > limit) & (month_last[closes] >= ctx.period.start.toordinal())
        for i in np.flatnonzero(reported).tolist():
            staff = people[owner[opens[i]]]
            run_first = date.fromordinal(int(month_first[opens[i]]))
            run_last = date.fromordinal(int(month_last[closes[i]]))
            length = "1 month" if lengths[i] == 1 else f"{lengths[i]} months in a row"
            if limit == 0:
                allowed = "supervision is required every month"
            else:
                allowed = f"no more than {limit} month{'s' if limit != 1 else ''} in a row may be missed"
            yield self.finding(
                staff,
                run_first,
                run_last,
                f"{staff.display_name} had no supervision for {length}, "
                f"{long_date(run_first)} to {long_date(run_last)} ({allowed}).",
            )
