"""How far each export reaches: the days its rows can speak for.

A missing session is only a breach if the export would show it. An export taken on
1 November holds nothing from November, so a November window with no session in it is
not "missed": it is not known. And an export whose first supervision is on 24 October
2025 cannot show that anyone was supervised in September. Every rule therefore judges
only what lies inside the coverage of the tables it reads (`engine.run_check`), and the
reports say what was left out and why.

**Where an export ends** (the last day it covers), for every table:

1. `--extracted DATE` (config `extracted`): the day the exports were taken. The export
   covers the days before it; the day itself only partly, so it is not judged.
2. Otherwise a title row above the header that dates the export ("Report run:
   01/11/2026 09:14", "Extracted on ...", "As at ...": `loaders.extraction`). A table
   with no title row of its own takes the earliest one printed in the other files of
   the same export (they are run together); the day before it is the last covered.
3. Otherwise the date of the last held supervision on or before the as-of date: the
   export holds at least that day. (Future-dated rows are bookings, not evidence.)

Never after the as-of date.

**Where an export begins**, for the tables whose rows are dense in time (supervisions,
allocations): the first day of the calendar month of its first row.
Exports are pulled by month ("supervisions since April 2024"), and the first session of
a month is rarely on its first day: taking the first row's own date would leave the
first month of every export unjudged. Absences, agreements and appraisals are sparse
(one row a person a year, or none), and case discussions follow the allocations they
discuss, so their first row says nothing about where the export begins; they are
taken to reach back as far as needed (the allocations' start bounds case discussion).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .models import ATTRIBUTES, Dataset, TableSpan
from .text import long_date

#: The dated column whose first value is where a dense table begins.
BEGINS_WITH = {"supervisions": "date", "allocations": "start_date"}


@dataclass(frozen=True)
class Span:
    """The days a rule's tables all cover, and which table limits each end."""

    begins: date | None
    ends: date | None
    begins_with: TableSpan | None = None
    ends_with: TableSpan | None = None


@dataclass(frozen=True)
class Coverage:
    """Every loaded table's coverage, by table name."""

    tables: dict[str, TableSpan]

    def span(self, tables: Iterable[str]) -> Span:
        """The days all of `tables` (those loaded) cover: the latest beginning, the earliest
        end (a table covering no day at all ends it first)."""
        known = [self.tables[t] for t in dict.fromkeys(tables) if t in self.tables]
        starting = [c for c in known if c.begins is not None]
        begins_with = max(starting, key=lambda c: c.begins) if starting else None  # type: ignore[arg-type,return-value]
        ends_with = min(known, key=lambda c: (c.ends is not None, c.ends or date.min), default=None)
        return Span(
            begins=begins_with.begins if begins_with else None,
            ends=ends_with.ends if ends_with else None,
            begins_with=begins_with,
            ends_with=ends_with,
        )


FULL = Coverage(tables={})
"""No coverage limits: every day is taken as covered (tests that build a dataset by hand)."""


def coverage_of(data: Dataset, as_of: date, extracted: date | None = None) -> Coverage:
    """Each loaded table's coverage (see the module docstring for the rules)."""
    titles = {name: info for name, info in data.tables.items() if info.extracted is not None}
    earliest = min(titles.values(), key=lambda info: info.extracted) if titles else None  # type: ignore[arg-type,return-value]
    fallback: tuple[date | None, str] | None = None
    tables = {}
    for name, info in data.tables.items():
        if extracted is not None:
            ends: date | None = extracted - timedelta(days=1)
            basis = f"taken on {long_date(extracted)} (--extracted)"
        elif earliest is not None:
            own = info if info.extracted is not None else earliest
            assert own.extracted is not None
            ends = own.extracted - timedelta(days=1)
            basis = (
                f"taken on {long_date(own.extracted)}, as {own.label}'s title row says: "
                f"'{own.extracted_text}'"
            )
        else:
            if fallback is None:
                fallback = _last_held_session(data, as_of)
            ends, basis = fallback
        if ends is not None and ends > as_of:
            ends = as_of
        first = _first_day(data, name)
        begins = first.replace(day=1) if first is not None else None
        tables[name] = TableSpan(
            table=name, file=info.label, begins=begins, ends=ends, basis=basis, first_row=first
        )
    return Coverage(tables)


def _last_held_session(data: Dataset, as_of: date) -> tuple[date | None, str]:
    sessions = data.sessions
    day = sessions["date"]
    held = (sessions["status"] == "held") & ~np.isnat(day) & (day <= np.datetime64(as_of))
    label = data.tables["supervisions"].label if "supervisions" in data.tables else "supervisions"
    if not held.any():
        return (
            None,
            f"no extraction date was found and {label} holds no held session on or before the as-of date",
        )
    last = day[held].max().astype(object)
    return last, (
        f"no extraction date was found: the last held session in {label}; pass --extracted DATE "
        "if the exports reach further"
    )


def _first_day(data: Dataset, table: str) -> date | None:
    column = BEGINS_WITH.get(table)
    if column is None:
        return None
    day = getattr(data, ATTRIBUTES[table])[column]
    day = day[~np.isnat(day)]
    return day.min().astype(object) if len(day) else None
