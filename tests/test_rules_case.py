"""Table-driven boundary tests for `case-discussion` and `case-recording`. Expectations by
hand; the pack is the national pack plus the two case rules."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest

from helpers import check, dataset, kinds, person
from supcheck.models import Allocation, Discussion
from supcheck.packs import parse_offset, validate_pack_file
from supcheck.rules import case_discussion
from supcheck.schedule import date_adder

D = date

WORKER = person("S1", name="Beth Evans", line_manager_id="M1")
OTHER = person("S2", name="Sam Other", line_manager_id="M1")
MANAGER = person("M1", role="Team Manager", name="Mina Manager", line_manager_id="SM")
SENIOR = person("SM", role="Service Manager", name="Sara Senior")
SUPPORT = person("F1", role="Family Support Worker", name="Fran Support", line_manager_id="M1")
PEOPLE = [WORKER, OTHER, MANAGER, SENIOR, SUPPORT]

ALLOCATION_COLUMNS = ("case_id", "worker_id", "start_date", "end_date")
DISCUSSION_COLUMNS = ("case_id", "worker_id", "date", "recorded_date", "decided_by")

PACK = """
[pack]
id = "case-test"
extends = "national"

[rules.case-discussion]
kind = "case-discussion"
severity = "breach"
source = "Shropshire: every case every two months"
{discussion}

