"""`appraisal`: everyone employed a year or more has had an appraisal in the last year.

Why: Dudley standard 4, "All staff must have an annual appraisal"; Shropshire audit tool
1.7, "Has the supervisee got an up to date appraisal?"

Judged at J (the period's last day, or as_of if earlier) for staff employed on J and
employed `every` or more: start_date + 12 months <= J (someone who started on 29 February
2024 qualifies on 28 February 2025). A finding when no appraisal is dated within the last
`every`: J - 12 months < date <= J. `start` = `end` = J; the message gives the last
appraisal date, if any. Not assessed without an appraisals table.

Example: employed since 2016, last appraisal 15 September 2025, J = 31 October 2026:
"... has had no appraisal in the 12 months to 31 October 2026 (last appraisal
15 September 2025)."
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from ..column_tables import latest_by_code, optional_days
from ..models import Finding
from ..packs import parse_offset
from ..schedule import date_adder
from ..text import long_date
from .base import Rule, RuleContext


class AppraisalParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    every: str = "12 months"

    @field_validator("every")
    @classmethod
    def _check_length(cls, value: str) -> str:
        parse_offset(value)
        return value


class AppraisalRule(Rule):
    kind = "appraisal"
    Params = AppraisalParams
    needs = (("appraisals", None),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        judged = ctx.judged
        every = self.params.every.strip()
        offset = parse_offset(every)
        add = date_adder(offset)  # `day + offset`, without relativedelta's cost per person
        earliest = judged - offset  # exclusive
        table = ctx.data.appraisals
        held = table["date"] <= np.datetime64(judged)
        codes, people = table.codes("staff_id")
        latest = optional_days(latest_by_code(codes[held], len(people), table["date"][held]))
        index = {staff_id: i for i, staff_id in enumerate(people.tolist())}
        for staff, _group in ctx.staff_under(self.spec.id):
            if not staff.employed_on(judged) or add(staff.start_date) > judged:
                continue
            i = index.get(staff.staff_id)
            last_held = None if i is None else latest[i]
            met = last_held is not None and earliest < last_held
            self.assess(ctx, staff, met, judged, judged)
            if met:
                continue
            last = f"last appraisal {long_date(last_held)}" if last_held else "no appraisal on record"
            yield self.finding(
                staff,
                judged,
                judged,
                f"{staff.display_name} has had no appraisal in the {every} to {long_date(judged)} ({last}).",
            )
