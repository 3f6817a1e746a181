"""Table-driven tests for `annual-minimum`, `consecutive-missed` and `signed-record`.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from helpers import absence, check, dataset, kinds, person, session
from supcheck.models import Period
from supcheck.rules.annual_minimum import assessed_year

D = date
MANAGER = person("M1", role="Team Manager", name="Mina Manager")

PACK = """
[pack]
id = "counts-test"
extends = "national"

[rules.annual-minimum]
kind = "annual-minimum"
severity = "breach"
source = "Shropshire 3.5"
minimum = {minimum}

[rules.consecutive-missed]
kind = "consecutive-missed"
severity = "breach"
source = "Shropshire 3.5"
max_missed = {max_missed}

[rules.signed-record]
kind = "signed-record"
severity = "warning"
source = "Shropshire audit tool 1.2"
"""


@pytest.fixture
def pack(tmp_path):
    def write(minimum=10, max_missed=1) -> str:
        path = tmp_path / f"pack-{minimum}-{max_missed}.toml"
        path.write_text(PACK.format(minimum=minimum, max_missed=max_missed))
        return str(path)

    return write


def monthly(first: date, count: int, staff_id="S1", day=10, **kw) -> list:
    """`count` sessions on the `day`th of consecutive months from `first`'s month."""
    start = first.replace(day=day)
    return [session(start + relativedelta(months=i), staff_id, **kw) for i in range(count)]


# ------------------------------------------------------------------ assessed year


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Shorter than 12 months: the 12 months ending on the last day, (end - 12 months, end].
        (D(2026, 4, 1), D(2026, 10, 31), (D(2025, 11, 1), D(2026, 10, 31), 365)),
        (D(2026, 10, 1), D(2026, 10, 31), (D(2025, 11, 1), D(2026, 10, 31), 365)),
        # Exactly 12 months (a financial year): the period itself.
        (D(2025, 4, 1), D(2026, 3, 31), (D(2025, 4, 1), D(2026, 3, 31), 365)),
        # A financial year holding 29 February 2024: 366 days.
        (D(2023, 4, 1), D(2024, 3, 31), (D(2023, 4, 1), D(2024, 3, 31), 366)),
        # Ending on 29 Feb 2024: 29 Feb 2024 - 12 months = 28 Feb 2023, + 1 day = 1 Mar 2023.
        (D(2024, 2, 1), D(2024, 2, 29), (D(2023, 3, 1), D(2024, 2, 29), 366)),
        # Ending 28 Feb 2025: 28 Feb 2024 + 1 day = 29 Feb 2024; the year holds 29 Feb: 366.
        (D(2025, 2, 1), D(2025, 2, 28), (D(2024, 2, 29), D(2025, 2, 28), 366)),
        # Longer than 12 months: the period; days_in_year is the last 12 months' (365).
        (D(2024, 4, 1), D(2026, 3, 31), (D(2024, 4, 1), D(2026, 3, 31), 365)),
    ],
)
def test_assessed_year(start, end, expected):
    assert assessed_year(Period(**{"from": start, "to": end})) == expected


# ------------------------------------------------------------------ annual minimum

# Period April-October 2026, as_of 20 November: assessed year 1 Nov 2025 - 31 Oct 2026,
# 365 days. Sessions on the 10th of each month from November 2025.
APR_OCT = (D(2026, 4, 1), D(2026, 10, 31))
AS_OF = D(2026, 11, 20)
YEAR_START = D(2025, 11, 1)


