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
        for staff, _group in ctx.staff_under(self.spec.id):
            for session in ctx.sessions_by_staff.get(staff.staff_id, ()):
                if not (session.is_held_formal and ctx.in_period(session.date)):
                    continue
                missing = [
                    m
                    for m in (
                        _missing(session.signed_by_supervisee, "the supervisee"),
                        _missing(session.signed_by_supervisor, "the supervisor"),
                    )
                    if m is not None
                ]
                if not missing:
                    continue
                yield self.finding(
                    staff,
                    session.date,
                    session.date,
                    f"{possessive(staff.display_name)} {session.type} supervision record of "
                    f"{long_date(session.date)} is not signed by {' or '.join(missing)}.",
                )