[rules.case-recording]
kind = "case-recording"
severity = "breach"
source = "Dudley standard 2: within two working days"
{recording}
"""


def write_pack(path, discussion="", recording="") -> str:
    path.write_text(PACK.format(discussion=discussion, recording=recording), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def pack_path(tmp_path_factory) -> str:
    return write_pack(tmp_path_factory.mktemp("packs") / "case-test.toml")


def alloc(start, end=None, case="C1", worker="S1") -> Allocation:
    return Allocation(case_id=case, worker_id=worker, start_date=start, end_date=end)


def disc(day, recorded=None, case="C1", worker="S1", decided_by="") -> Discussion:
    return Discussion(case_id=case, worker_id=worker, date=day, recorded_date=recorded, decided_by=decided_by)


def run_case(pack, allocations, discussions, start, end, as_of, columns=DISCUSSION_COLUMNS):
    data = dataset(
        PEOPLE,
        allocations=("allocations", allocations, ALLOCATION_COLUMNS),
        case_discussions=("discussions", discussions, columns),
    )
    return check(data, start, end, as_of, policy=pack)


def findings(run, kind):
    return [(f.staff_id, f.case_id, f.start, f.end) for f in run.result.findings if f.kind == kind]


# ------------------------------------------------------------------ case-discussion

YEAR = (D(2026, 1, 1), D(2026, 12, 31))
LATE_AS_OF = D(2027, 2, 1)
MAR12 = D(2026, 3, 12)  # allocation start; + 2 months = 12 May


@pytest.mark.parametrize(
    ("case", "allocations", "discussions", "expected"),
    [
        (
            "discussed exactly two months after allocation",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 5, 12))],
            [],
        ),
        (
            "discussed one day late",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 5, 13))],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "discussed on time, then one day late after that discussion",
            [alloc(MAR12, D(2026, 8, 21))],  # 21 Jun + 2 months = 21 Aug, its last day
            [disc(D(2026, 4, 20)), disc(D(2026, 6, 21))],
            [(D(2026, 4, 20), D(2026, 6, 20))],
        ),
        (
            "allocated 31 Dec: deadline 28 Feb, discussed on it",
            [alloc(D(2025, 12, 31), D(2026, 3, 31))],
            [disc(D(2026, 2, 28))],
            [],
        ),
        (
            "allocated 31 Dec: deadline 28 Feb, discussed 1 Mar",
            [alloc(D(2025, 12, 31), D(2026, 3, 31))],
            [disc(D(2026, 3, 1))],
            [(D(2025, 12, 31), D(2026, 2, 28))],
        ),
        (
            "allocation closed before the deadline",
            [alloc(MAR12, D(2026, 5, 11))],
            [],
            [],
        ),
        (
            "deadline on the allocation's last day",
            [alloc(MAR12, D(2026, 5, 12))],
            [],
            [],
        ),
        (
            "deadline the day before the allocation's last day",
            [alloc(MAR12, D(2026, 5, 13))],
            [],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "discussion with another worker does not count",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 4, 1), worker="S2")],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "discussion of another case does not count",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 4, 1), case="C2")],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "discussion before the allocation start is ignored",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 3, 11))],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "discussion before the start does not pull the deadline earlier",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(D(2026, 2, 1)), disc(D(2026, 5, 12))],
            [],
        ),
        (
            "discussion on the allocation start day restarts from the same day",
            [alloc(MAR12, D(2026, 6, 30))],
            [disc(MAR12), disc(D(2026, 5, 12))],
            [],
        ),
        (
            "long gap: one finding, not a chain of deadlines",
            [alloc(MAR12)],
            [disc(D(2026, 5, 12)), disc(D(2026, 12, 20))],
            [(D(2026, 5, 12), D(2026, 7, 12))],
        ),
        (
            "open allocation never discussed: one finding, however long",
            [alloc(MAR12)],
            [],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            "worker who left: their last day ends the allocation",
            [alloc(MAR12, worker="S3")],
            [],
            [],
        ),
        (
            "worker in a group that does not apply the rule",
            [alloc(MAR12, D(2026, 6, 30), worker="F1")],
            [],
            [],
        ),
        (
            "the same allocation twice is reported once",
            [alloc(MAR12, D(2026, 6, 30)), alloc(MAR12, D(2026, 6, 30))],
            [],
            [(MAR12, D(2026, 5, 12))],
        ),
        (
            # First: deadline 5 Mar is after its last day. Second: the 20 Jan discussion is
            # before its start; 31 Jul is on time (1 Jun + 2 months = 1 Aug); 31 Jul +
            # 2 months = 30 Sep, missed.
            "reallocated to the same worker: each allocation has its own clock",
            [alloc(D(2026, 1, 5), D(2026, 2, 20)), alloc(D(2026, 6, 1), D(2026, 12, 31))],
            [disc(D(2026, 1, 20)), disc(D(2026, 7, 31))],
            [(D(2026, 7, 31), D(2026, 9, 30))],
        ),
    ],
)
def test_case_discussion(pack_path, case, allocations, discussions, expected):
    people = [*PEOPLE, person("S3", name="Lee Leaver", line_manager_id="M1", end_date=D(2026, 5, 12))]
    data = dataset(
        people,
        allocations=("allocations", allocations, ALLOCATION_COLUMNS),
        case_discussions=("discussions", discussions, DISCUSSION_COLUMNS),
    )
    run = check(data, *YEAR, LATE_AS_OF, policy=pack_path)
    worker = allocations[0].worker_id
    assert findings(run, "case-discussion") == [(worker, "C1", s, e) for s, e in expected], case


def test_leap_year_deadline_is_29_february(pack_path):
    allocations = [alloc(D(2027, 12, 31), D(2028, 3, 31))]
    on_time = run_case(
        pack_path, allocations, [disc(D(2028, 2, 29))], D(2028, 1, 1), D(2028, 12, 31), D(2029, 1, 1)
    )
    late = run_case(
        pack_path, allocations, [disc(D(2028, 3, 1))], D(2028, 1, 1), D(2028, 12, 31), D(2029, 1, 1)
    )
    assert findings(on_time, "case-discussion") == []
    assert findings(late, "case-discussion") == [("S1", "C1", D(2027, 12, 31), D(2028, 2, 29))]


@pytest.mark.parametrize(
    ("start", "end", "as_of", "expected"),
    [
        # Open allocation from 12 Mar, never discussed: deadline 12 May.
        (D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 15), False),  # deadline before the period
        (D(2026, 5, 1), D(2026, 5, 11), D(2026, 7, 15), False),  # deadline after the period
        (D(2026, 5, 1), D(2026, 5, 31), D(2026, 7, 15), True),
        (D(2026, 5, 1), D(2026, 5, 31), D(2026, 5, 11), False),  # deadline after as_of
        (D(2026, 5, 1), D(2026, 5, 31), D(2026, 5, 12), True),  # deadline on as_of, no discussion
        (D(2026, 5, 12), D(2026, 5, 12), D(2026, 5, 13), True),
    ],
)
def test_case_discussion_deadline_in_period_and_known_on_as_of(pack_path, start, end, as_of, expected):
    run = run_case(pack_path, [alloc(MAR12)], [], start, end, as_of)
    assert findings(run, "case-discussion") == ([("S1", "C1", MAR12, D(2026, 5, 12))] if expected else [])


def test_case_discussion_messages(pack_path):
    allocations = [alloc(D(2026, 4, 1), case="C91961"), alloc(MAR12, D(2026, 9, 1), case="C10234")]
    discussions = [disc(D(2026, 5, 12), case="C91961"), disc(D(2026, 7, 20), case="C91961")]
    run = run_case(pack_path, allocations, discussions, D(2026, 4, 1), D(2026, 8, 31), D(2026, 9, 15))
    got = {f.case_id: f for f in run.result.findings if f.kind == "case-discussion"}
    assert got["C91961"].message == (
        "Case C91961 allocated to Beth Evans was not discussed in supervision between "
        "12 May 2026 and 12 July 2026 (every 2 months required)."
    )
    assert got["C10234"].message == (
        "Case C10234 allocated to Beth Evans on 12 March 2026 was not discussed in supervision "
        "by 12 May 2026 (every 2 months required)."
    )
    assert (got["C91961"].rule, got["C91961"].severity, got["C91961"].staff_id) == (
        "case-discussion",
        "breach",
        "S1",
    )
    assert got["C91961"].source == "Shropshire: every case every two months"


def test_case_discussion_interval_parameter(tmp_path):
    path = write_pack(tmp_path / "six-weeks.toml", discussion='interval = "6 weeks"')
    # 12 Mar + 6 weeks = 23 Apr, missed; 24 Apr + 6 weeks = 5 Jun, the allocation's last day.
    run = run_case(path, [alloc(MAR12, D(2026, 6, 5))], [disc(D(2026, 4, 24))], *YEAR, LATE_AS_OF)
    assert findings(run, "case-discussion") == [("S1", "C1", MAR12, D(2026, 4, 23))]
    (message,) = [f.message for f in run.result.findings if f.kind == "case-discussion"]
    assert message.endswith("by 23 April 2026 (every 6 weeks required).")


@pytest.mark.parametrize(
    ("discussion", "recording", "key"),
    [
        ('interval = "fortnightly"', "", "rules.case-discussion.interval"),
        ('interval = "0 months"', "", "rules.case-discussion.interval"),
        ("", "limit_working_days = -1", "rules.case-recording.limit_working_days"),
        ("", "limit_days = 2", "rules.case-recording.limit_days"),
    ],
)
def test_bad_parameters_name_the_key(tmp_path, discussion, recording, key):
    problems = validate_pack_file(write_pack(tmp_path / "bad.toml", discussion, recording))
    assert len(problems) == 1 and f"{key}:" in problems[0], problems


def test_case_discussion_not_assessed_without_allocations(pack_path):
    data = dataset(PEOPLE, case_discussions=("discussions", [], DISCUSSION_COLUMNS))
    run = check(data, *YEAR, LATE_AS_OF, policy=pack_path)
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["case-discussion"] == "no allocations table"


# ------------------------------------------------------------------ case-recording

ALL_2026 = (D(2026, 1, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    ("case", "discussion", "expected_end"),
    [
        # Fri 28 Aug 2026; Mon 31 Aug is the summer bank holiday: Tue 1 Sep = 1, Wed 2 Sep = 2.
        ("over the August bank holiday, recorded Wednesday", disc(D(2026, 8, 28), D(2026, 9, 2)), None),
        (
            "over the August bank holiday, recorded Thursday",
            disc(D(2026, 8, 28), D(2026, 9, 3)),
            D(2026, 9, 2),
        ),
        # Thu 2 Apr 2026; Good Friday 3 Apr, Easter Monday 6 Apr: 7 Apr = 1, 8 Apr = 2.
        ("over Easter, recorded on the limit date", disc(D(2026, 4, 2), D(2026, 4, 8)), None),
        ("over Easter, recorded the day after", disc(D(2026, 4, 2), D(2026, 4, 9)), D(2026, 4, 8)),
        # Wed 23 Dec 2026: Thu 24 Dec = 1, Fri 25 and Mon 28 (Boxing Day substitute) off, Tue 29 = 2.
        ("over Christmas, recorded 29 Dec", disc(D(2026, 12, 23), D(2026, 12, 29)), None),
        ("over Christmas, recorded 30 Dec", disc(D(2026, 12, 23), D(2026, 12, 30)), D(2026, 12, 29)),
        ("recorded the same day", disc(D(2026, 6, 10), D(2026, 6, 10)), None),
        ("recorded before the discussion date is not late", disc(D(2026, 6, 10), D(2026, 6, 9)), None),
        # Saturday 5 Sep 2026: Mon 7 = 1, Tue 8 = 2.
        ("discussed on a Saturday, recorded Tuesday", disc(D(2026, 9, 5), D(2026, 9, 8)), None),
        ("discussed on a Saturday, recorded Wednesday", disc(D(2026, 9, 5), D(2026, 9, 9)), D(2026, 9, 8)),
        ("never recorded", disc(D(2026, 6, 10)), D(2026, 6, 12)),
        ("worker in a group that does not apply the rule", disc(D(2026, 6, 10), worker="F1"), None),
    ],
)
def test_case_recording(pack_path, case, discussion, expected_end):
    run = run_case(pack_path, [], [discussion], *ALL_2026, D(2027, 1, 31))
    expected = [] if expected_end is None else [("S1", "C1", discussion.date, expected_end)]
    assert findings(run, "case-recording") == expected, case


# England bank holidays used below (holidays.country_holidays("GB", subdiv="ENG")):
# Mon 3 May 2027 (early May); Fri 25 Dec 2026 and Mon 28 Dec 2026 (Boxing Day, Sat 26,
# substituted); Mon 27 and Tue 28 Dec 2027 (Christmas Day and Boxing Day fall on Sat 25
# and Sun 26). Late means more working days than the limit, counted after the discussion
# up to and including the recorded day: a day off after the limit date adds none.
SM = "SM"  # a senior manager's decision: limit 1 working day


@pytest.mark.parametrize(
    ("discussed", "decided_by", "recorded", "taken", "limit_date"),
    [
        # Wed 15 Sep 2027: Thu 16 = 1, Fri 17 = 2 (limit date), Sat 18 and Sun 19 add none.
        (D(2027, 9, 15), "", D(2027, 9, 17), 2, D(2027, 9, 17)),
        (D(2027, 9, 15), "", D(2027, 9, 18), 2, D(2027, 9, 17)),
        (D(2027, 9, 15), "", D(2027, 9, 19), 2, D(2027, 9, 17)),
        (D(2027, 9, 15), "", D(2027, 9, 20), 3, D(2027, 9, 17)),
        # Wed 28 Apr 2027: Thu 29 = 1, Fri 30 = 2; Sat 1, Sun 2, Mon 3 May (bank holiday) none.
        (D(2027, 4, 28), "", D(2027, 4, 30), 2, D(2027, 4, 30)),
        (D(2027, 4, 28), "", D(2027, 5, 1), 2, D(2027, 4, 30)),
        (D(2027, 4, 28), "", D(2027, 5, 3), 2, D(2027, 4, 30)),
        (D(2027, 4, 28), "", D(2027, 5, 4), 3, D(2027, 4, 30)),
        # Tue 22 Dec 2026: Wed 23 = 1, Thu 24 = 2; Fri 25 to Mon 28 Dec 2026 none.
        (D(2026, 12, 22), "", D(2026, 12, 25), 2, D(2026, 12, 24)),
        (D(2026, 12, 22), "", D(2026, 12, 28), 2, D(2026, 12, 24)),
        (D(2026, 12, 22), "", D(2026, 12, 29), 3, D(2026, 12, 24)),
        # Wed 22 Dec 2027: Thu 23 = 1, Fri 24 = 2; Sat 25 to Tue 28 Dec 2027 none.
        (D(2027, 12, 22), "", D(2027, 12, 28), 2, D(2027, 12, 24)),
        (D(2027, 12, 22), "", D(2027, 12, 29), 3, D(2027, 12, 24)),
        # Limit 1 (a senior manager decided). Thu 16 Sep 2027: Fri 17 = 1 (limit date).
        (D(2027, 9, 16), SM, D(2027, 9, 17), 1, D(2027, 9, 17)),
        (D(2027, 9, 16), SM, D(2027, 9, 18), 1, D(2027, 9, 17)),
        (D(2027, 9, 16), SM, D(2027, 9, 19), 1, D(2027, 9, 17)),
        (D(2027, 9, 16), SM, D(2027, 9, 20), 2, D(2027, 9, 17)),
        # Thu 29 Apr 2027: Fri 30 = 1; Mon 3 May is the bank holiday.
        (D(2027, 4, 29), SM, D(2027, 5, 3), 1, D(2027, 4, 30)),
        (D(2027, 4, 29), SM, D(2027, 5, 4), 2, D(2027, 4, 30)),
        # Wed 23 Dec 2026: Thu 24 = 1; Fri 25 to Mon 28 none.
        (D(2026, 12, 23), SM, D(2026, 12, 28), 1, D(2026, 12, 24)),
        (D(2026, 12, 23), SM, D(2026, 12, 29), 2, D(2026, 12, 24)),
    ],
)
def test_case_recording_counts_working_days_not_dates(
    pack_path, discussed, decided_by, recorded, taken, limit_date
):
    run = run_case(
        pack_path,
        [],
        [disc(discussed, recorded, decided_by=decided_by)],
        D(2026, 1, 1),
        D(2027, 12, 31),
        D(2028, 1, 31),
    )
    limit = 1 if decided_by else 2
    late = taken > limit
    assert findings(run, "case-recording") == ([("S1", "C1", discussed, limit_date)] if late else [])
    assessed = [a for a in run.assessments if a.kind == "case-recording"]
    assert [(a.met, a.start, a.end, a.value, a.required) for a in assessed] == [
        (not late, discussed, limit_date, taken, limit)
    ]


@pytest.mark.parametrize(
    ("as_of", "recorded", "expected"),
    [
        # Wed 15 Sep 2027, limit date Fri 17 Sep (pinned detail 3: "not recorded" once as_of
        # is a later date than the limit date, even a Saturday).
        (D(2027, 9, 17), None, []),
        (D(2027, 9, 18), None, ["has not been recorded"]),
        (D(2027, 9, 18), D(2027, 9, 19), ["has not been recorded"]),  # after as_of: not known yet
        (D(2027, 9, 20), D(2027, 9, 19), []),  # Sunday: 2 working days, on time
        (D(2027, 9, 20), None, ["has not been recorded"]),
        (D(2027, 9, 21), D(2027, 9, 20), ["was recorded on 20 September 2027, 3 working days later"]),
    ],
)
def test_case_recording_around_a_weekend_after_the_limit_date(pack_path, as_of, recorded, expected):
    run = run_case(pack_path, [], [disc(D(2027, 9, 15), recorded)], D(2027, 9, 1), D(2027, 9, 30), as_of)
    got = [f for f in run.result.findings if f.kind == "case-recording"]
    assert [(f.start, f.end) for f in got] == [(D(2027, 9, 15), D(2027, 9, 17))] * len(expected)
    for finding, words in zip(got, expected, strict=True):
        assert words in finding.message
        assert finding.message.endswith("(limit 2 working days, by 17 September 2027).")


@pytest.mark.parametrize(
    ("as_of", "recorded", "expected"),
    [
        # Mon 2 Nov 2026: limit date Wed 4 Nov.
        (D(2026, 11, 4), None, False),  # as_of on the limit date: the worker still has the day
        (D(2026, 11, 5), None, True),  # as_of a later date than the limit date
        (D(2026, 11, 5), D(2026, 11, 4), False),
        (D(2026, 11, 5), D(2026, 11, 10), True),  # recorded after as_of counts as not recorded
        (D(2026, 11, 3), None, False),  # limit date after as_of: not judged yet
    ],
)
def test_case_recording_not_recorded_once_as_of_is_past_the_limit(pack_path, as_of, recorded, expected):
    run = run_case(pack_path, [], [disc(D(2026, 11, 2), recorded)], D(2026, 11, 1), D(2026, 11, 30), as_of)
    assert findings(run, "case-recording") == (
        [("S1", "C1", D(2026, 11, 2), D(2026, 11, 4))] if expected else []
    )
    if expected:
        assert "has not been recorded on the child's file" in run.result.findings[-1].message


@pytest.mark.parametrize(
    ("decided_by", "limit_end"),
    [
        # Mon 8 Jun 2026, recorded Wed 10 Jun: 2 working days. Limit 1 -> 9 Jun, limit 2 -> 10 Jun.
        ("", None),
        ("M1", None),  # the worker's line manager: 2 days
        (" m1 ", None),  # ids compared ignoring case and spaces
        ("S1", None),  # the worker: 2 days
        ("SM", D(2026, 6, 9)),  # a senior manager: 1 day
        ("S2", D(2026, 6, 9)),  # another practitioner: someone other than worker and manager
        ("X99", D(2026, 6, 9)),  # not in the staff table: still someone else
    ],
)
def test_case_recording_limit_depends_on_who_decided(pack_path, decided_by, limit_end):
    run = run_case(
        pack_path, [], [disc(D(2026, 6, 8), D(2026, 6, 10), decided_by=decided_by)], *ALL_2026, D(2027, 1, 31)
    )
    expected = [] if limit_end is None else [("S1", "C1", D(2026, 6, 8), limit_end)]
    assert findings(run, "case-recording") == expected


def test_case_recording_worker_without_line_manager(pack_path):
    # SM has no line manager: a decision by anyone but SM is someone else's.
    discussions = [disc(D(2026, 6, 8), D(2026, 6, 10), worker="SM", decided_by="M1")]
    run = run_case(pack_path, [], discussions, *ALL_2026, D(2027, 1, 31))
    assert findings(run, "case-recording") == [("SM", "C1", D(2026, 6, 8), D(2026, 6, 9))]


@pytest.mark.parametrize(
    ("period", "judged"),
    [
        # Tue 30 Jun 2026: limit date Thu 2 Jul, so the finding belongs to July's run.
        ((D(2026, 6, 1), D(2026, 6, 30)), False),
        ((D(2026, 7, 1), D(2026, 7, 31)), True),
    ],
)
def test_case_recording_judged_in_the_period_of_its_limit_date(pack_path, period, judged):
    run = run_case(pack_path, [], [disc(D(2026, 6, 30), D(2026, 7, 6))], *period, D(2026, 8, 15))
    assert bool(findings(run, "case-recording")) is judged


def test_case_recording_messages(pack_path):
    discussions = [
        disc(D(2026, 4, 2), D(2026, 4, 9), case="C70400"),
        disc(D(2026, 4, 2), case="C70401"),
        disc(D(2026, 4, 13), D(2026, 4, 15), case="C70402", decided_by="SM"),
    ]
    run = run_case(pack_path, [], discussions, D(2026, 4, 1), D(2026, 4, 30), D(2026, 5, 15))
    got = {f.case_id: f.message for f in run.result.findings if f.kind == "case-recording"}
    assert got == {
        "C70400": "The discussion of case C70400 with Beth Evans on 2 April 2026 was recorded on 9 April "
        "2026, 3 working days later (limit 2 working days, by 8 April 2026).",
        "C70401": "The discussion of case C70401 with Beth Evans on 2 April 2026 has not been recorded on "
        "the child's file (limit 2 working days, by 8 April 2026).",
        "C70402": "The discussion of case C70402 with Beth Evans on 13 April 2026 was recorded on 15 April "
        "2026, 2 working days later (limit 1 working day, by 14 April 2026, as the decision was made by "
        "Sara Senior).",
    }


def test_case_recording_message_dates_agree_with_its_count(pack_path):
    # Wed 15 Sep 2027: recorded Sat 18 is on time (no message); Mon 20 is 3 working days,
    # the first working day after the limit date Fri 17.
    discussions = [
        disc(D(2027, 9, 15), D(2027, 9, 18), case="C1"),
        disc(D(2027, 9, 15), D(2027, 9, 20), case="C2"),
        disc(D(2027, 9, 16), D(2027, 9, 20), case="C3", decided_by="SM"),
    ]
    run = run_case(pack_path, [], discussions, D(2027, 9, 1), D(2027, 9, 30), D(2027, 10, 15))
    got = {f.case_id: f.message for f in run.result.findings if f.kind == "case-recording"}
    assert got == {
        "C2": "The discussion of case C2 with Beth Evans on 15 September 2027 was recorded on 20 September "
        "2027, 3 working days later (limit 2 working days, by 17 September 2027).",
        "C3": "The discussion of case C3 with Beth Evans on 16 September 2027 was recorded on 20 September "
        "2027, 2 working days later (limit 1 working day, by 17 September 2027, as the decision was made "
        "by Sara Senior).",
    }


def test_case_recording_parameters(tmp_path):
    path = write_pack(
        tmp_path / "three-days.toml",
        recording="limit_working_days = 3\nnon_case_holder_limit_working_days = 2",
    )
    discussions = [
        disc(D(2026, 4, 2), D(2026, 4, 9), case="C1"),  # 3 working days: on time
        disc(D(2026, 6, 8), D(2026, 6, 10), case="C2", decided_by="SM"),  # 2: on time
        disc(D(2026, 6, 8), D(2026, 6, 11), case="C3", decided_by="SM"),  # 3: late
    ]
    run = run_case(path, [], discussions, *ALL_2026, D(2027, 1, 31))
    assert findings(run, "case-recording") == [("S1", "C3", D(2026, 6, 8), D(2026, 6, 10))]


def test_case_recording_not_assessed_without_recorded_date(pack_path):
    run = run_case(
        pack_path,
        [],
        [disc(D(2026, 6, 8))],
        *ALL_2026,
        D(2027, 1, 31),
        columns=("case_id", "worker_id", "date"),
    )
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["case-recording"] == "no recorded_date column in the case_discussions table"
    assert kinds(run, "case-recording") == []


@pytest.mark.parametrize("offset", ["2 months", "1 month", "13 months", "1 year", "6 weeks", "10 days"])
def test_date_adder_agrees_with_relativedelta(offset):
    rd = parse_offset(offset)
    add = date_adder(rd)
    day = D(2023, 1, 1)
    while day < D(2029, 1, 1):
        assert add(day) == day + rd, (offset, day)
        day += timedelta(days=1)


# ---------------------------------------------------------------- skipping early clocks

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from supcheck.packs import parse_offset as _parse_offset  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=90), min_size=0, max_size=30),
    period_month=st.integers(min_value=0, max_value=35),
    end_after=st.one_of(st.none(), st.integers(min_value=30, max_value=1200)),
)
def test_skipping_clocks_before_the_period_changes_no_finding(pack_path, gaps, period_month, end_after):
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    start = date(2024, 1, 31)
    days, day = [], start
    for gap in gaps:
        day += timedelta(days=gap)
        days.append(day)
    end = None if end_after is None else start + timedelta(days=end_after)
    first = date(2024, 1, 1) + relativedelta(months=period_month)
    last = first + relativedelta(day=31)
    as_of = date(2027, 12, 31)
    # The reference: every deadline from the allocation start, kept when in the period.
    add = date_adder(_parse_offset("2 months"))
    expected = [
        ("S1", "C1", clock, deadline)
        for clock, deadline, _by, met in deadlines(start, end, days, add)
        if not met and first <= deadline <= last
    ]
    run = run_case(pack_path, [alloc(start, end)], [disc(d) for d in days], first, last, as_of)
    assert [f for f in findings(run, "case-discussion") if f[0] == "S1"] == expected


# ------------------------------------------------------------------ arrays vs. the row-by-row reference


def deadlines(  # the rule's clock, one allocation at a time (the reference)
    start: date,
    last_day: date | None,
    discussions: list[date],
    add: Callable[[date], date],
    by_discussion: bool = False,
) -> Iterator[tuple[date, date, bool, bool]]:
    """(last restart, deadline, restarted by a discussion, met) of every deadline of one
    allocation, in date order; the last one is open (met only by a later discussion).

    `discussions` are sorted and all on or after `start`. Deadlines on or after `last_day`
    are not yielded; the caller decides which deadlines belong to the run.
    """
    last = start
    for day in discussions:
        deadline = add(last)
        if last_day is not None and deadline >= last_day:
            return
        yield last, deadline, by_discussion, day <= deadline
        last, by_discussion = day, True
    deadline = add(last)
    if last_day is None or deadline < last_day:
        yield last, deadline, by_discussion, False


def _reference_case_discussion(allocations, discussions, workers, start, end, as_of, interval="2 months"):
    """The rule as it was written before it moved to arrays: one allocation at a time,
    through `deadlines()`. Returns (case, worker, last restart, deadline, met) in order."""
    from bisect import bisect_left
    from collections import defaultdict

    add = date_adder(parse_offset(interval))
    discussed = defaultdict(list)
    for d in discussions:
        if d.worker_id in workers:
            discussed[(d.case_id, d.worker_id)].append(d.date)
    for dates in discussed.values():
        dates.sort()
    early = start - parse_offset(interval) - timedelta(days=7)
    seen, judged = set(), []
    for a in allocations:
        staff = workers.get(a.worker_id)
        if staff is None:
            continue
        ends = [x for x in (a.end_date, staff.end_date) if x is not None]
        last_day = min(ends) if ends else None
        if last_day is not None and last_day <= start:
            continue
        dates = discussed.get((a.case_id, a.worker_id), [])
        dates = dates[bisect_left(dates, a.start_date) :]
        clock, restarted = a.start_date, False
        skip = bisect_left(dates, early)
        if skip:
            clock, restarted, dates = dates[skip - 1], True, dates[skip:]
        for last, deadline, _by, met in deadlines(clock, last_day, dates, add, restarted):
            if deadline > as_of or deadline > end:
                break
            key = (a.case_id, staff.staff_id, last, deadline)
            if deadline < start or key in seen:
                continue
            seen.add(key)
            judged.append((a.case_id, staff.staff_id, last, deadline, met))
    return judged


@functools.cache
def _property_pack() -> str:
    folder = Path(tempfile.mkdtemp(prefix="supcheck-case-pack-"))
    return write_pack(folder / "case-test.toml")


# Month ends and mid-months (with leap February 2028), so that discussions often fall on
# a deadline, the day before or the day after.
_POOL = sorted(
    D(year, month, day) + timedelta(days=shift)
    for year in (2027, 2028)
    for month in range(1, 13)
    for day in (1, 15, 28)
    for shift in (-1, 0, 1, 3)
)
_days = st.sampled_from(_POOL)


@settings(max_examples=150, deadline=None)
@given(
    allocations=st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2"]),
            st.sampled_from(["S1", "S2", "F1", "ZZ"]),
            _days,
            st.one_of(st.none(), _days),
        ),
        min_size=1,
        max_size=8,
    ),
    discussions=st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2"]),
            st.sampled_from(["S1", "S2", "F1"]),
            _days,
            st.lists(st.tuples(st.integers(1, 3), st.integers(-1, 1)), max_size=8),
        ),
        min_size=1,
        max_size=6,
    ),
    period=st.tuples(st.sampled_from(_POOL[: len(_POOL) // 2]), st.integers(60, 400), st.integers(-30, 400)),
    other_leaves=st.one_of(st.none(), _days),
)
def test_case_discussion_matches_the_row_by_row_reference(allocations, discussions, period, other_leaves):
    """Many allocations (overlapping, handed back, of leavers and of staff outside the
    rule), against the reference: the same judgements, in the same order."""
    start, length, after = period
    end = start + timedelta(days=length)
    as_of = end + timedelta(days=after)
    people = [WORKER, OTHER.model_copy(update={"end_date": other_leaves}), MANAGER, SENIOR, SUPPORT]
    allocs = [alloc(s, e if e is None or e >= s else None, case=c, worker=w) for c, w, s, e in allocations]
    # Each case's discussions as a chain of steps of whole months, give or take a day:
    # many land exactly on a deadline, or a day either side.
    discs = []
    for c, w, day, steps in discussions:
        discs.append(disc(day, case=c, worker=w))
        for months, shift in steps:
            day = date_adder(parse_offset(f"{months} months"))(day) + timedelta(days=shift)
            discs.append(disc(day, case=c, worker=w))
    data = dataset(
        people,
        allocations=("allocations", allocs, ALLOCATION_COLUMNS),
        case_discussions=("discussions", discs, DISCUSSION_COLUMNS),
    )
    run = check(data, start, end, as_of, policy=_property_pack())
    got = [
        (a.case_id, a.staff_id, a.start, a.end, a.met) for a in run.assessments if a.kind == "case-discussion"
    ]
    cleaned = [a for a in allocs if a.worker_id != "ZZ" and a.start_date <= as_of]
    kept = [d for d in discs if d.date <= as_of]
    workers = {s.staff_id: s for s, _group in run.context.staff_under("case-discussion")}
    assert "S1" in workers and "F1" not in workers
    assert got == _reference_case_discussion(cleaned, kept, workers, start, end, as_of)
    # Judged two or three points at a time, a few allocations a block: the same.
    with mock.patch.object(case_discussion, "_CHAIN_POINTS", 3):
        blocks = check(data, start, end, as_of, policy=_property_pack())
    assert [
        (a.case_id, a.staff_id, a.start, a.end, a.met)
        for a in blocks.assessments
        if a.kind == "case-discussion"
    ] == got