@pytest.mark.parametrize(
    ("case", "staff_kw", "sessions", "absences", "expected"),
    [
        # Full year, no absence: floor(10 x 365 / 365) = 10.
        ("exactly the required 10", {}, monthly(YEAR_START, 10), [], None),
        ("one fewer: 9 of 10", {}, monthly(YEAR_START, 9), [], (YEAR_START, D(2026, 10, 31), 9, 10, 365)),
        (
            "a session of 89 minutes does not count",
            {},
            monthly(YEAR_START, 9) + [session(D(2026, 9, 20), duration_minutes=89)],
            [],
            (YEAR_START, D(2026, 10, 31), 9, 10, 365),
        ),
        (
            "a session of exactly 90 minutes counts",
            {},
            monthly(YEAR_START, 9) + [session(D(2026, 9, 20), duration_minutes=90)],
            [],
            None,
        ),
        (
            "a session with no duration does not count",
            {},
            monthly(YEAR_START, 9) + [session(D(2026, 9, 20), duration_minutes=None)],
            [],
            (YEAR_START, D(2026, 10, 31), 9, 10, 365),
        ),
        (
            "informal, cancelled, group and professional sessions do not count",
            {},
            monthly(YEAR_START, 9)
            + [
                session(D(2026, 9, 20), type="informal"),
                session(D(2026, 9, 21), status="cancelled"),
                session(D(2026, 9, 22), type="group"),
                session(D(2026, 9, 23), type="professional"),
            ],
            [],
            (YEAR_START, D(2026, 10, 31), 9, 10, 365),
        ),
        (
            "a session the day before the year does not count",
            {},
            monthly(YEAR_START, 9) + [session(D(2025, 10, 31))],
            [],
            (YEAR_START, D(2026, 10, 31), 9, 10, 365),
        ),
        (
            "two sessions in one month both count",
            {},
            monthly(YEAR_START, 9) + [session(D(2026, 7, 25))],
            [],
            None,
        ),
        # Starter on 1 May 2026: May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 = 184
        # days; floor(10 x 184 / 365) = floor(5.04) = 5.
        ("starter: 5 of 5", {"start": D(2026, 5, 1)}, monthly(D(2026, 5, 1), 5), [], None),
        (
            "starter: 4 of 5",
            {"start": D(2026, 5, 1)},
            monthly(D(2026, 5, 1), 4),
            [],
            (D(2026, 5, 1), D(2026, 10, 31), 4, 5, 184),
        ),
        # Leaver on 15 March 2026: Nov 30 + Dec 31 + Jan 31 + Feb 28 + 1-15 Mar 15 = 135
        # days; floor(1350 / 365) = floor(3.70) = 3.
        ("leaver: 3 of 3", {"end_date": D(2026, 3, 15)}, monthly(YEAR_START, 3), [], None),
        (
            "leaver: 2 of 3",
            {"end_date": D(2026, 3, 15)},
            monthly(YEAR_START, 2),
            [],
            (YEAR_START, D(2026, 3, 15), 2, 3, 135),
        ),
        # Absent January-March 2026 (31 + 28 + 31 = 90 days; the overlapping 1-10 March
        # absence counts once): 365 - 90 = 275 days; floor(2750 / 365) = floor(7.53) = 7.
        (
            "absences reduce eligible days: 7 of 7",
            {},
            monthly(YEAR_START, 7),
            [absence(D(2026, 1, 1), D(2026, 3, 31)), absence(D(2026, 3, 1), D(2026, 3, 10))],
            None,
        ),
        (
            "absences reduce eligible days: 6 of 7",
            {},
            monthly(YEAR_START, 6),
            [absence(D(2026, 1, 1), D(2026, 3, 31)), absence(D(2026, 3, 1), D(2026, 3, 10))],
            (YEAR_START, D(2026, 10, 31), 6, 7, 275),
        ),
        # Starter on 1 May 2026 absent 1 April - 31 May: only May's 31 days are employed
        # days; 184 - 31 = 153; floor(1530 / 365) = floor(4.19) = 4.
        (
            "absence before the start date is not subtracted",
            {"start": D(2026, 5, 1)},
            monthly(D(2026, 6, 1), 3),
            [absence(D(2026, 4, 1), D(2026, 5, 31))],
            (D(2026, 5, 1), D(2026, 10, 31), 3, 4, 153),
        ),
        # Starter on 10 October 2026: 22 days; floor(220 / 365) = 0: nothing required.
        ("required 0 raises nothing", {"start": D(2026, 10, 10)}, [], [], None),
        # Absent the whole year: 0 eligible days.
        ("absent all year", {}, [], [absence(D(2025, 10, 1), D(2026, 11, 30))], None),
    ],
)
def test_annual_minimum(pack, case, staff_kw, sessions, absences, expected):
    data = dataset([person(**staff_kw), MANAGER], sessions, absences)
    run = check(data, *APR_OCT, AS_OF, policy=pack(), staff={"S1"})
    found = [f for f in run.result.findings if f.kind == "annual-minimum"]
    if expected is None:
        assert found == [], case
        return
    first, last, count, required, eligible = expected
    [f] = found
    assert (f.start, f.end, f.rule, f.severity) == (first, last, "annual-minimum", "breach"), case
    assert f"had {count} supervisions of at least 90 minutes" in f.message, case
    assert f"at least {required} required (pro rata for {eligible} days employed and not absent)" in f.message


