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
        sessions = ctx.sessions
        rows = ctx.judged_sessions(self.spec.id)
        interrupted = sessions["interrupted"][rows] == True  # noqa: E712 (None: unknown)
        for person, day, kind in ctx.sessions_at(rows[interrupted]):
            yield self.finding(
                person,
                day,
                day,
                f"{possessive(person.display_name)} {kind} supervision on "
                f"{long_date(day)} was recorded as interrupted.",
            )
