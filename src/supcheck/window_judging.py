"""Judging many people's windows at once, on arrays.

A national run judges some 400,000 frequency windows; one at a time, in Python, that
was most of the frequency rule's time. Here every window of every person is judged in
a few array operations (tests/test_window_judging.py compares them with a window by
window reading of rules.md on generated schedules):

- **met** when a counted session of the person is dated in the window (met wins over
  excused, and a met window's absent days are not counted: they are 0);
- **excused** when the person's absences cover at least half of its days;
- otherwise **missed**.

Both look-ups are binary searches over one sorted array of *person-day keys*: a
person's number (their rank in the table's list of ids), times 2**22, plus the day's
ordinal (every date from year 1 to 9999 is below 2**22). A person's events then form one contiguous, date
ordered run of keys, and "a session between these two days" is two `searchsorted`s.
Absent days are counted the same way, from everyone's absences merged into disjoint
spans with a running total of the days they cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from .schedule import AssessedWindow, Window

#: Days since 1970-01-01 (`datetime64[D]`) plus this is `date.toordinal()`.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_BITS = 22

STATUSES = ("met", "excused", "missed")
MET, EXCUSED, MISSED = range(3)


def ordinals(days: np.ndarray) -> np.ndarray:
    """`datetime64[D]` days as `date.toordinal()` numbers (int64)."""
    return days.astype("datetime64[D]").view(np.int64) + _EPOCH_ORDINAL


def days_of(day_ordinals: np.ndarray) -> np.ndarray:
    """`date.toordinal()` numbers as `datetime64[D]` days (the inverse of `ordinals`)."""
    return (day_ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")


def person_day_keys(ranks: np.ndarray, days: np.ndarray) -> np.ndarray:
    """One sortable int64 per (person rank, day ordinal); rank -1 (nobody) sorts below all."""
    return (ranks.astype(np.int64) << _DAY_BITS) + days


class _Numbered:
    """Keyed by person: `rank` gives each person of `people` their number."""

    def __init__(self, people: Sequence[str]) -> None:
        self.rank = {p: i for i, p in enumerate(people)}

    def ranks_of(self, people: Sequence[str]) -> np.ndarray:
        """The numbers of `people`; -1 for anyone unknown here (no key of theirs exists)."""
        return np.fromiter((self.rank.get(p, -1) for p in people), dtype=np.int64, count=len(people))


class DatedEvents(_Numbered):
    """Some people's dated events (the counted sessions), as sorted person-day keys.

    `people` are the ids in sorted order (a person's rank is their position), `keys`
    one per event in (person, day) order, and `positions` where each event is in the
    table it came from."""

    def __init__(self, people: Sequence[str], ranks: np.ndarray, days: np.ndarray, positions: np.ndarray):
        super().__init__(people)
        self.keys = person_day_keys(ranks, days)
        if len(self.keys) > 1 and np.any(np.diff(self.keys) < 0):
            raise ValueError("events must be in person, then date, order")
        self.positions = positions

    def between(
        self, ranks: np.ndarray, first: np.ndarray, last: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each (person, first day, last day): the events on those days, as a
        half-open range [lo, hi) of indexes into `keys` (empty when lo == hi)."""
        lo = np.searchsorted(self.keys, person_day_keys(ranks, first), side="left")
        hi = np.searchsorted(self.keys, person_day_keys(ranks, last), side="right")
        return lo, hi

    def person_bounds(self) -> list[int]:
        """Where each person's events start in `keys`: person `r`'s are
        `keys[bounds[r]:bounds[r + 1]]`."""
        firsts = np.arange(len(self.rank) + 1, dtype=np.int64) << _DAY_BITS
        return np.searchsorted(self.keys, firsts).tolist()

    def gaps(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Days between each person's consecutive event days (several events on one day
        are one), for the gaps whose later day is from `first` to `last` (ordinals): the
        person's rank and the gap, in person then date order."""
        keys = np.unique(self.keys)
        person, day = keys >> _DAY_BITS, keys & ((1 << _DAY_BITS) - 1)
        later = day[1:]
        keep = (person[1:] == person[:-1]) & (later >= first) & (later <= last)
        return person[1:][keep], (later - day[:-1])[keep]

    def latest_before(self, ranks: np.ndarray, day: int) -> np.ndarray:
        """For each person, the day (ordinal) of their last event before `day`, or 0."""
        i = np.searchsorted(self.keys, person_day_keys(ranks, day), side="left") - 1
        found = self.keys[np.maximum(i, 0)] if len(self.keys) else np.zeros(len(ranks), dtype=np.int64)
        mine = (i >= 0) & ((found >> _DAY_BITS) == ranks)
        return np.where(mine, found & ((1 << _DAY_BITS) - 1), 0)


class AbsenceCover(_Numbered):
    """Everyone's absences, merged per person into disjoint spans, for counting the
    distinct absent days between two days (overlapping absences count once)."""

    def __init__(self, people: Sequence[str], ranks: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        """`ranks` index `people`; `starts` and `ends` are day ordinals, both inclusive."""
        super().__init__(people)
        keep = ends >= starts
        ranks, starts, ends = ranks[keep], starts[keep], ends[keep]
        order = np.lexsort((starts, ranks))
        first = person_day_keys(ranks[order], starts[order])
        last = person_day_keys(ranks[order], ends[order])
        if len(first):
            # A span starts wherever an absence starts after every earlier one of the
            # person has ended (keys of a later person are above all of an earlier one's).
            reach = np.maximum.accumulate(last)
            opens = np.flatnonzero(np.r_[True, first[1:] > reach[:-1]])
            first, last = first[opens], np.maximum.reduceat(last, opens)
        self.starts = first
        self.lengths = last - first + 1
        self.covered_before = np.cumsum(self.lengths) - self.lengths

    def _days_before(self, keys: np.ndarray) -> np.ndarray:
        """Absent days, over all spans in key order, strictly before each key."""
        i = np.searchsorted(self.starts, keys, side="left") - 1
        if not len(self.starts):
            return np.zeros(len(keys), dtype=np.int64)
        j = np.maximum(i, 0)
        days = self.covered_before[j] + np.minimum(keys - self.starts[j], self.lengths[j])
        return np.where(i >= 0, days, 0)

    def days_between(self, ranks: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """For each (person, first day, last day): the distinct absent days in between."""
        return self._days_before(person_day_keys(ranks, last + 1)) - self._days_before(
            person_day_keys(ranks, first)
        )


@dataclass
class WindowColumns:
    """Judged windows of one rule as columns; iterating gives `AssessedWindow`s, built
    only for whoever reads them (a check that only reports needs just the counts)."""

    rule: str
    people: Sequence[str]  # staff ids
    owner: np.ndarray  # each window's index in `people`
    windows: Sequence[Window]
    status: np.ndarray  # MET / EXCUSED / MISSED
    absent_days: np.ndarray
    session_lo: np.ndarray  # a met window's sessions: session_ids[lo:hi]
    session_hi: np.ndarray
    session_ids: Sequence[str]

    def __len__(self) -> int:
        return len(self.windows)

    def count(self) -> dict[str, int]:
        """Windows by status."""
        counts = np.bincount(self.status, minlength=len(STATUSES))
        return dict(zip(STATUSES, counts.tolist(), strict=True))

    def missed(self) -> np.ndarray:
        return np.flatnonzero(self.status == MISSED)

    def __iter__(self) -> Iterator[AssessedWindow]:
        return self._assessed(np.arange(len(self)))

    def about(self, keep: Callable[[str], bool]) -> Iterator[AssessedWindow]:
        """The windows of the people `keep` says yes to (asked once a person): `explain`
        and a run for one team build only theirs, not 2 million of everyone's."""
        chosen = np.fromiter((keep(p) for p in self.people), dtype=bool, count=len(self.people))
        return self._assessed(np.flatnonzero(chosen[self.owner]))

    def _assessed(self, positions: np.ndarray) -> Iterator[AssessedWindow]:
        ids, people, windows = self.session_ids, self.people, self.windows
        for i, owner, status, absent, lo, hi in zip(
            positions.tolist(),
            self.owner[positions].tolist(),
            self.status[positions].tolist(),
            self.absent_days[positions].tolist(),
            self.session_lo[positions].tolist(),
            self.session_hi[positions].tolist(),
            strict=True,
        ):
            yield AssessedWindow(
                people[owner], self.rule, windows[i], STATUSES[status], tuple(ids[lo:hi]), absent
            )


@dataclass
class ListedWindows:
    """Many people's windows, listed person by person for judging together: the first
    `counts[0]` windows are `people[0]`'s, the next `counts[1]` are `people[1]`'s, ..."""

    people: list[Any] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)

    def add(self, person: Any, windows: Sequence[Window]) -> None:
        if windows:
            self.people.append(person)
            self.counts.append(len(windows))
            self.windows.extend(windows)

    def owners(self) -> np.ndarray:
        """For each window, the index in `people` of whose it is."""
        return np.repeat(np.arange(len(self.people)), self.counts)


def judge_windows(
    rule: str,
    people: Sequence[str],
    listed: ListedWindows,
    sessions: DatedEvents,
    session_ids: Sequence[str],
    absences: AbsenceCover,
) -> WindowColumns:
    """Judge the listed windows (`people` are the ids of `listed.people`) against each
    person's counted sessions (`session_ids` names the events of `sessions`, in key
    order) and absences."""
    owner = listed.owners()
    windows = listed.windows
    first = np.fromiter((w.start.toordinal() for w in windows), dtype=np.int64, count=len(windows))
    last = np.fromiter((w.end.toordinal() for w in windows), dtype=np.int64, count=len(windows))
    status, absent, lo, hi = window_outcomes(people, owner, first, last, sessions, absences)
    return WindowColumns(rule, people, owner, windows, status, absent, lo, hi, session_ids)


def window_outcomes(
    people: Sequence[str],
    owner: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    sessions: DatedEvents,
    absences: AbsenceCover,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Judge windows given as arrays: whose each is (an index into `people`) and its
    first and last day (ordinals). Returns the status (MET / EXCUSED / MISSED), the
    absent days (0 for a met window) and each window's events, `sessions` [lo, hi)."""
    lo, hi = sessions.between(sessions.ranks_of(people)[owner], first, last)
    met = hi > lo
    absent = absences.days_between(absences.ranks_of(people)[owner], first, last)
    absent[met] = 0
    status = np.where(met, MET, np.where(2 * absent >= last - first + 1, EXCUSED, MISSED)).astype(np.int8)
    return status, absent, lo, hi