def test_annual_minimum_message_in_full(pack):
    beth = person(name="Beth Evans")
    run = check(
        dataset([beth, MANAGER], monthly(YEAR_START, 7)), *APR_OCT, AS_OF, policy=pack(), staff={"S1"}
    )
    [f] = [f for f in run.result.findings if f.kind == "annual-minimum"]
    assert f.message == (
        "Beth Evans had 7 supervisions of at least 90 minutes between 1 November 2025 and "
        "31 October 2026; at least 10 required (pro rata for 365 days employed and not absent)."
    )


# Leap year: period 1 April 2023 - 31 March 2024 holds 29 February 2024: 366 days.
FY_LEAP = (D(2023, 4, 1), D(2024, 3, 31))


@pytest.mark.parametrize(
    ("case", "sessions", "absences", "expected"),
    [
        # Full leap year: floor(10 x 366 / 366) = 10.
        ("full leap year, 10 sessions", monthly(D(2023, 4, 1), 10), [], None),
        ("full leap year, 9 sessions", monthly(D(2023, 4, 1), 9), [], (9, 10, 366)),
        # One day absent: 365 eligible days of 366; floor(3650 / 366) = floor(9.97) = 9
        # (over a 365-day year the same 365 days would need 10).
        (
            "one day absent: 9 are enough",
            monthly(D(2023, 4, 1), 9),
            [absence(D(2023, 6, 1), D(2023, 6, 1))],
            None,
        ),
        (
            "one day absent: 8 are not",
            monthly(D(2023, 4, 1), 8),
            [absence(D(2023, 6, 1), D(2023, 6, 1))],
            (8, 9, 365),
        ),
    ],
)
def test_annual_minimum_leap_year(pack, case, sessions, absences, expected):
    run = check(
        dataset([person(), MANAGER], sessions, absences),
        *FY_LEAP,
        D(2024, 4, 20),
        policy=pack(),
        staff={"S1"},
    )
    found = [f for f in run.result.findings if f.kind == "annual-minimum"]
    if expected is None:
        assert found == [], case
    else:
        [f] = found
        count, required, eligible = expected
        assert (f.start, f.end) == FY_LEAP
        assert f"had {count} supervisions" in f.message
        assert f"at least {required} required (pro rata for {eligible} days" in f.message, case


def test_annual_minimum_over_two_years_is_pro_rata(pack):
    # 1 April 2024 - 31 March 2026: 365 + 365 = 730 days employed (29 February 2024 is
    # before the period); days_in_year = 365 (the 12 months to 31 March 2026);
    # floor(10 x 730 / 365) = 20.
    period = (D(2024, 4, 1), D(2026, 3, 31))
    run = check(
        dataset([person(), MANAGER], monthly(D(2024, 4, 1), 19)),
        *period,
        D(2026, 4, 20),
        policy=pack(),
        staff={"S1"},
    )
    [f] = [f for f in run.result.findings if f.kind == "annual-minimum"]
    assert "had 19 supervisions" in f.message and "at least 20 required (pro rata for 730 days" in f.message
    run = check(
        dataset([person(), MANAGER], monthly(D(2024, 4, 1), 20)),
        *period,
        D(2026, 4, 20),
        policy=pack(),
        staff={"S1"},
    )
    assert kinds(run, "annual-minimum") == []


