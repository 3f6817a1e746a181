"""The DfE's workforce indicators (`supcheck.dfe`), computed by hand on small workforces.

Census year 2025: the year runs from 1 October 2024 to the snapshot date, 30 September
2025, with 253 working days (261 weekdays less 8 England bank holidays: 25 and 26
December 2024, 1 January, 18 and 21 April, 5 and 26 May, 25 August 2025).
"""

from __future__ import annotations

from datetime import date

import pytest

from helpers import person
from supcheck.dfe import Worker, Workforce, indicators, is_sickness, workforce_from_staff, working_days

D = date
FIRST, SNAPSHOT = D(2024, 10, 1), D(2025, 9, 30)


LONG_AGO = D(2015, 1, 5)


def w(id, fte, start=LONG_AGO, end=None, *, agency=False, cases=None, days=None) -> Worker:
    return Worker(id, id, agency, fte, start, end, cases, days)


WORKERS = [
    w("W1", 1.0, cases=10, days=5),
    w("W2", 0.5, D(2025, 1, 6), cases=6, days=3),  # a starter
    w("W3", 0.8, end=D(2025, 6, 30), days=20),  # left in June: not in post
    w("W4", 1.0, end=D(2025, 9, 30), cases=0, days=0),  # leaves on the snapshot day: in post too
    w("W5", 1.0, D(2025, 3, 1), agency=True, cases=12, days=7),  # an agency starter
    w("W6", 0.6, D(2024, 1, 1), D(2025, 2, 28), agency=True),  # an agency leaver
    w("W7", None, cases=4),  # no FTE recorded
    w("W8", 1.0, D(2024, 10, 1), cases=0, days=0),  # starts on the year's first day
]


def workforce(workers=WORKERS, **kw) -> Workforce:
    kw.setdefault("vacancies", 2.5)
    return Workforce("census", "csww.xml", FIRST, SNAPSHOT, list(workers), 253, **kw)


EXPECTED = {
    # In post on 30 September 2025: W1, W2, W4, W7, W8 employed; W5 agency.
    "dfe_headcount": 5,
    "dfe_fte": pytest.approx(3.5),  # 1 + 0.5 + 1 + 1 (W7 has none)
    "dfe_agency_headcount": 1,  # W5
    "dfe_agency_fte": pytest.approx(1.0),
    "dfe_starters": 2,  # W2, W8 (W5 is agency)
    "dfe_starters_fte": pytest.approx(1.5),  # 0.5 + 1
    "dfe_leavers": 2,  # W3, W4 (W6 is agency)
    "dfe_leavers_fte": pytest.approx(1.8),  # 0.8 + 1
    "dfe_turnover_rate": pytest.approx(1.8 / 3.5),  # 51.4 %
    "dfe_agency_rate": pytest.approx(1.0 / 4.5),  # 1 / (1 + 3.5) = 22.2 %
    "dfe_vacancies_fte": 2.5,
    "dfe_vacancy_rate": pytest.approx(2.5 / 6.0),  # 2.5 / (2.5 + 3.5) = 41.7 %
    # Holders in post: W1 10, W2 6, W5 12 (agency included), W7 4: 32 cases. W7 has no FTE,
    # so the caseload is (10 + 6 + 12) / (1 + 0.5 + 1) = 28 / 2.5 = 11.2.
    "dfe_cases": 32,
    "dfe_case_holder_fte": pytest.approx(2.5),
    "dfe_caseload": pytest.approx(11.2),
    "dfe_working_days": 253,
    # Employed in post with an FTE: W1 5, W2 3, W4 0, W8 0 days; FTE 3.5.
    "dfe_days_lost": 8,
    "dfe_absence_rate": pytest.approx(8 / (3.5 * 253)),  # 8 / 885.5 = 0.9 %
}


def test_the_whole_service():
    assert indicators(WORKERS, workforce(), whole=True) == EXPECTED


def test_a_unit_has_no_vacancies_of_its_own():
    values = indicators(WORKERS[:2], workforce(), whole=False)
    assert values["dfe_vacancies_fte"] is None and values["dfe_vacancy_rate"] is None
    assert values["dfe_headcount"] == 2 and values["dfe_fte"] == pytest.approx(1.5)


