"""`frequency`: every assessed window of a person's schedule has a qualifying session.

Why: SWRB Employer Standard 5, "Make sure that supervision takes place at least weekly
for the first six weeks of employment of a newly qualified social worker, at least
fortnightly for the duration of the first six months, and a minimum of monthly
supervision thereafter"; local packs set their own cadence per group.

What counts: a held `individual` session with the person as supervisee; `group`
sessions too where the person's group allows group supervision. Professional and
informal sessions never meet a frequency window (pinned detail 7). A window is met if
such a session falls in it, excused if absences cover at least half its days, and
otherwise missed: one finding per missed window, `start`/`end` = the window.

Example: monthly cadence, no session dated 1-30 June 2026, no absence: one finding,
2026-06-01 to 2026-06-30, "... had no supervision between 1 June 2026 and 30 June 2026
(monthly required)."
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Finding
from ..packs import Group, Pack
from ..schedule import INTERVAL_WORDS, ScheduleSpec, assessed_windows
from ..text import long_date
from ..window_judging import ListedWindows
from .base import Rule, RuleContext


def schedule_spec(pack: Pack, group: Group) -> ScheduleSpec:
    nqsw = pack.schedules.nqsw
    enhanced = pack.schedules.enhanced
    return ScheduleSpec(
        base_interval=group.interval,
        nqsw_phases=tuple((p.offset, p.interval) for p in nqsw.phases) if nqsw else (),
        enhanced_interval=enhanced.interval if enhanced else None,
    )


class Frequency(Rule):
    kind = "frequency"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        specs: dict[str, ScheduleSpec] = {}
        first, last = ctx.period.start, ctx.judged
        # Everyone's assessed windows, listed by the sessions that count (whether the
        # group allows group supervision), then judged all at once.
        listed: dict[bool, ListedWindows] = {}
        for staff, group in ctx.staff_under(self.spec.id):
            spec = specs.get(group.id)
            if spec is None:
                spec = specs[group.id] = schedule_spec(ctx.pack, group)
            windows = ctx.covered(assessed_windows(staff, spec, first, last))
            if windows:
                listed.setdefault(group.group_supervision, ListedWindows()).add(staff, windows)
        for group_supervision, people in listed.items():
            missed = ctx.judge_windows(self.spec.id, people, ctx.qualifying(group_supervision))
            for staff, w in missed:
                yield self.finding(
                    staff,
                    w.start,
                    w.end,
                    f"{staff.display_name} had no supervision between {long_date(w.start)} "
                    f"and {long_date(w.end)} ({INTERVAL_WORDS[w.interval]} required).",
                )