def test_annual_minimum_parameters(pack):
    # minimum 12 over a full year: floor(12 x 365 / 365) = 12.
    run = check(
        dataset([person(), MANAGER], monthly(YEAR_START, 11)),
        *APR_OCT,
        AS_OF,
        policy=pack(minimum=12),
        staff={"S1"},
    )
    [f] = [f for f in run.result.findings if f.kind == "annual-minimum"]
    assert "at least 12 required" in f.message


@pytest.mark.parametrize(("as_of", "assessed"), [(D(2026, 10, 30), False), (D(2026, 10, 31), True)])
def test_annual_minimum_not_assessed_before_its_year_ends(pack, as_of, assessed):
    run = check(dataset([person(), MANAGER]), *APR_OCT, as_of, policy=pack(), staff={"S1"})
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    if assessed:
        assert "annual-minimum" not in reasons
        assert len(kinds(run, "annual-minimum")) == 1
    else:
        assert reasons["annual-minimum"] == (
            "the assessed year (1 November 2025 to 31 October 2026) ends after 30 October 2026, "
            "the last day that can be judged (the as-of date, or the last day the exports cover)"
        )
        assert kinds(run, "annual-minimum") == []
        assert kinds(run, "frequency")  # the other rules are still judged


def test_annual_minimum_not_assessed_without_durations(pack):
    cols = frozenset({"session_id", "supervisee_id", "date", "type", "status"})
    run = check(dataset([person(), MANAGER], session_columns=cols), *APR_OCT, AS_OF, policy=pack())
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["annual-minimum"] == "no duration_minutes column in the supervisions table"


# ------------------------------------------------------------------ consecutive missed

# Period April-June 2026, as_of 15 July: J = 30 June. Sessions on the 10th of every month
# from January 2025 to July 2026, except the months named.
Q2 = (D(2026, 4, 1), D(2026, 6, 30))
Q2_AS_OF = D(2026, 7, 15)


FIRST_MONTH = D(2025, 1, 1)
LAST_MONTH = D(2026, 7, 31)


def every_month_except(*skipped: tuple[int, int], staff_id="S1", first=FIRST_MONTH, last=LAST_MONTH) -> list:
    out, month = [], first.replace(day=10)
    while month <= last:
        if (month.year, month.month) not in skipped:
            out.append(session(month, staff_id))
        month += relativedelta(months=1)
    return out


@pytest.mark.parametrize(
    ("case", "skipped", "staff_kw", "absences", "expected"),
    [
        ("no month missed", [], {}, [], []),
        ("one missing month", [(2026, 5)], {}, [], []),
        ("two missing months in a row", [(2026, 5), (2026, 6)], {}, [], [(D(2026, 5, 1), D(2026, 6, 30))]),
        (
            "three in a row: one finding covering all three",
            [(2026, 4), (2026, 5), (2026, 6)],
            {},
            [],
            [(D(2026, 4, 1), D(2026, 6, 30))],
        ),
        ("missed months not in a row", [(2026, 4), (2026, 6)], {}, [], []),
        (
            "run starting before the period, ending in it",
            [(2026, 3), (2026, 4)],
            {},
            [],
            [(D(2026, 3, 1), D(2026, 4, 30))],
        ),
        ("run ending before the period", [(2026, 2), (2026, 3)], {}, [], []),
        (
            "a run going on past J is cut at J",
            [(2026, 5), (2026, 6), (2026, 7)],
            {},
            [],
            [(D(2026, 5, 1), D(2026, 6, 30))],
        ),
        # 16 of May's 31 days absent: at least half, excused: April and June are runs of one.
        (
            "an excused month breaks a run",
            [(2026, 4), (2026, 5), (2026, 6)],
            {},
            [absence(D(2026, 5, 1), D(2026, 5, 16))],
            [],
        ),
        # 15 of 31 days absent is under half: May is missed, the run is April-June.
        (
            "a month absent under half is not excused",
            [(2026, 4), (2026, 5), (2026, 6)],
            {},
            [absence(D(2026, 5, 17), D(2026, 5, 31))],
            [(D(2026, 4, 1), D(2026, 6, 30))],
        ),
        # Starts 15 April: April is not fully employed, so only May is missed.
        (
            "a starter's partial first month is not counted",
            [(2026, 4), (2026, 5)],
            {"start": D(2026, 4, 15)},
            [],
            [],
        ),
        # Starts 1 April: April is fully employed.
        (
            "a starter on the 1st: the first month counts",
            [(2026, 4), (2026, 5)],
            {"start": D(2026, 4, 1)},
            [],
            [(D(2026, 4, 1), D(2026, 5, 31))],
        ),
        # Leaves 20 June: June is not fully employed, so only May is missed.
        (
            "a leaver's partial last month is not counted",
            [(2026, 5), (2026, 6)],
            {"end_date": D(2026, 6, 20)},
            [],
            [],
        ),
        (
            "a leaver on the month's last day: the month counts",
            [(2026, 5), (2026, 6)],
            {"end_date": D(2026, 6, 30)},
            [],
            [(D(2026, 5, 1), D(2026, 6, 30))],
        ),
    ],
)
def test_consecutive_missed(pack, case, skipped, staff_kw, absences, expected):
    # The manager's session of January 2025 shows that the export reaches back that far.
    export_start = session(D(2025, 1, 15), "M1")
    data = dataset([person(**staff_kw), MANAGER], [export_start, *every_month_except(*skipped)], absences)
    run = check(data, *Q2, Q2_AS_OF, policy=pack(), staff={"S1"})
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == expected, case


