"""Schedules and windows: the one place where supervision date arithmetic lives.

A staff member's schedule is a list of dated segments, each with an interval. Each
segment is cut into windows (rules.md, "Schedules and windows"):

- week and fortnight windows are consecutive 7 or 14 day blocks from the segment start;
- month and quarter windows are calendar months or quarters, the first clipped to start
  at the segment start;
- every window is clipped at the segment end and at the last day employed;
- a clipped window shorter than about half its nominal length is merged into its
  neighbour in the same segment (the next one at a segment start, the previous one at a
  segment end); a short window with no neighbour is not assessed.

Worked example (rules.md): asye_start 2026-01-10, national pack. Weekly 10-16 Jan ...
14-20 Feb; fortnightly from 21 Feb ... 27 Jun-9 Jul (13 days, kept); monthly from
10 Jul: 10-31 Jul (22 days, kept), then August, September, ...
"""

from __future__ import annotations

import functools
from calendar import monthrange
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, NamedTuple

from dateutil.relativedelta import relativedelta

from .models import Interval, Staff

ONE_DAY = timedelta(days=1)

#: A clipped window shorter than this many days is merged into its neighbour.
SHORT_WINDOW_DAYS: dict[str, int] = {"week": 4, "fortnight": 7, "month": 15, "quarter": 45}

INTERVAL_WORDS: dict[str, str] = {
    "week": "weekly",
    "fortnight": "fortnightly",
    "month": "monthly",
    "quarter": "quarterly",
}

#: How far past the horizon windows are generated before an open segment is cut off.
#: Far enough that a short final window merging backwards can never reach a window that
#: ends on or before the horizon.
_LOOKAHEAD = timedelta(days=200)


@dataclass(frozen=True)
class Segment:
    """A stretch of the schedule with one interval; `end` is inclusive, None means open."""

    start: date
    end: date | None
    interval: Interval
    reason: str = ""


class Window(NamedTuple):
    """One window of a schedule, both ends inclusive. (Named tuples, as are judged
    windows: a national run judges hundreds of thousands, and shares the windows of
    identical schedules.)"""

    start: date
    end: date
    interval: Interval
    merged: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


WindowStatus = Literal["met", "missed", "excused"]


class AssessedWindow(NamedTuple):
    """A window judged for one staff member: met by sessions, excused by absence, or missed.

    `absent_days` is counted for windows that are not met (a met window needs no
    excuse, so it is 0 there)."""

    staff_id: str
    rule: str
    window: Window
    status: WindowStatus
    session_ids: tuple[str, ...] = ()
    absent_days: int = 0


# ---------------------------------------------------------------- segments


def _overlay(segments: list[Segment], new: list[Segment], start: date, end: date | None) -> list[Segment]:
    """Replace whatever `segments` say about [start, end] with `new`."""
    out: list[Segment] = []
    for seg in segments:
        if seg.start < start:
            out.append(Segment(seg.start, _min_end(seg.end, start - ONE_DAY), seg.interval, seg.reason))
        if end is not None and (seg.end is None or seg.end > end):
            out.append(Segment(max(seg.start, end + ONE_DAY), seg.end, seg.interval, seg.reason))
    out.extend(new)
    return sorted((s for s in out if s.end is None or s.start <= s.end), key=lambda s: s.start)


