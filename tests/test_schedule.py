"""Windows and segments, on the boundaries. Every expectation is computed by hand."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from helpers import cover_status, plain_absent_days
from supcheck.models import Staff
from supcheck.schedule import ScheduleSpec, Window, segments_for, windows_for

D = date
NATIONAL_NQSW = (
    (relativedelta(weeks=6), "week"),
    (relativedelta(months=6), "fortnight"),
    (None, "month"),
)
DUDLEY_NQSW = ((relativedelta(months=6), "fortnight"), (None, "month"))


def staff(start, end=None, asye=None, enhanced=(None, None)):
    return Staff(
        staff_id="S1",
        role="Social Worker",
        start_date=start,
        end_date=end,
        asye_start=asye,
        enhanced_from=enhanced[0],
        enhanced_until=enhanced[1],
    )


def spans(person, spec, horizon):
    return [(w.start, w.end, w.interval) for w in windows_for(segments_for(person, spec), horizon)]


MONTHLY = ScheduleSpec("month")


def test_worked_example_from_rules_md():
    person = staff(D(2026, 1, 10), asye=D(2026, 1, 10))
    got = spans(person, ScheduleSpec("month", NATIONAL_NQSW), D(2026, 9, 30))
    weekly = [(D(2026, 1, 10) + relativedelta(days=7 * k), "week") for k in range(6)]
    assert [(s, i) for s, _e, i in got[:6]] == weekly
    assert got[5] == (D(2026, 2, 14), D(2026, 2, 20), "week")
    assert got[6] == (D(2026, 2, 21), D(2026, 3, 6), "fortnight")
    assert got[15] == (D(2026, 6, 27), D(2026, 7, 9), "fortnight")  # 13 days, kept
    assert got[16] == (D(2026, 7, 10), D(2026, 7, 31), "month")  # 22 days, kept
    assert got[17:] == [
        (D(2026, 8, 1), D(2026, 8, 31), "month"),
        (D(2026, 9, 1), D(2026, 9, 30), "month"),
    ]


@pytest.mark.parametrize(
    ("start", "first_window"),
    [
        # Jan 18-31 is 14 days: under 15, merged into February.
        (D(2026, 1, 18), (D(2026, 1, 18), D(2026, 2, 28))),
        # Jan 17-31 is 15 days: kept.
        (D(2026, 1, 17), (D(2026, 1, 17), D(2026, 1, 31))),
        # Starter on the 1st: a whole month.
        (D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 31))),
        # Starter on the last day of a month: 1 day, merged into the next month.
        (D(2026, 1, 31), (D(2026, 1, 31), D(2026, 2, 28))),
        # Leap year: Feb 15-29 2024 is 15 days, kept.
        (D(2024, 2, 15), (D(2024, 2, 15), D(2024, 2, 29))),
        # Not a leap year: Feb 15-28 2025 is 14 days, merged into March.
        (D(2025, 2, 15), (D(2025, 2, 15), D(2025, 3, 31))),
    ],
)
def test_starter_first_monthly_window(start, first_window):
    got = spans(staff(start), MONTHLY, D(2026, 6, 30))
    assert got[0][:2] == first_window


@pytest.mark.parametrize(
    ("end", "last_windows"),
    [
        # Leaves 8 Aug: Aug 1-8 is 8 days, merged into July.
        (D(2026, 8, 8), [(D(2026, 6, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 8, 8))]),
        # Leaves 15 Aug: Aug 1-15 is 15 days, kept.
        (D(2026, 8, 15), [(D(2026, 7, 1), D(2026, 7, 31)), (D(2026, 8, 1), D(2026, 8, 15))]),
        # Leaves 14 Aug: 14 days, merged.
        (D(2026, 8, 14), [(D(2026, 6, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 8, 14))]),
        # Leaves on the last day of a month: nothing clipped.
        (D(2026, 7, 31), [(D(2026, 6, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 7, 31))]),
    ],
)
def test_leaver_last_monthly_window(end, last_windows):
    got = spans(staff(D(2025, 4, 1), end=end), MONTHLY, D(2026, 12, 31))
    assert [w[:2] for w in got[-2:]] == last_windows


def test_starter_and_leaver_in_one_short_month_is_not_assessed():
    # Employed 10-20 June only: one 11-day window with no neighbour.
    assert spans(staff(D(2026, 6, 10), end=D(2026, 6, 20)), MONTHLY, D(2026, 12, 31)) == []


def test_windows_start_on_or_before_horizon_only():
    got = spans(staff(D(2026, 1, 1)), MONTHLY, D(2026, 3, 15))
    assert [w[:2] for w in got] == [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 3, 31)),
    ]


def test_asye_on_31_august_six_months_lands_on_28_february():
    # 31 Aug 2025 + 6 weeks = 12 Oct 2025; + 6 months = 28 Feb 2026 (calendar arithmetic).
    got = spans(
        staff(D(2025, 8, 31), asye=D(2025, 8, 31)), ScheduleSpec("month", NATIONAL_NQSW), D(2026, 4, 30)
    )
    fortnights = [w for w in got if w[2] == "fortnight"]
    assert fortnights[0] == (D(2025, 10, 12), D(2025, 10, 25), "fortnight")
    # 12 Oct + 126 days = 15 Feb; the last fortnight runs 15-27 Feb (13 days, kept).
    assert fortnights[-1] == (D(2026, 2, 15), D(2026, 2, 27), "fortnight")
    months = [w for w in got if w[2] == "month"]
    # The monthly phase starts 28 Feb: a 1-day window merged into March.
    assert months[0] == (D(2026, 2, 28), D(2026, 3, 31), "month")


def test_asye_on_leap_day():
    got = spans(
        staff(D(2024, 2, 29), asye=D(2024, 2, 29)), ScheduleSpec("month", NATIONAL_NQSW), D(2024, 10, 31)
    )
    # 29 Feb 2024 + 6 weeks = 11 Apr 2024; + 6 months = 29 Aug 2024.
    assert [w for w in got if w[2] == "week"][-1] == (D(2024, 4, 4), D(2024, 4, 10), "week")
    assert [w for w in got if w[2] == "fortnight"][0][0] == D(2024, 4, 11)
    assert [w for w in got if w[2] == "month"][0] == (D(2024, 8, 29), D(2024, 9, 30), "month")


@pytest.mark.parametrize(
    ("asye", "before"),
    [
        # Employed 1 Mar, ASYE from 20 Mar: monthly 1-19 Mar (19 days, kept), then weekly.
        (D(2026, 3, 20), [(D(2026, 3, 1), D(2026, 3, 19), "month")]),
        # ASYE from 10 Mar: 1-9 Mar is 9 days with no neighbour in its segment: not assessed.
        (D(2026, 3, 10), []),
    ],
)
def test_nqsw_employed_before_asye(asye, before):
    got = spans(staff(D(2026, 3, 1), asye=asye), ScheduleSpec("month", NATIONAL_NQSW), D(2026, 5, 31))
    assert [w for w in got if w[0] < asye] == before
    assert got[len(before)] == (asye, asye + relativedelta(days=6), "week")


def test_dudley_nqsw_fortnightly_six_months_then_monthly():
    got = spans(staff(D(2026, 1, 5), asye=D(2026, 1, 5)), ScheduleSpec("month", DUDLEY_NQSW), D(2026, 8, 31))
    assert got[0] == (D(2026, 1, 5), D(2026, 1, 18), "fortnight")
    # 5 Jan + 6 months = 5 Jul; 181 days = 12 x 14 + 13: last fortnight 22 Jun - 4 Jul.
    assert [w for w in got if w[2] == "fortnight"][-1] == (D(2026, 6, 22), D(2026, 7, 4), "fortnight")
    assert [w for w in got if w[2] == "month"][0] == (D(2026, 7, 5), D(2026, 7, 31), "month")


def test_enhanced_period_fortnightly_then_back_to_monthly():
    person = staff(D(2025, 1, 1), enhanced=(D(2026, 3, 16), D(2026, 5, 10)))
    got = spans(person, ScheduleSpec("month", enhanced_interval="fortnight"), D(2026, 6, 30))
    march_on = [w for w in got if w[0] >= D(2026, 3, 1)]
    assert march_on == [
        (D(2026, 3, 1), D(2026, 3, 15), "month"),  # 15 days, kept
        (D(2026, 3, 16), D(2026, 3, 29), "fortnight"),
        (D(2026, 3, 30), D(2026, 4, 12), "fortnight"),
        (D(2026, 4, 13), D(2026, 4, 26), "fortnight"),
        (D(2026, 4, 27), D(2026, 5, 10), "fortnight"),
        (D(2026, 5, 11), D(2026, 5, 31), "month"),  # 21 days, kept
        (D(2026, 6, 1), D(2026, 6, 30), "month"),
    ]


@pytest.mark.parametrize(
    ("start", "first"),
    [
        # 10 Feb - 31 Mar is 50 days: kept.
        (D(2026, 2, 10), (D(2026, 2, 10), D(2026, 3, 31))),
        # 15 Feb - 31 Mar is 45 days: kept (short means under 45).
        (D(2026, 2, 15), (D(2026, 2, 15), D(2026, 3, 31))),
        # 16 Feb - 31 Mar is 44 days: merged into the April-June quarter.
        (D(2026, 2, 16), (D(2026, 2, 16), D(2026, 6, 30))),
    ],
)
def test_quarterly_first_window(start, first):
    got = spans(staff(start), ScheduleSpec("quarter"), D(2026, 12, 31))
    assert got[0][:2] == first
    assert got[1][0] in (D(2026, 4, 1), D(2026, 7, 1))


@pytest.mark.parametrize(
    ("end", "last"),
    [
        # Weekly blocks from Thu 1 Jan 2026; leaves Sat 17 Jan: 15-17 Jan is 3 days, merged back.
        (D(2026, 1, 17), (D(2026, 1, 8), D(2026, 1, 17))),
        # Leaves Sun 18 Jan: 15-18 Jan is 4 days, kept.
        (D(2026, 1, 18), (D(2026, 1, 15), D(2026, 1, 18))),
    ],
)
def test_weekly_window_clipped_at_leaving_date(end, last):
    person = staff(D(2026, 1, 1), end=end, asye=D(2026, 1, 1))
    got = spans(person, ScheduleSpec("month", NATIONAL_NQSW), D(2026, 3, 31))
    assert got[-1][:2] == last


def test_open_segment_last_window_is_never_merged():
    # Horizon inside a month, no end date: the window containing the horizon is whole.
    got = spans(staff(D(2026, 1, 1)), MONTHLY, D(2026, 5, 3))
    assert got[-1][:2] == (D(2026, 5, 1), D(2026, 5, 31))


@pytest.mark.parametrize(
    ("window", "absences", "days", "excused"),
    [
        # June has 30 days: 15 absent is exactly half, excused; 14 is not.
        (Window(D(2026, 6, 1), D(2026, 6, 30), "month"), [(D(2026, 6, 1), D(2026, 6, 15))], 15, True),
        (Window(D(2026, 6, 1), D(2026, 6, 30), "month"), [(D(2026, 6, 1), D(2026, 6, 14))], 14, False),
        # July has 31 days: 15 is under half, 16 excuses.
        (Window(D(2026, 7, 1), D(2026, 7, 31), "month"), [(D(2026, 7, 17), D(2026, 8, 20))], 15, False),
        (Window(D(2026, 7, 1), D(2026, 7, 31), "month"), [(D(2026, 7, 16), D(2026, 8, 20))], 16, True),
        # Overlapping absences count each day once.
        (
            Window(D(2026, 6, 1), D(2026, 6, 30), "month"),
            [(D(2026, 6, 1), D(2026, 6, 10)), (D(2026, 6, 5), D(2026, 6, 14))],
            14,
            False,
        ),
        # An absence spanning the whole window, from before to after it.
        (Window(D(2026, 6, 1), D(2026, 6, 14), "fortnight"), [(D(2026, 5, 1), D(2026, 9, 1))], 14, True),
        # Leap February: 29 days, 15 excuses, 14 does not.
        (Window(D(2024, 2, 1), D(2024, 2, 29), "month"), [(D(2024, 2, 15), D(2024, 2, 29))], 15, True),
        (Window(D(2024, 2, 1), D(2024, 2, 29), "month"), [(D(2024, 2, 16), D(2024, 2, 29))], 14, False),
    ],
)
def test_absence_excuses_half_a_window(window, absences, days, excused):
    assert plain_absent_days(window, absences) == days
    assert cover_status(window, absences) == ("excused" if excused else "missed", days)


# ------------------------------------------------------------------ skipping early windows

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from supcheck.schedule import Segment, windows_for_segment  # noqa: E402

_days = st.dates(min_value=D(2015, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=400, deadline=None)
@given(
    start=_days,
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
    interval=st.sampled_from(["week", "fortnight", "month", "quarter"]),
    earliest=_days,
    horizon_after=st.integers(min_value=0, max_value=800),
)
def test_skipping_windows_before_earliest_changes_no_window_that_ends_after_it(
    start, length, interval, earliest, horizon_after
):
    end = None if length is None else start + relativedelta(days=length)
    segment = Segment(start, end, interval)
    horizon = earliest + relativedelta(days=horizon_after)
    full = [w for w in windows_for_segment(segment, horizon) if w.end >= earliest]
    skipped = [w for w in windows_for_segment(segment, horizon, earliest) if w.end >= earliest]
    assert skipped == full


@pytest.mark.parametrize(
    ("absences", "days"),
    [
        ([(D(2026, 6, 1), D(2026, 6, 10)), (D(2026, 6, 3), D(2026, 6, 5))], 10),  # nested
        ([(D(2026, 6, 1), D(2026, 6, 10)), (D(2026, 6, 11), D(2026, 6, 12))], 12),  # adjacent
        ([(D(2026, 6, 20), D(2026, 6, 25)), (D(2026, 6, 1), D(2026, 6, 2))], 8),  # unsorted
        ([(D(2026, 5, 1), D(2026, 5, 31))], 0),  # before the window
    ],
)
def test_absent_days_counts_each_day_once(absences, days):
    june = Window(D(2026, 6, 1), D(2026, 6, 30), "month")
    assert plain_absent_days(june, absences) == days
    assert cover_status(june, absences)[1] == days


_spans = st.lists(
    st.tuples(_days, st.integers(min_value=0, max_value=60)).map(
        lambda t: (t[0], t[0] + relativedelta(days=t[1]))
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(absences=_spans, start=_days, length=st.integers(min_value=0, max_value=120))
def test_merged_absences_count_each_day_once(absences, start, length):
    """Everyone's absences merged into spans (window_judging.AbsenceCover) count what a
    day-by-day count does."""
    window = Window(start, start + relativedelta(days=length), "month")
    assert cover_status(window, absences)[1] == plain_absent_days(window, absences)


# ------------------------------------------------------------------ shared assessed windows

from supcheck.schedule import assessed_windows  # noqa: E402

_specs = st.sampled_from(
    [
        MONTHLY,
        ScheduleSpec("quarter"),
        ScheduleSpec("week"),
        ScheduleSpec("fortnight"),
        ScheduleSpec("month", NATIONAL_NQSW),
        ScheduleSpec("month", DUDLEY_NQSW, "fortnight"),
        ScheduleSpec(None, NATIONAL_NQSW),
    ]
)
_maybe_day = st.one_of(st.none(), _days)


@settings(max_examples=500, deadline=None)
@given(
    spec=_specs,
    start=_days,
    end=_maybe_day,
    asye=_maybe_day,
    enhanced=st.tuples(_maybe_day, _maybe_day),
    first=_days,
    length=st.integers(min_value=0, max_value=500),
)
def test_shared_assessed_windows_are_each_persons_own(spec, start, end, asye, enhanced, first, length):
    """`assessed_windows` shares windows between people (and caches them across calls, so
    examples also meet each other's): it gives each person exactly the windows of their
    own schedule that end between `first` and `last`."""
    last = first + relativedelta(days=length)
    person = staff(start, end, asye, enhanced)
    own = [w for w in windows_for(segments_for(person, spec), last) if first <= w.end <= last]
    assert list(assessed_windows(person, spec, first, last)) == own
