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

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..dq import about_record
from ..models import Finding
from ..packs import SessionMinutes
from ..text import long_date, minutes, possessive
from .base import AssessmentColumns, Ids, Rule, RuleContext


class DurationParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_minutes: SessionMinutes | None = None


class Duration(Rule):
    kind = "duration"
    Params = DurationParams
    needs = (("supervisions", "duration_minutes"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        sessions = ctx.sessions
        rows = ctx.judged_sessions(self.spec.id)
        lengths = sessions["duration_minutes"][rows]
        if self.params.min_minutes is None:
            groups = ctx.groups
            minimums = sessions.map_ids(
                "supervisee_id", lambda i: groups[i].min_minutes if i in groups else 0, float
            )[rows]
        else:
            minimums = np.full(len(rows), self.params.min_minutes)
        known = ~np.isnan(lengths)
        long_enough = lengths >= minimums
        judged = rows[known]
        days = sessions["date"][judged]
        supervisees, ids = sessions.codes("supervisee_id")
        ctx.assessment_columns.append(
            AssessmentColumns(
                self.spec.id,
                self.kind,
                Ids(supervisees[judged], ids),
                long_enough[known],
                days,
                days,
                Ids(np.zeros(len(judged), dtype=np.int32), np.array([""], dtype=object)),  # (no case)
                value=lengths[known],
            )
        )
        failing = np.flatnonzero(~known | ~long_enough)
        for k, (person, day, kind) in zip(failing.tolist(), ctx.sessions_at(rows[failing]), strict=True):
            if not known[k]:
                yield about_record(
                    sessions.record(int(rows[k])),
                    "no-duration",
                    kind=kind,
                    on=long_date(day),
                    column="duration_minutes",
                    value="",
                    staff_id=person.staff_id,
                    day=day,
                )
                continue
            yield self.finding(
                person,
                day,
                day,
                f"{possessive(person.display_name)} {kind} supervision on {long_date(day)} lasted "
                f"{minutes(float(lengths[k]))}, under the {minutes(float(minimums[k]))} required.",
            )
