"""`agreement`: a supervision agreement signed by both parties, in date, with the current supervisor.

Why: Shropshire 3.5 and appendix 1, "A supervision contract (see appendix 1) will be
drawn up for all workers by their supervisor at the start of any new supervisory
relationship", reviewed "normally ... after 12 months", and "The contract should be
signed and dated by both parties"; Dudley standard 2, "Managers will ensure all staff
will have Supervision Agreements and Annual Appraisals in place".

Judged at J (the period's last day, or as_of if earlier) for staff employed on J and
employed more than `grace_days` days: (J - start_date) + 1 day > 28 days. "The
agreement" is the latest one signed by both parties (both signature cells yes; a blank
cell is not a signature) within the last `valid_for`: J - 12 months < signed_date <= J.
None: one finding. It names a supervisor other than the person's line manager in the
staff table (a blank supervisor matches a blank line manager): one finding. At most one
finding per person; `start` = `end` = J. Two agreements signed on the same latest day:
the one naming the line manager, if either does, is "the agreement".

Not assessed without an agreements table with both signature columns. Without a
`line_manager_id` column in the staff table or a `supervisor_id` column in the
agreements table, only the first test (an agreement exists) is made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import Finding, Staff
from ..packs import parse_offset
from ..text import long_date, possessive
from .base import Rule, RuleContext


class AgreementParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_for: str = "12 months"
    grace_days: int = Field(default=28, ge=0)

    @field_validator("valid_for")
    @classmethod
    def _check_length(cls, value: str) -> str:
        parse_offset(value)
        return value


class AgreementRow(NamedTuple):
    """What the rule reads of an agreement row."""

    supervisor_id: str
    signed_date: date
    signed_by_supervisee: bool | None
    signed_by_supervisor: bool | None


def _signed_by_both(agreement: AgreementRow) -> bool:
    return agreement.signed_by_supervisee is True and agreement.signed_by_supervisor is True


def describe_person(ctx: RuleContext, staff_id: str) -> str:
    """'Mina Manager (M1)', or the bare id when the person is not in the staff table."""
    person = ctx.data.staff.get(staff_id)
    return f"{person.name} ({staff_id})" if person is not None and person.name else staff_id


class AgreementRule(Rule):
    kind = "agreement"
    Params = AgreementParams
    needs = (
        ("agreements", "signed_by_supervisee"),
        ("agreements", "signed_by_supervisor"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for staff, finding in self._judge(ctx):
            self.assess(ctx, staff, finding is None, ctx.judged, ctx.judged)
            if finding is not None:
                yield finding

    def _judge(self, ctx: RuleContext) -> Iterator[tuple[Staff, Finding | None]]:
        """Each person judged, with their finding or None when they have a valid agreement."""
        judged = ctx.judged
        valid_for = self.params.valid_for.strip()
        earliest = judged - parse_offset(valid_for)  # exclusive
        compare_supervisor = ctx.data.has_column("staff", "line_manager_id") and ctx.data.has_column(
            "agreements", "supervisor_id"
        )
        by_staff: dict[str, list[AgreementRow]] = defaultdict(list)
        table = ctx.data.agreements
        dated = np.flatnonzero(table["signed_date"] <= np.datetime64(judged))
        for staff_id, *fields in zip(
            *(table.at(name, dated).tolist() for name in ("staff_id", *AgreementRow._fields)), strict=True
        ):
            by_staff[staff_id].append(AgreementRow(*fields))
        for staff, _group in ctx.staff_under(self.spec.id):
            if not staff.employed_on(judged):
                continue
            if (judged - staff.start_date) + timedelta(days=1) <= timedelta(days=self.params.grace_days):
                continue
            agreements = by_staff.get(staff.staff_id, [])
            signed = [a for a in agreements if _signed_by_both(a)]
            current = [a for a in signed if earliest < a.signed_date]
            if not current:
                if signed:
                    last = max(a.signed_date for a in signed)
                    history = f"the last one signed by both is dated {long_date(last)}"
                else:
                    history = "none signed by both is on record"
                yield staff, self.finding(
                    staff,
                    judged,
                    judged,
                    f"{staff.display_name} has no supervision agreement signed by both parties "
                    f"in the {valid_for} to {long_date(judged)} ({history}).",
                )
                continue
            if not compare_supervisor:
                yield staff, None
                continue
            manager = staff.line_manager_id.strip()
            latest_day = max(a.signed_date for a in current)
            latest = [a for a in current if a.signed_date == latest_day]
            if any(a.supervisor_id.strip() == manager for a in latest):
                yield staff, None
                continue
            named = latest[0].supervisor_id.strip()
            names = f"names {describe_person(ctx, named)} as supervisor" if named else "names no supervisor"
            now = (
                f"the line manager on {long_date(judged)} is {describe_person(ctx, manager)}"
                if manager
                else f"no line manager is recorded on {long_date(judged)}"
            )
            yield staff, self.finding(
                staff,
                judged,
                judged,
                f"{possessive(staff.display_name)} supervision agreement of {long_date(latest_day)} "
                f"{names}, but {now}; a new supervisory relationship needs a new agreement.",
            )
