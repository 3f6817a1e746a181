"""Working days in England, by hand: weekends and England and Wales bank holidays off."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from supcheck.workdays import add_working_days, bank_holidays, is_working_day, working_days_between

D = date


@pytest.mark.parametrize(
    ("after", "upto", "expected"),
    [
        # Fri 28 Aug 2026 -> Wed 2 Sep: Mon 31 Aug is the summer bank holiday; Tue 1, Wed 2.
        (D(2026, 8, 28), D(2026, 9, 2), 2),
        (D(2026, 8, 28), D(2026, 9, 3), 3),
        (D(2026, 8, 28), D(2026, 8, 31), 0),  # weekend and bank holiday add nothing
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
        (D(2026, 4, 2), D(2026, 4, 7), 1),
        (D(2026, 4, 2), D(2026, 4, 8), 2),
        (D(2026, 4, 2), D(2026, 4, 9), 3),
        # Christmas 2026: Fri 25 Dec, Boxing Day Sat 26 Dec substituted by Mon 28 Dec.
        (D(2026, 12, 24), D(2026, 12, 28), 0),
        (D(2026, 12, 24), D(2026, 12, 29), 1),
        (D(2026, 12, 24), D(2026, 12, 30), 2),
        # Over New Year: Thu 31 Dec 2026, Fri 1 Jan 2027 off, Mon 4 Jan 2027.
        (D(2026, 12, 30), D(2027, 1, 4), 2),
        (D(2026, 6, 10), D(2026, 6, 10), 0),  # recorded the same day
        (D(2026, 6, 12), D(2026, 6, 15), 1),  # Friday to Monday
        (D(2026, 6, 12), D(2026, 6, 16), 2),  # Friday to Tuesday (rules.md's example)
        (D(2026, 9, 5), D(2026, 9, 6), 0),  # Saturday to Sunday
        (D(2026, 9, 5), D(2026, 9, 7), 1),  # Saturday to Monday
        (D(2026, 9, 2), D(2026, 8, 28), -2),  # reversed: negative
        # Days off straight after the second working day add nothing (case-recording's
        # Dudley boundary): Wed 15 Sep 2027 -> Fri 17 = 2, Sat 18 = 2, Sun 19 = 2, Mon 20 = 3.
        (D(2027, 9, 15), D(2027, 9, 17), 2),
        (D(2027, 9, 15), D(2027, 9, 18), 2),
        (D(2027, 9, 15), D(2027, 9, 19), 2),
        (D(2027, 9, 15), D(2027, 9, 20), 3),
        # Mon 3 May 2027 is the early May bank holiday.
        (D(2027, 4, 28), D(2027, 5, 3), 2),
        (D(2027, 4, 28), D(2027, 5, 4), 3),
        # Tue 22 Dec 2026: Wed 23, Thu 24; Fri 25 and Mon 28 Dec (Boxing Day substitute) off.
        (D(2026, 12, 22), D(2026, 12, 25), 2),
        (D(2026, 12, 22), D(2026, 12, 28), 2),
        (D(2026, 12, 22), D(2026, 12, 29), 3),
        # Christmas 2027 is a Saturday: Mon 27 and Tue 28 Dec 2027 are the substitute days.
        (D(2027, 12, 22), D(2027, 12, 28), 2),
        (D(2027, 12, 22), D(2027, 12, 29), 3),
    ],
)
def test_working_days_between(after, upto, expected):
    assert working_days_between(after, upto) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 8, 28), 2, D(2026, 9, 2)),  # over the August bank holiday
        (D(2026, 8, 28), 1, D(2026, 9, 1)),
        (D(2026, 4, 2), 2, D(2026, 4, 8)),  # over Easter
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 12, 23), 2, D(2026, 12, 29)),  # 24 Dec, then 29 Dec (25 and 28 Dec off)
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 30), 2, D(2027, 1, 4)),  # into the next year
        (D(2026, 9, 5), 1, D(2026, 9, 7)),  # discussed on a Saturday
        (D(2026, 9, 5), 2, D(2026, 9, 8)),
        (D(2026, 6, 10), 0, D(2026, 6, 10)),
        (D(2027, 9, 15), 2, D(2027, 9, 17)),  # Wednesday + 2: Friday, before a weekend
        (D(2027, 4, 28), 2, D(2027, 4, 30)),  # Friday, before the early May bank holiday
        (D(2026, 12, 22), 2, D(2026, 12, 24)),  # Thursday 24 Dec, before Christmas
        (D(2027, 12, 22), 2, D(2027, 12, 24)),  # Friday 24 Dec, then four days off
        (D(2027, 12, 23), 1, D(2027, 12, 24)),
        # 253 working days in 2026 and in 2027 (261 weekdays, 8 on bank holidays); the 94th
        # of 2028 is 17 May (Jan 20, Feb 21, Mar 23, Apr 18, then 1 May off).
        (D(2026, 1, 1), 600, D(2028, 5, 17)),
    ],
)
def test_add_working_days(day, n, expected):
    assert add_working_days(day, n) == expected
    if n:
        assert working_days_between(day, expected) == n
        assert working_days_between(day, expected - timedelta(days=1)) == n - 1


def test_bank_holidays_include_the_england_only_days():
    # Without subdiv="ENG" the package leaves out Easter Monday and the August bank holiday.
    days = bank_holidays(2026)
    assert {D(2026, 4, 3), D(2026, 4, 6), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)} <= days
    assert {D(2027, 5, 3), D(2027, 12, 27), D(2027, 12, 28)} <= bank_holidays(2027)
    assert not is_working_day(D(2026, 8, 31))
    assert not is_working_day(D(2026, 9, 5))  # Saturday
    assert is_working_day(D(2026, 9, 1))


def test_agrees_with_counting_day_by_day_across_years():
    """Every day of 2019-2031, asked in an awkward order (late years first, so the cache is
    extended backwards), against a plain day-by-day count."""
    off = holidays.country_holidays("GB", subdiv="ENG", years=range(2018, 2034))

    def working(day: date) -> bool:
        return day.weekday() < 5 and day not in off

    def naive_add(day: date, n: int) -> date:
        while n:
            day += timedelta(days=1)
            n -= working(day)
        return day

    start = D(2019, 1, 1)
    days = [start + timedelta(days=i) for i in range(0, 13 * 365, 3)]
    for day in reversed(days):
        for n in (1, 2, 7):
            limit = naive_add(day, n)
            assert add_working_days(day, n) == limit, (day, n)
            assert working_days_between(day, limit) == n
            assert working_days_between(day, limit + timedelta(days=1)) == n + working(
                limit + timedelta(days=1)
            )
