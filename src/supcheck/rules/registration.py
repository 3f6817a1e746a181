"""`registration`: staff in a role that requires registration are registered, and in date.

Why: SWRB Employer Standard 7, "Designated social work posts should only be filled by
suitably qualified and registered social workers."

Judged at J (the period's last day, or as_of if earlier) for staff employed on J whose
group sets `requires_registration`. A finding when the staff row says not registered,
or when `registration_expires` is before J. A blank registration flag with no expiry
date in force is a data-quality finding (we cannot tell). `start` = `end` = J (rules.md,
pinned detail 1), so an expiry message names both days: "expired on 31 August 2026
(judged on 31 October 2026)", and the finding's date and its message agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..dq import about_record
from ..models import Finding
from ..text import long_date
from .base import Rule, RuleContext


class Registration(Rule):
    kind = "registration"
    needs = (("staff", "registered_social_worker"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        judged = ctx.judged
        for staff, group in ctx.staff_under(self.spec.id):
            if not group.requires_registration or not staff.employed_on(judged):
                continue
            expires = staff.registration_expires
            unknown = staff.registered_social_worker is None and expires is None
            if not unknown:
                in_date = staff.registered_social_worker is not False and not (
                    expires is not None and expires < judged
                )
                self.assess(ctx, staff, in_date, judged, judged)
            if staff.registered_social_worker is False:
                yield self.finding(
                    staff,
                    judged,
                    judged,
                    f"{staff.display_name} ({staff.role}) is not recorded as a registered "
                    f"social worker on {long_date(judged)}.",
                )
            elif expires is not None and expires < judged:
                yield self.finding(
                    staff,
                    judged,
                    judged,
                    f"{staff.display_name}'s social work registration expired on {long_date(expires)}"
                    f" (judged on {long_date(judged)}).",
                )
            elif staff.registered_social_worker is None and expires is None:
                yield about_record(
                    staff,
                    "registration-blank",
                    name=staff.display_name,
                    role=staff.role,
                    column="registered_social_worker",
                    value="",
                    staff_id=staff.staff_id,
                    day=judged,
                )