def _min_end(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


@dataclass(frozen=True)
class ScheduleSpec:
    """What a pack and group say about one person's cadence (built by the engine)."""

    base_interval: Interval | None
    nqsw_phases: Sequence[tuple[relativedelta | None, Interval]] = ()
    enhanced_interval: Interval | None = None


def segments_for(staff: Staff, spec: ScheduleSpec) -> list[Segment]:
    """The person's schedule, from start_date to end_date (rules.md and pinned detail 6).

    The group's interval applies from start_date; an NQSW schedule replaces it from
    asye_start on (its last phase continues past the ASYE year); a returner's enhanced
    interval replaces whatever applies between enhanced_from and enhanced_until.
    """
    return _segments(spec, ScheduleDates.of(staff))


class ScheduleDates(NamedTuple):
    """The dates of a staff record that its schedule depends on (hashable: schedules are
    shared between people with the same dates)."""

    start_date: date
    end_date: date | None
    asye_start: date | None
    enhanced_from: date | None
    enhanced_until: date | None

    @classmethod
    def of(cls, staff: Staff) -> ScheduleDates:
        return cls(
            staff.start_date, staff.end_date, staff.asye_start, staff.enhanced_from, staff.enhanced_until
        )


def _segments(spec: ScheduleSpec, dates: ScheduleDates) -> list[Segment]:
    start_date, end_date, asye_start, enhanced_from, enhanced_until = dates
    segments: list[Segment] = []
    if spec.base_interval is not None:
        segments = [Segment(start_date, None, spec.base_interval, "group")]
    if spec.nqsw_phases and asye_start is not None:
        anchor = asye_start
        phases: list[Segment] = []
        phase_start = anchor
        for offset, interval in spec.nqsw_phases:
            phase_end = None if offset is None else anchor + offset - ONE_DAY
            phases.append(Segment(phase_start, phase_end, interval, "nqsw"))
            if phase_end is None:
                break
            phase_start = phase_end + ONE_DAY
        segments = _overlay(segments, phases, anchor, None)
    if spec.enhanced_interval is not None and enhanced_from is not None:
        enhanced = [Segment(enhanced_from, enhanced_until, spec.enhanced_interval, "enhanced")]
        segments = _overlay(segments, enhanced, enhanced_from, enhanced_until)
    return _clip_to_employment(segments, start_date, end_date)


def _clip_to_employment(segments: Iterable[Segment], first: date, last: date | None) -> list[Segment]:
    clipped = []
    for seg in segments:
        start = max(seg.start, first)
        end = _min_end(seg.end, last)
        if end is None or start <= end:
            clipped.append(Segment(start, end, seg.interval, seg.reason))
    return clipped


# ---------------------------------------------------------------- windows


def date_adder(offset: relativedelta) -> Callable[[date], date]:
    """`day + offset` as a function, without relativedelta's cost for the usual offsets
    (whole months or years, or whole days and weeks): a million allocations add it
    millions of times. Anything else falls back to relativedelta itself."""
    fields = {k: v for k, v in vars(offset).items() if not k.startswith("_") and v}
    if not fields:
        return lambda day: day
    if fields.keys() <= {"years", "months"}:
        months = 12 * offset.years + offset.months

        def add_months(day: date) -> date:
            year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
            last = monthrange(year, month + 1)[1] if day.day > 28 else 28
            return date(year, month + 1, min(day.day, last))

        return add_months
    if fields.keys() == {"days"}:
        delta = timedelta(days=offset.days)
        return lambda day: day + delta
    return lambda day: day + offset


def month_end(day: date) -> date:
    """The last day of `day`'s calendar month (hot: plain arithmetic, no relativedelta)."""
    return _month_end(day.year, day.month)


@functools.lru_cache(maxsize=4096)
def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _quarter_end(day: date) -> date:
    last_month = ((day.month - 1) // 3) * 3 + 3
    return date(day.year, last_month, monthrange(day.year, last_month)[1])


def _months_before(day: date, months: int) -> date:
    """The first day of the calendar month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _skip_to(segment: Segment, earliest: date | None) -> date | None:
    """A window boundary well before `earliest` to start generating from, or None to start
    at the segment start. Windows that end before `earliest` are never assessed, so
    they need not be built; the skipped part is at least two whole windows, so the
    first-window merge (which only reaches the second window) cannot be affected."""
    if earliest is None:
        return None
    if segment.interval in ("week", "fortnight"):
        days = 7 if segment.interval == "week" else 14
        blocks = ((earliest - segment.start).days - 3 * days) // days
        return segment.start + timedelta(days=blocks * days) if blocks >= 2 else None
    step = 1 if segment.interval == "month" else 3
    start = _months_before(earliest, 3 * step)
    if segment.interval == "quarter":
        start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
    second_window_end = (
        month_end(_months_before(segment.start, -step))
        if segment.interval == "month"
        else _quarter_end(_months_before(segment.start, -3))
    )
    return start if start > second_window_end else None


def _raw_windows(seg_start: date, interval: Interval, stop: date) -> Iterable[tuple[date, date]]:
    """Unclipped windows of a segment starting at seg_start, until one starts after `stop`."""
    start = seg_start
    while start <= stop:
        if interval == "week":
            end = start + timedelta(days=6)
        elif interval == "fortnight":
            end = start + timedelta(days=13)
        elif interval == "month":
            end = month_end(start)
        else:
            end = _quarter_end(start)
        yield start, end
        start = end + ONE_DAY


def windows_for_segment(segment: Segment, horizon: date, earliest: date | None = None) -> list[Window]:
    """The segment's windows, clipped and with short ones merged (pinned detail 5).

    `horizon` is the last date anyone needs judged; an open segment is cut some way past
    it, and since its last window then is not a real segment end, it is never merged.
    With `earliest`, windows ending well before it may be left out (they are never
    assessed); every window ending on or after it is exactly as without it.
    """
    if earliest is not None and segment.end is not None and segment.end < earliest:
        return []  # every window ends by the segment's end, before `earliest`
    skip_to = _skip_to(segment, earliest)
    if skip_to is not None:  # then the segment's start no longer matters
        return list(_windows_from(skip_to, segment.end, segment.interval, horizon))
    return _windows(segment.start, None, segment.end, segment.interval, horizon)


@functools.lru_cache(maxsize=4096)
def _windows_from(
    skip_to: date, seg_end: date | None, interval: Interval, horizon: date
) -> tuple[Window, ...]:
    """`_windows` from a boundary well inside the segment: the same for everyone whose
    schedule has the same interval and end (most of a workforce), so it is cached."""
    return tuple(_windows(skip_to, skip_to, seg_end, interval, horizon))


def _windows(
    seg_start: date, skip_to: date | None, seg_end: date | None, interval: Interval, horizon: date
) -> list[Window]:
    complete = seg_end is not None and seg_end <= horizon + _LOOKAHEAD
    stop = seg_end if complete else horizon + _LOOKAHEAD
    spans = [
        (start, min(end, seg_end) if seg_end is not None else end)
        for start, end in _raw_windows(skip_to or seg_start, interval, stop)
    ]
    if not spans:
        return []
    short = SHORT_WINDOW_DAYS[interval]

    def is_short(span: tuple[date, date]) -> bool:
        return (span[1] - span[0]).days + 1 < short

    first_short = skip_to is None and is_short(spans[0])
    last_short = complete and is_short(spans[-1])
    if len(spans) == 1:
        if first_short or last_short:
            return []  # no neighbour to merge into: not assessed
        return [Window(spans[0][0], spans[0][1], interval)]
    windows = [Window(s, e, interval) for s, e in spans]
    if first_short:
        windows[1] = Window(windows[0].start, windows[1].end, interval, merged=True)
        windows.pop(0)
    if last_short and len(windows) > 1:
        windows[-2] = Window(windows[-2].start, windows[-1].end, interval, merged=True)
        windows.pop()
    return windows


def windows_for(segments: Iterable[Segment], horizon: date, earliest: date | None = None) -> list[Window]:
    """All windows of a schedule that start on or before `horizon` (and, with `earliest`,
    at least those that end on or after it)."""
    return [w for seg in segments for w in windows_for_segment(seg, horizon, earliest) if w.start <= horizon]


def assessed_windows(staff: Staff, spec: ScheduleSpec, first: date, last: date) -> tuple[Window, ...]:
    """The windows of the person's schedule that end between `first` and `last`: with
    the period's start and J, the windows a rule judges (a window is assessed when its
    last day is in the period and on or before as_of).

    A national run asks for 40,000 people, most of them on one segment that started
    years before the period, whose windows ending after `first` are the same whatever
    the start (`_skip_to`): those are shared, and so is anyone's with the same dates."""
    only_base = (
        spec.base_interval is not None
        and (not spec.nqsw_phases or staff.asye_start is None)
        and (spec.enhanced_interval is None or staff.enhanced_from is None)
    )
    if only_base and (staff.end_date is None or staff.start_date <= staff.end_date):
        segment = Segment(staff.start_date, staff.end_date, spec.base_interval)  # type: ignore[arg-type]
        skip_to = _skip_to(segment, first)
        if skip_to is not None:
            return _assessed_from(skip_to, staff.end_date, spec.base_interval, first, last)  # type: ignore[arg-type]
    return _assessed(spec, ScheduleDates.of(staff), first, last)


@functools.lru_cache(maxsize=65536)
def _assessed_from(
    skip_to: date, seg_end: date | None, interval: Interval, first: date, last: date
) -> tuple[Window, ...]:
    return tuple(
        w
        for w in _windows_from(skip_to, seg_end, interval, last)
        if w.start <= last and first <= w.end <= last
    )


@functools.lru_cache(maxsize=65536)
def _assessed(spec: ScheduleSpec, dates: ScheduleDates, first: date, last: date) -> tuple[Window, ...]:
    segments = _segments(spec, dates)
    return tuple(w for w in windows_for(segments, last, first) if first <= w.end <= last)


# ---------------------------------------------------------------- one person's sessions


@dataclass
class SessionIndex:
    """One person's qualifying sessions, sorted by date, for fast window look-ups."""

    dates: list[date] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
