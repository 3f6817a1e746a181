"""`uninterrupted`: a held formal session recorded as interrupted.

Why: SWRB Employer Standard 5, "Ensure that supervision sessions last at least an hour
and a half of uninterrupted time". Assessed only when the supervisions export has an
`interrupted` column; a blank cell is unknown and raises nothing.
`start` = `end` = the session date.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Finding
from ..text import long_date, possessive
from .base import Rule, RuleContext


class Uninterrupted(Rule):
    kind = "uninterrupted"
    needs = (("supervisions", "interrupted"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for staff, _group in ctx.staff_under(self.spec.id):
            for session in ctx.sessions_by_staff.get(staff.staff_id, ()):
                if session.is_held_formal and session.interrupted and ctx.in_period(session.date):
                    yield self.finding(
                        staff,
                        session.date,
                        session.date,
                        f"{possessive(staff.display_name)} {session.type} supervision on "
                        f"{long_date(session.date)} was recorded as interrupted.",
                    )
