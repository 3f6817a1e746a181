"""`duration`: a held formal session shorter than the group's minimum.

Why: SWRB Employer Standard 5, "Ensure that supervision sessions last at least an hour
and a half of uninterrupted time" (90 minutes in every shipped pack; a group may set its
own `min_minutes`, and a rule instance may set `min_minutes` for every group).

Formal means individual, group or professional; informal sessions are not judged. A held
formal session with no usable duration is a data-quality finding, not a breach.
`start` = `end` = the session date (pinned detail 1).

Example: a held individual session of 60 minutes on 4 June 2026 under a 90-minute
minimum: one finding dated 2026-06-04.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, PositiveFloat

from ..dq import about_record
from ..models import Finding
from ..text import long_date, minutes, possessive
from .base import Rule, RuleContext


class DurationParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_minutes: PositiveFloat | None = None


class Duration(Rule):
    kind = "duration"
    Params = DurationParams
    needs = (("supervisions", "duration_minutes"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for staff, group in ctx.staff_under(self.spec.id):
            minimum = self.params.min_minutes or group.min_minutes
            for session in ctx.sessions_by_staff.get(staff.staff_id, ()):
                if not (session.is_held_formal and ctx.in_period(session.date)):
                    continue
                if session.duration_minutes is None:
                    yield about_record(
                        session,
                        f"held {session.type} session on {long_date(session.date)} has no "
                        "duration; its length could not be checked.",
                        column="duration_minutes",
                        value="",
                        staff_id=staff.staff_id,
                        day=session.date,
                    )
                    continue
                long_enough = session.duration_minutes >= minimum
                self.assess(
                    ctx, staff, long_enough, session.date, session.date, value=session.duration_minutes
                )
                if not long_enough:
                    yield self.finding(
                        staff,
                        session.date,
                        session.date,
                        f"{possessive(staff.display_name)} {session.type} supervision on "
                        f"{long_date(session.date)} lasted {minutes(session.duration_minutes)}, "
                        f"under the {minutes(minimum)} required.",
                    )