def test_months_before_the_export_starts_are_not_counted(pack):
    # Employed since 2020, but the export's first session is 10 March 2026: January and
    # February 2026 cannot be known to have been missed. April and May are missed.
    sessions = [session(D(2026, 3, 10)), session(D(2026, 6, 10))]
    run = check(
        dataset([person(start=D(2020, 1, 1)), MANAGER], sessions), *Q2, Q2_AS_OF, policy=pack(), staff={"S1"}
    )
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == [(D(2026, 4, 1), D(2026, 5, 31))]
    # With nothing at all before the period, a run starts at the export's first month.
    sessions = [session(D(2026, 4, 2), "M1"), session(D(2026, 6, 10))]
    run = check(
        dataset([person(start=D(2020, 1, 1)), MANAGER], sessions), *Q2, Q2_AS_OF, policy=pack(), staff={"S1"}
    )
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == [(D(2026, 4, 1), D(2026, 5, 31))]


@pytest.mark.parametrize(
    ("case", "extra", "expected"),
    [
        ("a short session still meets the month", [session(D(2026, 5, 20), duration_minutes=30)], []),
        (
            "an informal session does not",
            [session(D(2026, 5, 20), type="informal")],
            [(D(2026, 5, 1), D(2026, 6, 30))],
        ),
        (
            "a cancelled session does not",
            [session(D(2026, 5, 20), status="cancelled")],
            [(D(2026, 5, 1), D(2026, 6, 30))],
        ),
    ],
)
def test_consecutive_missed_what_counts(pack, case, extra, expected):
    data = dataset([person(), MANAGER], every_month_except((2026, 5), (2026, 6)) + extra)
    run = check(data, *Q2, Q2_AS_OF, policy=pack(), staff={"S1"})
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == expected, case


def test_run_across_the_year_end_reported_in_january(pack):
    sessions = every_month_except((2025, 12), (2026, 1))
    people = [person(name="Beth Evans"), MANAGER]
    run = check(
        dataset(people, sessions), D(2026, 1, 1), D(2026, 1, 31), D(2026, 2, 15), policy=pack(), staff={"S1"}
    )
    [f] = [f for f in run.result.findings if f.kind == "consecutive-missed"]
    assert (f.start, f.end) == (D(2025, 12, 1), D(2026, 1, 31))
    assert f.message == (
        "Beth Evans had no supervision for 2 months in a row, 1 December 2025 to 31 January 2026 "
        "(no more than 1 month in a row may be missed)."
    )
    # The December report does not have it yet: the run's last month is January.
    run = check(
        dataset(people, sessions),
        D(2025, 12, 1),
        D(2025, 12, 31),
        D(2026, 2, 15),
        policy=pack(),
        staff={"S1"},
    )
    assert kinds(run, "consecutive-missed") == []


