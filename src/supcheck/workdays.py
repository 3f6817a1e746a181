"""Working days in England: Monday to Friday, less England and Wales bank holidays.

Bank holidays come from the `holidays` package, `country_holidays("GB", subdiv="ENG")`:
without the subdivision Easter Monday and the August bank holiday are missing. Substitute
days count as holidays (Boxing Day 2026 is a Saturday, so Monday 28 December is off).

Counting (rules.md, `case-recording`): the working days *after* one date up to and
including another. Discussed on Friday 28 August 2026 and recorded on Wednesday
2 September 2026 is 2 (Monday 31 August is the summer bank holiday): Tuesday 1 and
Wednesday 2. The same day is 0; a weekend or a holiday adds nothing.

Each year's bank holidays are fetched once. The years asked about are kept as two
arrays: the working days in order, and for every calendar day the number of working days
up to it; counting and adding are then two list look-ups, so a million discussions cost
about a second.
"""

from __future__ import annotations

from datetime import date

import holidays

__all__ = ["add_working_days", "bank_holidays", "is_working_day", "working_days_between"]

_holiday_years: dict[int, frozenset[date]] = {}
# For every year from _first_year to _last_year: the ordinals of its working days in
# order (_ordinals), and for each calendar day (ordinal _base + i) the number of working
# days from _base up to and including it (_counts[i]).
_ordinals: list[int] = []
_counts: list[int] = []
_base = 0
_first_year = 0
_last_year = -1


def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays (with substitute days) in `year`."""
    days = _holiday_years.get(year)
    if days is None:
        days = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))
        _holiday_years[year] = days
    return days


def _year_working_days(year: int) -> list[int]:
    off = bank_holidays(year)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return [
        n for n in range(first, last + 1) if (n - 1) % 7 < 5 and date.fromordinal(n) not in off
    ]  # ordinal 1 (1 Jan 0001) is a Monday, so (n - 1) % 7 is 0 for Monday ... 6 for Sunday


def _cover(first_year: int, last_year: int) -> None:
    """Make the arrays cover every year from first_year to last_year."""
    global _ordinals, _counts, _base, _first_year, _last_year
    if _first_year <= first_year and last_year <= _last_year:
        return
    if _last_year < _first_year:  # nothing cached yet
        lo, hi = first_year, last_year
    else:
        lo, hi = min(first_year, _first_year), max(last_year, _last_year)
    ordinals: list[int] = []
    for year in range(lo, hi + 1):
        ordinals.extend(_year_working_days(year))
    base = date(lo, 1, 1).toordinal()
    counts = [0] * (date(hi, 12, 31).toordinal() - base + 1)
    n = 0
    working = iter(ordinals)
    next_working = next(working, None)
    for i in range(len(counts)):
        if next_working == base + i:
            n += 1
            next_working = next(working, None)
        counts[i] = n
    _ordinals, _counts, _base, _first_year, _last_year = ordinals, counts, base, lo, hi


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_days_between(after: date, upto: date) -> int:
    """Working days after `after`, up to and including `upto` (negative if `upto` is earlier).

    Friday 28 August 2026 to Wednesday 2 September 2026 is 2; a date to itself is 0.
    """
    if upto < after:
        return -working_days_between(upto, after)
    a, b = after.toordinal() - _base, upto.toordinal() - _base
    if a < 0 or b >= len(_counts):
        _cover(after.year, upto.year)
        a, b = after.toordinal() - _base, upto.toordinal() - _base
    return _counts[b] - _counts[a]


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n >= 0; n = 0 gives `day` itself).

    This is the limit date of a recording limit of n working days: the last day on which
    recording is on time. Thursday 2 April 2026 + 2 = Wednesday 8 April 2026 (Good Friday
    3 April and Easter Monday 6 April are bank holidays).
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    if n == 0:
        return day
    i = day.toordinal() - _base
    if i < 0 or i >= len(_counts) or _counts[i] + n > len(_ordinals):
        _cover(day.year, day.year + 1 + n // 250)  # a year has at least 250 working days
        i = day.toordinal() - _base
    return date.fromordinal(_ordinals[_counts[i] + n - 1])
