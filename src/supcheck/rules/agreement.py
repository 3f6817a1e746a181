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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..column_tables import latest_by_code, optional_days
from ..models import Finding, Staff
from ..packs import parse_offset
from ..text import long_date, possessive
from .base import Rule, RuleContext


class AgreementParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_for: str = "12 months"
    grace_days: int = Field(default=28, ge=0, le=366)  # a year

    @field_validator("valid_for")
    @classmethod
    def _check_length(cls, value: str) -> str:
        parse_offset(value)
        return value


@dataclass
class LatestAgreements:
    """Each person's agreements signed by both parties and dated on or before J, reduced
    to what the rule asks of them: the latest one's date, and whether one of that day
    names the person's line manager (else the supervisor named by the first of them)."""

    index: dict[str, int]  # staff id -> position in the arrays below
    latest: np.ndarray  # datetime64[D]
    names_manager: np.ndarray  # bool
    named: np.ndarray  # object: the supervisor id (stripped) of the day's first agreement

    @classmethod
    def of(cls, ctx: RuleContext, judged: date) -> LatestAgreements:
        table = ctx.data.agreements
        signed = (
            (table["signed_by_supervisee"] == True)  # noqa: E712 (None is not True)
            & (table["signed_by_supervisor"] == True)  # noqa: E712
            & (table["signed_date"] <= np.datetime64(judged))
        )
        rows = np.flatnonzero(signed)  # (in file order)
        codes, people = table.codes("staff_id")
        codes = codes[rows]
        days = table["signed_date"][rows]
        latest = latest_by_code(codes, len(people), days)
        # The agreements of each person's latest day, in file order.
        of_day = np.flatnonzero(days == latest[codes])
        staff = ctx.data.staff

        def manager_of(staff_id: str) -> str:
            person = staff.get(staff_id)
            return person.line_manager_id.strip() if person is not None else ""

        supervisors = table.map_ids("supervisor_id", str.strip)[rows[of_day]]
        managers = np.array([manager_of(p) for p in people.tolist()], dtype=object)
        matches = supervisors == managers[codes[of_day]]
        names_manager = np.bincount(codes[of_day], weights=matches, minlength=len(people)) > 0
        named = np.full(len(people), "", dtype=object)
        firsts, first_rows = np.unique(codes[of_day], return_index=True)  # (the first in file order)
        named[firsts] = supervisors[first_rows]
        return cls({p: i for i, p in enumerate(people.tolist())}, latest, names_manager, named)


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
        agreements = LatestAgreements.of(ctx, judged)
        latest_days = optional_days(agreements.latest)
        for staff, _group in ctx.staff_under(self.spec.id):
            if not staff.employed_on(judged):
                continue
            if (judged - staff.start_date) + timedelta(days=1) <= timedelta(days=self.params.grace_days):
                continue
            i = agreements.index.get(staff.staff_id)
            latest_day = None if i is None else latest_days[i]
            if latest_day is None or latest_day <= earliest:
                if latest_day is not None:
                    history = f"the last one signed by both is dated {long_date(latest_day)}"
                else:
                    history = "none signed by both is on record"
                yield (
                    staff,
                    self.finding(
                        staff,
                        judged,
                        judged,
                        f"{staff.display_name} has no supervision agreement signed by both parties "
                        f"in the {valid_for} to {long_date(judged)} ({history}).",
                    ),
                )
                continue
            if not compare_supervisor or agreements.names_manager[i]:
                yield staff, None
                continue
            manager = staff.line_manager_id.strip()
            named = agreements.named[i]
            names = f"names {describe_person(ctx, named)} as supervisor" if named else "names no supervisor"
            now = (
                f"the line manager on {long_date(judged)} is {describe_person(ctx, manager)}"
                if manager
                else f"no line manager is recorded on {long_date(judged)}"
            )
            yield (
                staff,
                self.finding(
                    staff,
                    judged,
                    judged,
                    f"{possessive(staff.display_name)} supervision agreement of {long_date(latest_day)} "
                    f"{names}, but {now}; a new supervisory relationship needs a new agreement.",
                ),
            )