@pytest.mark.parametrize(
    ("max_missed", "skipped", "expected"),
    [
        (2, [(2026, 5), (2026, 6)], []),
        (2, [(2026, 4), (2026, 5), (2026, 6)], [(D(2026, 4, 1), D(2026, 6, 30))]),
        (0, [(2026, 5)], [(D(2026, 5, 1), D(2026, 5, 31))]),
    ],
)
def test_consecutive_missed_max_missed(pack, max_missed, skipped, expected):
    data = dataset([person(), MANAGER], every_month_except(*skipped))
    run = check(data, *Q2, Q2_AS_OF, policy=pack(max_missed=max_missed), staff={"S1"})
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == expected


def test_consecutive_missed_months_must_end_by_as_of(pack):
    # as_of 29 June: June has not ended, so May alone is a run of one.
    data = dataset([person(), MANAGER], every_month_except((2026, 5), (2026, 6), last=D(2026, 6, 1)))
    run = check(data, *Q2, D(2026, 6, 29), policy=pack(), staff={"S1"})
    assert kinds(run, "consecutive-missed") == []
    run = check(data, *Q2, D(2026, 6, 30), policy=pack(), staff={"S1"})
    assert [(f[2], f[3]) for f in kinds(run, "consecutive-missed")] == [(D(2026, 5, 1), D(2026, 6, 30))]


# ------------------------------------------------------------------ signed record

JUNE = (D(2026, 6, 1), D(2026, 6, 30))


@pytest.mark.parametrize(
    ("case", "row", "expected"),
    [
        (
            "signed by both",
            session(D(2026, 6, 10), signed_by_supervisee=True, signed_by_supervisor=True),
            None,
        ),
        (
            "supervisee did not sign",
            session(D(2026, 6, 10), signed_by_supervisee=False, signed_by_supervisor=True),
            "is not signed by the supervisee.",
        ),
        (
            "supervisor did not sign",
            session(D(2026, 6, 10), signed_by_supervisee=True, signed_by_supervisor=False),
            "is not signed by the supervisor.",
        ),
        (
            "neither signed",
            session(D(2026, 6, 10), signed_by_supervisee=False, signed_by_supervisor=False),
            "is not signed by the supervisee or the supervisor.",
        ),
        (
            "blank supervisor signature is not a signature",
            session(D(2026, 6, 10), signed_by_supervisee=True, signed_by_supervisor=None),
            "is not signed by the supervisor (left blank).",
        ),
        (
            "both blank",
            session(D(2026, 6, 10)),
            "is not signed by the supervisee (left blank) or the supervisor (left blank).",
        ),
        (
            "a group session is formal",
            session(D(2026, 6, 10), type="group", signed_by_supervisee=True, signed_by_supervisor=False),
            "group supervision record of 10 June 2026 is not signed by the supervisor.",
        ),
        ("informal sessions are not judged", session(D(2026, 6, 10), type="informal"), None),
        ("cancelled sessions are not judged", session(D(2026, 6, 10), status="cancelled"), None),
        ("a session before the period is not judged", session(D(2026, 5, 31)), None),
    ],
)
def test_signed_record(pack, case, row, expected):
    people = [person(name="Beth Evans"), MANAGER]
    run = check(dataset(people, [row]), *JUNE, D(2026, 7, 15), policy=pack(), staff={"S1"})
    found = [f for f in run.result.findings if f.kind == "signed-record"]
    if expected is None:
        assert found == [], case
    else:
        [f] = found
        assert (f.start, f.end, f.severity) == (row.date, row.date, "warning")
        assert f.message.startswith(f"Beth Evans' {row.type} supervision record of 10 June 2026 ")
        assert f.message.endswith(expected), case


def test_signed_record_not_assessed_without_signature_columns(pack):
    cols = frozenset(
        {"session_id", "supervisee_id", "date", "type", "status", "duration_minutes", "signed_by_supervisee"}
    )
    run = check(
        dataset([person(), MANAGER], [session(D(2026, 6, 10))], session_columns=cols),
        *JUNE,
        D(2026, 7, 15),
        policy=pack(),
    )
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["signed-record"] == "no signed_by_supervisor column in the supervisions table"
    assert kinds(run, "signed-record") == []


