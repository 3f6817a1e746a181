"""`signed-record`: a held formal session whose record is not signed by both parties.

Why: Shropshire audit tool 1.2, "Are supervision records signed by both parties?"
(appendix 2, the record of supervision, has a signature line for each).

Judged for held formal sessions (individual, group, professional) dated in the period and
on or before as_of; informal, cancelled and not-held sessions are not judged. A record is
signed when both `signed_by_supervisee` and `signed_by_supervisor` say yes. A blank cell
is no evidence of a signature and counts as not signed (an audit answers "No" when it
cannot see the signature); the message says the cell is blank. One finding per session,
`start` = `end` = the session date. Assessed only when the export has both columns.

Example: an individual session on 4 June 2026 signed by the supervisee only: "Beth
Evans' individual supervision record of 4 June 2026 is not signed by the supervisor."
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..models import Finding
from ..text import long_date, possessive
from .base import Rule, RuleContext


def _missing(signed: bool | None, who: str) -> str | None:
    if signed is True:
        return None
    return who if signed is False else f"{who} (left blank)"


class SignedRecord(Rule):
    kind = "signed-record"
    needs = (
        ("supervisions", "signed_by_supervisee"),
        ("supervisions", "signed_by_supervisor"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        sessions = ctx.sessions
        rows = ctx.judged_sessions(self.spec.id)
        by_supervisee = sessions["signed_by_supervisee"][rows]
        by_supervisor = sessions["signed_by_supervisor"][rows]
        signed = (by_supervisee == True) & (by_supervisor == True)  # noqa: E712 (None is not True)
        unsigned = np.flatnonzero(~signed)
        for k, (person, day, kind) in zip(unsigned.tolist(), ctx.sessions_at(rows[unsigned]), strict=True):
            missing = [
                m
                for m in (
                    _missing(by_supervisee[k], "the supervisee"),
                    _missing(by_supervisor[k], "the supervisor"),
                )
                if m is not None
            ]
            yield self.finding(
                person,
                day,
                day,
                f"{possessive(person.display_name)} {kind} supervision record of "
                f"{long_date(day)} is not signed by {' or '.join(missing)}.",
            )
