"""Windows judged on arrays: hand-computed boundaries, then a window-by-window reading of
rules.md on generated schedules (met if a session is dated in the window, else excused
if absences cover at least half its days, else missed)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import plain_absent_days
from supcheck.schedule import Window
from supcheck.window_judging import AbsenceCover, DatedEvents, ListedWindows, judge_windows

D = date
JUNE = Window(D(2026, 6, 1), D(2026, 6, 30), "month")  # 30 days: 15 absent excuse it
JULY = Window(D(2026, 7, 1), D(2026, 7, 31), "month")  # 31 days: 16 needed
FEB_LEAP = Window(D(2028, 2, 1), D(2028, 2, 29), "month")  # 29 days: 15 needed
FORTNIGHT = Window(D(2026, 6, 1), D(2026, 6, 14), "fortnight")  # 14 days: 7 needed


def sessions_of(dated: dict[str, list[date]]) -> tuple[DatedEvents, list[str]]:
    """Events in person, then date, order, named "<person>@<date>"."""
    people = sorted(dated)
    ranks, days, ids = [], [], []
    for rank, person in enumerate(people):
        for day in sorted(dated[person]):
            ranks.append(rank)
            days.append(day.toordinal())
            ids.append(f"{person}@{day}")
    events = DatedEvents(
        people, np.array(ranks, dtype=np.int64), np.array(days, dtype=np.int64), np.arange(len(ids))
    )
    return events, ids


def cover_of(absences: dict[str, list[tuple[date, date]]]) -> AbsenceCover:
    people = list(absences)
    rows = [(i, s.toordinal(), e.toordinal()) for i, p in enumerate(people) for s, e in absences[p]]
    ranks, starts, ends = (
        (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
        if rows
        else (np.empty(0, dtype=np.int64),) * 3
    )
    return AbsenceCover(people, ranks, starts, ends)


def judge(window: Window, sessions: list[date], absences: list[tuple[date, date]], person: str = "A"):
    listed = ListedWindows()
    listed.add(person, [window])
    events, ids = sessions_of({"A": sessions, "B": [D(2026, 6, 15), D(2026, 7, 15)]})
    cover = cover_of({"A": absences, "B": [(D(2026, 1, 1), D(2028, 12, 31))]})
    [judged] = judge_windows("frequency", [person], listed, events, ids, cover)
    return judged.status, judged.absent_days, judged.session_ids


@pytest.mark.parametrize(
    ("window", "sessions", "absences", "expected"),
    [
        # sessions on the boundaries: the day before, the first day, the last day, the day after
        (JUNE, [D(2026, 5, 31)], [], ("missed", 0, ())),
        (JUNE, [D(2026, 6, 1)], [], ("met", 0, ("A@2026-06-01",))),
        (JUNE, [D(2026, 6, 30)], [], ("met", 0, ("A@2026-06-30",))),
        (JUNE, [D(2026, 7, 1)], [], ("missed", 0, ())),
        (JUNE, [D(2026, 6, 3), D(2026, 6, 20)], [], ("met", 0, ("A@2026-06-03", "A@2026-06-20"))),
        # half the days absent excuses; one day fewer does not
        (JUNE, [], [(D(2026, 6, 16), D(2026, 7, 10))], ("excused", 15, ())),
        (JUNE, [], [(D(2026, 6, 17), D(2026, 7, 10))], ("missed", 14, ())),
        (JULY, [], [(D(2026, 6, 20), D(2026, 7, 16))], ("excused", 16, ())),
        (JULY, [], [(D(2026, 6, 20), D(2026, 7, 15))], ("missed", 15, ())),
        (FEB_LEAP, [], [(D(2028, 2, 15), D(2028, 3, 5))], ("excused", 15, ())),
        (FEB_LEAP, [], [(D(2028, 2, 16), D(2028, 3, 5))], ("missed", 14, ())),
        (FORTNIGHT, [], [(D(2026, 5, 20), D(2026, 6, 7))], ("excused", 7, ())),
        (FORTNIGHT, [], [(D(2026, 5, 20), D(2026, 6, 6))], ("missed", 6, ())),
        # overlapping and nested absences count each day once
        (JUNE, [], [(D(2026, 6, 1), D(2026, 6, 10)), (D(2026, 6, 5), D(2026, 6, 14))], ("missed", 14, ())),
        (JUNE, [], [(D(2026, 6, 1), D(2026, 6, 20)), (D(2026, 6, 5), D(2026, 6, 6))], ("excused", 20, ())),
        # adjacent absences join
        (JUNE, [], [(D(2026, 6, 1), D(2026, 6, 7)), (D(2026, 6, 8), D(2026, 6, 15))], ("excused", 15, ())),
        # met wins over excused, and a met window's absent days are not counted
        (JUNE, [D(2026, 6, 10)], [(D(2026, 6, 1), D(2026, 6, 30))], ("met", 0, ("A@2026-06-10",))),
    ],
)
def test_window_outcomes_on_the_boundaries(window, sessions, absences, expected):
    assert judge(window, sessions, absences) == expected


def test_other_peoples_sessions_and_absences_do_not_count():
    """B has a session in June and is absent all year; A has neither."""
    assert judge(JUNE, [], []) == ("missed", 0, ())


def test_someone_with_no_sessions_or_absences_at_all():
    assert judge(JUNE, [], [], person="Z") == ("missed", 0, ())


def test_iterating_gives_assessed_windows_with_their_sessions():
    listed = ListedWindows()
    listed.add("A", [JUNE, JULY])
    events, ids = sessions_of({"A": [D(2026, 6, 2), D(2026, 6, 9)]})
    judged = judge_windows(
        "freq", ["A"], listed, events, ids, cover_of({"A": [(D(2026, 7, 1), D(2026, 7, 20))]})
    )
    assert [(w.window, w.status, w.session_ids, w.absent_days) for w in judged] == [
        (JUNE, "met", ("A@2026-06-02", "A@2026-06-09"), 0),
        (JULY, "excused", (), 20),
    ]
    assert judged.count() == {"met": 1, "excused": 1, "missed": 0}


def test_the_windows_about_some_people_are_theirs_in_order():
    listed = ListedWindows()
    listed.add("A", [JUNE, JULY])
    listed.add("B", [JUNE])
    listed.add("C", [JULY])
    events, ids = sessions_of({"B": [D(2026, 6, 5)]})
    judged = judge_windows("freq", ["A", "B", "C"], listed, events, ids, cover_of({}))
    asked = []

    def keep(person: str) -> bool:
        asked.append(person)
        return person != "A"

    assert [(w.staff_id, w.window, w.status) for w in judged.about(keep)] == [
        ("B", JUNE, "met"),
        ("C", JULY, "missed"),
    ]
    assert asked == ["A", "B", "C"]  # once a person, not once a window


# ------------------------------------------------------------------ against a plain reading

_day = st.dates(min_value=D(2023, 1, 1), max_value=D(2029, 12, 31))
_span = st.tuples(_day, st.integers(min_value=0, max_value=70)).map(
    lambda t: (t[0], t[0] + timedelta(days=t[1]))
)
_window = st.tuples(_day, st.integers(min_value=0, max_value=100)).map(
    lambda t: Window(t[0], t[0] + timedelta(days=t[1]), "month")
)
_person = st.sampled_from(["A", "B", "C", "D"])


@settings(max_examples=300, deadline=None)
@given(
    windows=st.lists(st.tuples(_person, st.lists(_window, max_size=6)), max_size=5),
    sessions=st.dictionaries(_person, st.lists(_day, max_size=10)),
    absences=st.dictionaries(_person, st.lists(_span, max_size=6)),
)
def test_arrays_judge_as_one_window_at_a_time(windows, sessions, absences):
    listed = ListedWindows()
    for person, theirs in windows:
        listed.add(person, theirs)
    events, ids = sessions_of(sessions)
    judged = list(judge_windows("r", list(listed.people), listed, events, ids, cover_of(absences)))

    expected = []
    for person, window in zip(np.repeat(listed.people, listed.counts), listed.windows, strict=True):
        held = tuple(
            f"{person}@{d}" for d in sorted(sessions.get(person, [])) if window.start <= d <= window.end
        )
        days = plain_absent_days(window, absences.get(person, []))
        if held:
            expected.append((person, window, "met", held, 0))
        elif 2 * days >= window.days:
            expected.append((person, window, "excused", (), days))
        else:
            expected.append((person, window, "missed", (), days))
    assert [(w.staff_id, w.window, w.status, w.session_ids, w.absent_days) for w in judged] == expected


def test_each_persons_events_are_one_run_of_keys():
    events, _ = sessions_of({"A": [D(2026, 6, 2), D(2026, 6, 1)], "B": [], "C": [D(2026, 1, 1)]})
    assert events.person_bounds() == [0, 2, 2, 3]  # A: 0-1, B: none, C: 2