def test_consecutive_missed_run_from_the_start_date(pack):
    # Starts 1 June 2025, never supervised: June 2025 - June 2026 is one run of 13 months.
    run = check(dataset([person(start=D(2025, 6, 1)), MANAGER]), *Q2, Q2_AS_OF, policy=pack(), staff={"S1"})
    [f] = [f for f in run.result.findings if f.kind == "consecutive-missed"]
    assert (f.start, f.end) == (D(2025, 6, 1), D(2026, 6, 30))
    assert "for 13 months in a row" in f.message


# ------------------------------------------------------------------ consecutive missed: arrays vs. a month-by-month reading

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers import plain_absent_days  # noqa: E402
from supcheck.schedule import Window, month_end  # noqa: E402


def _reference_consecutive_missed(people, sessions, absences, start, end, as_of, limit):
    """rules/consecutive_missed.py's docstring read month by month, person by person:
    the (staff_id, first day, last day) of each run reported."""
    judged = min(end, as_of)
    period_month = start.replace(day=1)
    data_start = min((s.date for s in sessions), default=None)
    found = []
    for staff in people:
        dates = sorted(s.date for s in sessions if s.supervisee_id == staff.staff_id and s.status == "held")
        before = [d for d in dates if d < period_month]
        since = before[-1] if before else data_start
        first = staff.start_date if since is None else max(staff.start_date, since.replace(day=1))
        last = judged if staff.end_date is None else min(judged, staff.end_date)
        month = first.replace(day=1) if first.day == 1 else month_end(first) + relativedelta(days=1)
        runs, current = [], []
        while month_end(month) <= last:
            window = Window(month, month_end(month), "month")
            mine = [(a.start_date, a.end_date) for a in absences if a.staff_id == staff.staff_id]
            held = any(month <= d <= window.end for d in dates)
            if not held and 2 * plain_absent_days(window, mine) < window.days:
                current.append(window)
            elif current:
                runs.append(current)
                current = []
            month = window.end + relativedelta(days=1)
        if current:
            runs.append(current)
        found += [
            (staff.staff_id, run[0].start, run[-1].end)
            for run in runs
            if len(run) > limit and start <= run[-1].end <= judged
        ]
    return sorted(found)


_day = st.dates(min_value=D(2024, 11, 1), max_value=D(2026, 8, 31))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    starts=st.lists(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 1)), min_size=1, max_size=3),
    leaves=st.lists(st.one_of(st.none(), _day), min_size=3, max_size=3),
    sessions=st.lists(
        st.tuples(st.integers(0, 2), _day, st.sampled_from(["held", "held", "cancelled"])), max_size=25
    ),
    absences=st.lists(st.tuples(st.integers(0, 2), _day, st.integers(0, 50)), max_size=6),
    period=st.tuples(st.integers(2025, 2026), st.integers(1, 12), st.integers(1, 6)),
    limit=st.integers(0, 2),
)
def test_consecutive_missed_arrays_read_as_month_by_month(
    pack, starts, leaves, sessions, absences, period, limit
):
    people = [
        person(f"S{i}", start=day, end_date=leaves[i] if leaves[i] and leaves[i] >= day else None)
        for i, day in enumerate(starts)
    ]
    rows = [session(day, f"S{who}", status=status) for who, day, status in sessions if who < len(people)]
    away = [
        absence(day, day + relativedelta(days=length), f"S{who}")
        for who, day, length in absences
        if who < len(people)
    ]
    year, month, months = period
    start = D(year, month, 1)
    end = month_end(start + relativedelta(months=months - 1))
    as_of = D(2026, 9, 15)
    run = check(dataset(people, rows, away), start, end, as_of, policy=pack(max_missed=limit))
    found = sorted((f[1], f[2], f[3]) for f in kinds(run, "consecutive-missed"))
    kept = list(run.context.data.sessions)  # (after the integrity checks, as the rule reads them)
    assert found == _reference_consecutive_missed(people, kept, away, start, end, as_of, limit)
