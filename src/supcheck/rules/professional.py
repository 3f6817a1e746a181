"""`professional-supervision`: professional supervision by a registered social worker
for registered social workers whose line manager is not one.

Why: SWRB Employer Standard 5, "Provide additional professional supervision by a
registered social worker for practitioners whose line manager is not a social worker."

Who: staff recorded as registered social workers whose line manager is in the staff
table and recorded as not registered. A blank registration flag (the person's or the
manager's) means we cannot tell, and the rule does not apply to that person.
What counts: a held `professional` session whose supervisor is in the staff table and
recorded as a registered social worker. Windows: the rule's `interval` (default a
calendar quarter) from the start date, built, clipped, merged, excused and assessed
exactly as frequency windows. One finding per missed window, `start`/`end` = the window.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..models import Finding, Interval, Staff
from ..schedule import INTERVAL_WORDS, ScheduleSpec, assessed_windows
from ..text import long_date
from ..window_judging import ListedWindows
from .base import Rule, RuleContext


class ProfessionalParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interval: Interval = "quarter"


class ProfessionalSupervision(Rule):
    kind = "professional-supervision"
    Params = ProfessionalParams
    needs = (
        ("supervisions", None),
        ("staff", "registered_social_worker"),
        ("staff", "line_manager_id"),
    )

    def _needs_it(self, ctx: RuleContext, staff: Staff) -> bool:
        manager = ctx.data.staff.get(staff.line_manager_id)
        return (
            staff.registered_social_worker is True
            and manager is not None
            and manager.registered_social_worker is False
        )

    def _professional_sessions(self, ctx: RuleContext) -> np.ndarray:
        """Over `ctx.sessions`: held professional sessions with a registered social worker."""
        people = ctx.data.staff

        def registered(staff_id: str) -> bool:
            supervisor = people.get(staff_id)
            return supervisor is not None and supervisor.registered_social_worker is True

        return ctx.mask(
            ("professional",),
            lambda: (
                ctx.held
                & (ctx.sessions["type"] == "professional")
                & ctx.sessions.map_ids("supervisor_id", registered, bool)
            ),
        )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        spec = ScheduleSpec(base_interval=self.params.interval)
        listed = ListedWindows()
        for staff, _group in ctx.staff_under(self.spec.id):
            if self._needs_it(ctx, staff):
                listed.add(staff, ctx.covered(assessed_windows(staff, spec, ctx.period.start, ctx.judged)))
        for staff, w in ctx.judge_windows(self.spec.id, listed, self._professional_sessions(ctx)):
            manager = ctx.data.staff[staff.line_manager_id]
            yield self.finding(
                staff,
                w.start,
                w.end,
                f"{staff.display_name}, whose line manager {manager.display_name} is not "
                "a registered social worker, had no professional supervision by a "
                f"registered social worker between {long_date(w.start)} and "
                f"{long_date(w.end)} ({INTERVAL_WORDS[w.interval]} required).",
            )
