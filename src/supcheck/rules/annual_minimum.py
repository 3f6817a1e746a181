"""`annual-minimum`: enough sessions of at least the minimum length over the year, pro rata.

Why: Shropshire 3.5, "There is a requirement of a minimum of 10 x 1.5 hour supervisions
to be held during the year."

The assessed year is the period when it spans 12 months or more, otherwise the 12 months
ending on the period's last day: (last day - 12 months, last day], so a period ending
31 October 2026 is assessed over 1 November 2025 - 31 October 2026. The rule is not
assessed (listed under "not assessed") when that year ends after as_of.

Required = floor(minimum x eligible_days / days_in_year): `days_in_year` is the number of
days in the 12 months ending on the assessed year's last day (365 or 366; a period
longer than 12 months therefore asks for more than `minimum`, pro rata), and
`eligible_days` the days employed in the assessed year less the days of those on which
an absence is recorded (each day once). Counted: qualifying sessions (as for `frequency`)
in the assessed year and employment lasting at least `min_minutes` (default: the group's
minimum); a session with no duration does not count. A person whose required count is 0
raises nothing. One finding per person short of it, `start`/`end` = the assessed year
clipped to employment.

Example: starts 1 May 2026, year 1 Nov 2025 - 31 Oct 2026 (365 days), no absence:
184 days employed, floor(10 x 184 / 365) = 5 required.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from ..models import Finding, Period, Staff
from ..packs import SessionMinutes
from ..schedule import ONE_DAY
from ..text import long_date, minutes
from .base import Rule, RuleContext

YEAR = relativedelta(months=12)


class AnnualMinimumParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minimum: int = Field(default=10, ge=1, le=365)  # at most one session a day
    min_minutes: SessionMinutes | None = None


def assessed_year(period: Period) -> tuple[date, date, int]:
    """(first day, last day, days_in_year) of the year the rule assesses for `period`."""
    last = period.end
    twelve_months_start = last - YEAR + ONE_DAY
    days_in_year = (last - twelve_months_start).days + 1
    first = period.start if period.start <= twelve_months_start else twelve_months_start
    return first, last, days_in_year


class AnnualMinimum(Rule):
    kind = "annual-minimum"
    Params = AnnualMinimumParams
    needs = (("supervisions", "duration_minutes"),)

    def not_assessable(self, ctx: RuleContext) -> str | None:
        first, last, _ = assessed_year(ctx.period)
        if last > ctx.as_of:
            return (
                f"the assessed year ({long_date(first)} to {long_date(last)}) ends after "
                f"{long_date(ctx.as_of)}, the last day that can be judged (the as-of date, or "
                "the last day the exports cover)"
            )
        if ctx.known_from is not None and first < ctx.known_from:
            return (
                f"the assessed year ({long_date(first)} to {long_date(last)}) starts before the "
                f"supervisions export begins ({long_date(ctx.known_from)})"
            )
        return None

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # Everyone is judged at once, per kind of counted session (whether the group
        # allows group supervision, and the minimum length).
        listed: dict[tuple[bool, float], list[Staff]] = {}
        for staff, group in ctx.staff_under(self.spec.id):
            counted = (group.group_supervision, self.params.min_minutes or group.min_minutes)
            listed.setdefault(counted, []).append(staff)
        for (together, length), people in listed.items():
            yield from self._judge(ctx, people, together, length)

    def _judge(
        self, ctx: RuleContext, people: list[Staff], together: bool, length: float
    ) -> Iterator[Finding]:
        year_first, year_last, days_in_year = assessed_year(ctx.period)
        employment = [
            (staff, max(year_first, staff.start_date), _earlier(year_last, staff.end_date))
            for staff in people
        ]
        employment = [(staff, first, last) for staff, first, last in employment if first <= last]
        if not employment:
            return
        ids = [staff.staff_id for staff, _, _ in employment]
        first = np.fromiter((f.toordinal() for _, f, _ in employment), dtype=np.int64, count=len(ids))
        last = np.fromiter((la.toordinal() for _, _, la in employment), dtype=np.int64, count=len(ids))
        cover = ctx.absence_cover
        eligible = (last - first + 1) - cover.days_between(cover.ranks_of(ids), first, last)
        required = self.params.minimum * eligible // days_in_year
        long_enough = ctx.mask(
            ("annual-minimum", together, length),
            lambda: ctx.qualifying(together) & (ctx.sessions["duration_minutes"] >= length),
        )  # (a blank length is NaN: never long enough)
        sessions, _ = ctx.dated_sessions(long_enough)
        lo, hi = sessions.between(sessions.ranks_of(ids), first, last)
        counts = hi - lo
        for i in np.flatnonzero(required > 0).tolist():
            staff, start, end = employment[i]
            count, needed = int(counts[i]), int(required[i])
            self.assess(ctx, staff, count >= needed, start, end, value=count, required=needed)
            if count >= needed:
                continue
            noun = "supervision" if count == 1 else "supervisions"
            yield self.finding(
                staff,
                start,
                end,
                f"{staff.display_name} had {count} {noun} of at least {minutes(length)} "
                f"between {long_date(start)} and {long_date(end)}; at least {needed} required "
                f"(pro rata for {int(eligible[i])} days employed and not absent).",
            )


def _earlier(day: date, other: date | None) -> date:
    return day if other is None else min(day, other)