def test_nobody_is_a_real_zero_and_rates_say_no_data():
    values = indicators([], workforce(vacancies=None), whole=False)
    assert (values["dfe_headcount"], values["dfe_fte"], values["dfe_leavers_fte"]) == (0, 0.0, 0.0)
    assert values["dfe_turnover_rate"] is None  # 0 / 0
    assert values["dfe_agency_rate"] is None
    assert values["dfe_caseload"] is None
    assert values["dfe_absence_rate"] is None


def test_la_level_agency_totals_stand_in_for_listed_agency_workers():
    employed = [x for x in WORKERS if not x.agency]
    values = indicators(employed, workforce(employed, agency_totals=(4.0, 5)), whole=True)
    assert (values["dfe_agency_fte"], values["dfe_agency_headcount"]) == (4.0, 5)
    assert values["dfe_agency_rate"] == pytest.approx(4.0 / 7.5)  # 4 / (4 + 3.5)
    # A team has only its own workers.
    assert indicators(employed, workforce(employed, agency_totals=(4.0, 5)), whole=False)[
        "dfe_agency_fte"
    ] == pytest.approx(0.0)


def test_what_the_source_cannot_tell_is_no_data():
    values = indicators(WORKERS, workforce(unknown={"dfe_caseload": "no Cases30"}), whole=True)
    assert values["dfe_caseload"] is None
    assert values["dfe_cases"] == 32


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [
        (D(2024, 10, 1), D(2025, 9, 30), 253),  # census year 2025
        (D(2023, 10, 1), D(2024, 9, 30), 253),  # census year 2024 (29 February 2024 a Thursday)
        (D(2025, 12, 25), D(2025, 12, 26), 0),  # Christmas Day and Boxing Day
        (D(2025, 8, 22), D(2025, 8, 26), 2),  # Fri 22, (Sat, Sun, bank holiday Mon 25), Tue 26
        (D(2025, 9, 30), D(2025, 9, 30), 1),
    ],
)
def test_working_days(first, last, days):
    assert working_days(first, last) == days


@pytest.mark.parametrize(
    ("reason", "sick"),
    [("Sickness", True), ("sick leave", True), ("SIC", True), ("Ill health", True), ("Unwell", True),
     ("Annual leave", False), ("Maternity", False), ("", False), ("Compassionate", False)],
)  # fmt: skip
def test_sickness_reasons(reason, sick):
    assert is_sickness(reason) is sick


def test_the_census_population_from_the_staff_table():
    staff = [
        person("A", fte=1.0, agency=False),  # a social-work post
        person("B", role="Family Support Worker", registered_social_worker=None, fte=1.0),
        person("C", role="Service Manager", registered_social_worker=True, fte=1.0),  # registered
        person("D", fte=0.6, start=D(2025, 2, 3)),  # a starter, agency flag blank
        person("E", fte=1.0, end_date=D(2024, 9, 30)),  # left before the year
    ]
    posts = {"A": True, "B": False, "C": False, "D": True, "E": True}
    # Sickness: A 23-27 December 2024 (Mon 23, Tue 24, Fri 27: 3 working days) and 29 September-
    # 3 October 2025 (Mon 29, Tue 30 in the year: 2); D 20 January-7 February 2025, counted
    # from her start on Monday 3 February: 3-7 February, 5 days x 0.6 = 3.
    sickness = {
        "A": [(D(2024, 12, 23), D(2024, 12, 27)), (D(2025, 9, 29), D(2025, 10, 3))],
        "D": [(D(2025, 1, 20), D(2025, 2, 7))],
    }
    made = workforce_from_staff(
        staff,
        first=FIRST,
        snapshot=SNAPSHOT,
        label="staff.csv",
        social_work_post=posts,
        open_cases={"A": 3},
        sickness=sickness,
        vacancies=None,
        unknown={},
    )
    assert [x.id for x in made.workers] == ["A", "C", "D"]
    days = {x.id: x.days_lost for x in made.workers}
    assert days == {"A": 5, "C": 0, "D": pytest.approx(3.0)}
    assert {x.id: x.cases for x in made.workers} == {"A": 3, "C": 0, "D": 0}
    assert made.working_days == 253
    assert made.notes == [
        "2 of 3 social workers in post have no agency flag in staff.csv; the DfE figures count "
        "them as employed by the authority."
    ]
    values = indicators(made.workers, made, whole=True)
    assert values["dfe_absence_rate"] == pytest.approx(8 / (2.6 * 253))  # (5 + 0 + 3) / (2.6 x 253)
    assert values["dfe_starters"] == 1
