"""The annual health check's figures, computed by hand on a fixture of one team of five.

The fixture (tests/fixtures/healthcheck/, written by make_fixture.py, whose docstring
tells the team's story) covers the financial years 2024-25 and 2025-26; the health check
is run for 2025-26 with as-of 15 May 2026, so J = 31 March 2026 (and 31 March 2025 for
the previous year). Every expected value below is worked out in the comment beside it.

The people: M1 team manager (not a registered social worker, FTE 1); S1 senior social
worker (FTE 1, absent July-August 2025); S2 agency social worker (FTE 0.5, leaves
30 September 2025); S3 NQSW from 1 October 2024 (FTE 1); S4 starter from 2 June 2025
(FTE 0.8, not agency).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import check, dataset, person, session
from supcheck.engine import run_check
from supcheck.errors import SupcheckError
from supcheck.healthcheck import (
    FIGURE_KEYS,
    HealthYear,
    check_year,
    default_year,
    health_check_from_options,
    resolve_year,
    run_health_check,
)
from supcheck.integrity import check_integrity
from supcheck.loaders import load_dataset
from supcheck.packs import load_pack
from supcheck.pipeline import RunOptions

D = date
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "healthcheck"
PACK = str(FIXTURE / "pack.toml")
AS_OF = D(2026, 5, 15)
FY2025 = HealthYear(2025)


@pytest.fixture(scope="module")
def health():
    options = RunOptions(data=FIXTURE, period=FY2025.period, as_of=AS_OF, policy=PACK)
    return health_check_from_options(options, FY2025)


@pytest.fixture(scope="module")
def loaded():
    data = load_dataset(FIXTURE)
    cleaned, findings = check_integrity(data.dataset, AS_OF)
    return cleaned, [*data.findings, *findings], load_pack(PACK)


def pct(numerator, denominator):
    return pytest.approx(numerator / denominator)


def pp(now, before):
    return pytest.approx((now - before) * 100)


# ---------------------------------------------------------------- the year


@pytest.mark.parametrize(
    ("year", "first", "last", "label", "months"),
    [
        # --year 2025: financial years start in April 2025, calendar years are 2025, and
        # census years end on 30 September 2025 (the DfE names them after that snapshot).
        (HealthYear(2025), D(2025, 4, 1), D(2026, 3, 31), "2025-26", [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]),
        (HealthYear(2025, "calendar"), D(2025, 1, 1), D(2025, 12, 31), "2025", list(range(1, 13))),
        (HealthYear(2025, "census"), D(2024, 10, 1), D(2025, 9, 30), "2025", [10, 11, 12, *range(1, 10)]),
        (HealthYear(2000, "census"), D(1999, 10, 1), D(2000, 9, 30), "2000", [10, 11, 12, *range(1, 10)]),
        (HealthYear(1999, "financial"), D(1999, 4, 1), D(2000, 3, 31), "1999-00", [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]),
    ],
)  # fmt: skip
def test_years_of_each_type(year, first, last, label, months):
    assert (year.first, year.last, year.label) == (first, last, label)
    assert [m.month for m in year.months()] == months
    assert year.months()[0] == first and year.months()[-1] == last.replace(day=1)
    # The previous year is the same type, one year back, ending the day before this one starts.
    assert year.previous().type == year.type
    assert year.previous().last == first - timedelta(days=1)


def test_year_descriptions():
    assert FY2025.description == "1 April 2025 to 31 March 2026 (financial year)"
    assert HealthYear(2025, "calendar").description == "1 January 2025 to 31 December 2025 (calendar year)"
    assert HealthYear(2025, "census").description == (
        "1 October 2024 to 30 September 2025 (census year; snapshot on 30 September 2025)"
    )
    with pytest.raises(SupcheckError, match="year type 'academic' is not one of"):
        HealthYear(2025, "academic")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "year_type", "expected"),
    [
        (D(2026, 3, 31), "financial", HealthYear(2025)),  # 2025-26 ends that day
        (D(2026, 3, 30), "financial", HealthYear(2024)),  # ... not yet
        (D(2026, 3, 30), "calendar", HealthYear(2025, "calendar")),
        (D(2025, 12, 31), "calendar", HealthYear(2025, "calendar")),
        (D(2025, 12, 30), "calendar", HealthYear(2024, "calendar")),
        (D(2025, 9, 30), "census", HealthYear(2025, "census")),  # the snapshot day itself
        (D(2025, 9, 29), "census", HealthYear(2024, "census")),
        (D(2025, 10, 1), "census", HealthYear(2025, "census")),
        (D(2026, 9, 29), "census", HealthYear(2025, "census")),
        (D(2026, 11, 20), "census", HealthYear(2026, "census")),
    ],
)
def test_default_year_is_the_latest_year_ended_by_as_of(as_of, year_type, expected):
    assert default_year(as_of, year_type) == expected


@pytest.mark.parametrize(
    ("year", "year_type", "calendar_year", "configured", "expected"),
    [
        (2025, None, False, None, HealthYear(2025)),
        (2025, "census", False, None, HealthYear(2025, "census")),
        (2025, None, True, None, HealthYear(2025, "calendar")),  # --calendar-year, the alias
        (2025, "calendar", True, None, HealthYear(2025, "calendar")),
        (2025, None, False, "census", HealthYear(2025, "census")),  # supcheck.toml's year_type
        (2025, "financial", False, "census", HealthYear(2025)),  # the command line wins
        (None, "census", False, None, HealthYear(2025, "census")),  # as of 20 November 2025
    ],
)
def test_resolve_year(year, year_type, calendar_year, configured, expected):
    assert resolve_year(year, year_type, calendar_year, configured, as_of=D(2025, 11, 20)) == expected


@pytest.mark.parametrize(
    ("year_type", "calendar_year", "message"),
    [
        ("census", True, "--calendar-year and --year-type census disagree"),
        ("academic", False, "--year-type 'academic' is not one of financial, calendar, census"),
    ],
)
def test_resolve_year_refuses(year_type, calendar_year, message):
    with pytest.raises(SupcheckError, match=message):
        resolve_year(2025, year_type, calendar_year, as_of=D(2025, 11, 20))


def test_a_year_starting_after_as_of_cannot_be_checked():
    with pytest.raises(SupcheckError, match="starts on 2026-04-01, after the as-of date 2026-03-31"):
        check_year(HealthYear(2026), D(2026, 3, 31))


# ---------------------------------------------------------------- whole service, 2025-26

EXPECTED_2025 = {
    # In post on 1 April 2025: M1, S1, S2, S3 (S4 starts 2 June 2025).
    "headcount_start": 4,
    # In post on 31 March 2026: M1, S1, S3, S4 (S2 left 30 September 2025).
    "headcount_end": 4,
    "fte_start": pytest.approx(3.5),  # 1 + 1 + 0.5 + 1
    "fte_end": pytest.approx(3.8),  # 1 + 1 + 1 + 0.8
    "agency_share": 0.0,  # no agency staff in post at the end (a real 0 %, not "no data")
    "starters": 1,  # S4
    "leavers": 1,  # S2
    # The DfE's census population: the pack's social-work group (requires registration):
    # S1, S2 (agency), S3, S4; M1's group is not a social-work post and M1 is not registered.
    # On 31 March 2026: S1 (1), S3 (1), S4 (0.8) employed; S2 (agency) left 30 September 2025.
    "dfe_headcount": 3,
    "dfe_fte": pytest.approx(2.8),  # 1 + 1 + 0.8
    "dfe_agency_headcount": 0,
    "dfe_agency_fte": 0.0,
    "dfe_starters": 1,  # S4, 2 June 2025
    "dfe_starters_fte": pytest.approx(0.8),
    "dfe_leavers": 0,  # S2 left, but is an agency worker
    "dfe_leavers_fte": 0.0,
    "dfe_turnover_rate": 0.0,  # 0 / 2.8
    "dfe_agency_rate": 0.0,  # 0 / (0 + 2.8)
    "dfe_vacancies_fte": None,  # none given
    "dfe_vacancy_rate": None,
    # Cases open on 31 March 2026: C1 (S1), C4 and C5 (S4), C6 (S3): 4 cases, held by
    # S1, S3 and S4, FTE 1 + 1 + 0.8 = 2.8.
    "dfe_cases": 4,
    "dfe_case_holder_fte": pytest.approx(2.8),
    "dfe_caseload": pct(4, 2.8),  # 1.43
    # 1 April 2025-31 March 2026: 261 weekdays less 8 bank holidays (18 and 21 April, 5 and
    # 26 May, 25 August, 25 and 26 December 2025, 1 January 2026) = 253.
    "dfe_working_days": 253,
    # S1's sickness 1 July-31 August 2025: 23 weekdays in July + 21 in August less the
    # 25 August bank holiday = 43 days, x FTE 1.
    "dfe_days_lost": 43,
    "dfe_absence_rate": pct(43, 2.8 * 253),  # 43 / 708.4 = 6.1 %
    # Windows: M1 12 monthly; S1 12 (Jul, Aug excused by absence, Jan missed); S2 Apr-Sep 6
    # (Jul, Aug missed); S3 12 monthly (her ASYE + 6 months ended 31 March 2025); S4 Jun-Mar
    # 10 (Oct missed; 2-30 June is 29 days, kept).
    "windows_assessed": 52,  # 12 + 12 + 6 + 12 + 10
    "windows_met": 46,  # 12 + 9 + 4 + 12 + 9
    "windows_missed": 4,  # S1 Jan, S2 Jul and Aug, S4 Oct
    "windows_excused": 2,  # S1 Jul and Aug
    "compliance": pct(46, 50),  # 46 / (52 - 2) = 92.0 %
    # Held formal sessions dated 1 Apr 2025-31 Mar 2026: 46 individual (one per met window)
    # + 11 professional (S1 3, S2 2, S3 3, S4 3); the informal one of S4 does not count.
    "sessions_held": 57,
    "long_session_share": pct(56, 57),  # S4's 75 minutes on 15 December 2025
    # 45 gaps ending in the year: M1 12 (month lengths: 28 x1, 30 x4, 31 x7), S1 9 (28, 30 x3,
    # 31 x3, 62, 92), S2 4 (30, 31 x2, 92), S3 12 (21 from 20 Mar 2025, 28, 30 x4, 31 x6),
    # S4 8 (28 x2, 29, 31 x3, 32, 63). Sorted: 21, 28 x5, 29, 30 x12 (19th), 31 x21 (40th):
    # the 23rd is 31.
    "median_gap_days": 31,
    # Required floor(10 x eligible / 365): M1 10 (12 held, met); S1 303 days not absent -> 8
    # (9, met); S2 183 days -> 5 (4, not met); S3 10 (12, met); S4 303 days -> 8 (8 of 90
    # minutes or more: 9 less the 75-minute one, met).
    "annual_minimum_assessed": 5,
    "annual_minimum_met": 4,
    "annual_minimum_share": pct(4, 5),
    "consecutive_missed_runs": 1,  # S2 July-August 2025 (S1's are excused, S4's Oct alone)
    # Deadlines (every 2 months): C1/S1 6 (18 Aug 2025 missed: discussed 18 Jun, then
    # 15 Sep), C2/S1 2, C3/S2 2 (10 Aug missed, S2 leaves 30 Sep), C4/S4 5, C5/S4 3
    # (1 Nov missed: allocated 1 Sep, first discussed 24 Nov), C6/S3 3.
    "case_deadlines_judged": 21,
    "case_deadlines_met": 18,
    "case_discussion_compliance": pct(18, 21),
    "case_allocations_judged": 6,
    "case_allocations_on_time": 3,  # C2, C4, C6
    "case_allocation_compliance": 0.5,
    # 20 discussions; late: C1 15 Sep (3 working days), C6 20 Nov (decided by SM9: limit 1,
    # took 2); C3 never recorded.
    "case_recordings_judged": 20,
    "case_recording_within_limit": pct(17, 20),
    "case_recording_median_days": 1,  # 19 recorded: 0 x1, 1 x15, 2 x2, 3 x1
    # Open on 31 March 2026: C1 (S1), C4 and C5 (S4), C6 (S3); C2 ended 31 December 2025;
    # C3 is still open but S2 left.
    "caseload_workers": 3,
    "caseload_mean": pytest.approx(4 / 3),
    "caseload_median": 1,
    "caseload_max": 2,
    # Agreements judged on 31 March 2026: M1 (signed 1 Jun 2025, blank supervisor = blank
    # manager) and S1 (1 May 2025) have one; S3's is from October 2024; S4's names S1.
    "agreement_coverage": pct(2, 4),
    # Appraisals: M1, S1 and S3 (employed a year on 1 October 2025) all appraised; S4 is
    # not yet employed a year.
    "appraisal_coverage": 1.0,
    # Registration: S1, S3, S4 (M1's group does not require it); S3 expired 31 January 2026.
    "registration_coverage": pct(2, 3),
    # Professional-supervision quarters: S1 4 (Jul-Sep excused), S2 2, S3 4 (Jan-Mar
    # missed), S4 3 (2 Jun-30 Sep merged, Oct-Dec, Jan-Mar): 13, 11 met, 1 excused.
    "professional_supervision_coverage": pct(11, 12),
    # Breaches: frequency 4, duration 1, professional 1, registration 1, annual minimum 1,
    # consecutive missed 1, case discussion 3, case recording 3 (agreements are warnings).
    "breaches": 15,
}

# ---------------------------------------------------------------- whole service, 2024-25

EXPECTED_2024 = {
    "headcount_start": 3,  # M1, S1, S2 on 1 April 2024
    "headcount_end": 4,  # + S3 on 31 March 2025
    "fte_start": pytest.approx(2.5),  # 1 + 1 + 0.5
    "fte_end": pytest.approx(3.5),  # 1 + 1 + 0.5 + 1
    "agency_share": 0.25,  # S2, 1 of 4
    "starters": 1,  # S3
    "leavers": 0,
    # On 31 March 2025: S1 (1) and S3 (1) employed, S2 agency (0.5).
    "dfe_headcount": 2,
    "dfe_fte": pytest.approx(2.0),
    "dfe_agency_headcount": 1,
    "dfe_agency_fte": pytest.approx(0.5),
    "dfe_starters": 1,  # S3, 1 October 2024
    "dfe_starters_fte": pytest.approx(1.0),
    "dfe_leavers": 0,
    "dfe_leavers_fte": 0.0,
    "dfe_turnover_rate": 0.0,
    "dfe_agency_rate": pytest.approx(0.2),  # 0.5 / (0.5 + 2.0)
    "dfe_vacancies_fte": None,
    "dfe_vacancy_rate": None,
    # The allocations begin in April 2025: no caseload for 2024-25.
    "dfe_cases": None,
    "dfe_case_holder_fte": None,
    "dfe_caseload": None,
    # 1 April 2024-31 March 2025: 261 weekdays less 7 bank holidays (1 April, 6 and 27 May,
    # 26 August, 25 and 26 December 2024, 1 January 2025; Easter 2025 is in April) = 254.
    "dfe_working_days": 254,
    "dfe_days_lost": 0,  # no sickness in 2024-25
    "dfe_absence_rate": 0.0,
    # M1 12 (Nov, Dec missed), S1 12, S2 12, S3 16 (6 weeks + 10 fortnights, the week
    # 15-21 October missed).
    "windows_assessed": 52,
    "windows_met": 49,
    "windows_missed": 3,
    "windows_excused": 0,
    "compliance": pct(49, 52),
    # 49 individual + 9 professional (S1 4, S2 3, S3 2); M1's cancelled session does not count.
    "sessions_held": 58,
    "long_session_share": pct(54, 58),  # S1 10 Jun, S2 12 Jul, 12 Oct, 12 Jan: 60 minutes
    # 45 gaps: M1 9 (28, 30 x3, 31 x4, 92), S1 11 and S2 11 (each 28, 30 x4, 31 x6), S3 14
    # (6, 7 x4, 14 x7, 15, 22). Sorted: 6, 7 x4, 14 x7, 15, 22, 28 x3 (17th), 30 x11
    # (28th): the 23rd is 30.
    "median_gap_days": 30,
    # M1 10 held, 10 required (met); S1 11 of 90 minutes (met); S2 9 (not met); S3 15,
    # 182 days -> 4 required (met).
    "annual_minimum_assessed": 4,
    "annual_minimum_met": 3,
    "annual_minimum_share": 0.75,
    "consecutive_missed_runs": 1,  # M1 November-December 2024
    # No case data before April 2025: every case figure says "no data".
    "case_deadlines_judged": None,
    "case_deadlines_met": None,
    "case_discussion_compliance": None,
    "case_allocations_judged": None,
    "case_allocations_on_time": None,
    "case_allocation_compliance": None,
    "case_recordings_judged": None,
    "case_recording_within_limit": None,
    "case_recording_median_days": None,
    "caseload_workers": None,
    "caseload_mean": None,
    "caseload_median": None,
    "caseload_max": None,
    # On 31 March 2025: M1 (June 2024), S2 (April 2024), S3 (October 2024) have one; S1's
    # latest is May 2023.
    "agreement_coverage": 0.75,
    # M1 and S1 appraised, S2 not; S3 not yet employed a year.
    "appraisal_coverage": pct(2, 3),
    "registration_coverage": 1.0,  # S1, S2, S3 all registered and in date
    # S1 4 met, S2 3 of 4 (Jan-Mar missed), S3 2 (Oct-Dec, Jan-Mar).
    "professional_supervision_coverage": pct(9, 10),
    # frequency 3, duration 4, professional 1, annual minimum 1, consecutive missed 1.
    "breaches": 10,
}


def test_every_figure_is_in_the_expectations():
    assert set(EXPECTED_2025) == set(FIGURE_KEYS) == set(EXPECTED_2024)


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_whole_service_figure_for_the_year(health, key):
    assert health.service.value(key) == EXPECTED_2025[key]


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_whole_service_figure_for_the_previous_year(health, key):
    assert health.service.previous_value(key) == EXPECTED_2024[key]


def test_changes_are_differences_and_percentage_points_for_rates(health):
    changes = health.service.changes
    assert changes["headcount_start"] == 1
    assert changes["fte_end"] == pytest.approx(0.3)
    assert changes["agency_share"] == pytest.approx(-25.0)  # 0 % - 25 %
    assert changes["compliance"] == pp(46 / 50, 49 / 52)  # 92.0 - 94.23 = -2.23 pp
    assert changes["long_session_share"] == pp(56 / 57, 54 / 58)
    assert changes["median_gap_days"] == 1
    assert changes["appraisal_coverage"] == pp(1, 2 / 3)
    assert changes["breaches"] == 5
    # No data on one side: no change.
    assert changes["case_discussion_compliance"] is None
    assert changes["caseload_mean"] is None


def test_whole_service_agrees_with_the_engine_summary(health, loaded):
    data, findings, pack = loaded
    run = run_check(data, pack, FY2025.period, AS_OF, load_findings=findings)
    summary = run.result.summary
    service = health.service
    assert health.summary == summary
    assert (
        service.value("windows_assessed"),
        service.value("windows_met"),
        service.value("windows_missed"),
        service.value("windows_excused"),
        service.value("breaches"),
    ) == (
        summary.windows_assessed,
        summary.windows_met,
        summary.windows_missed,
        summary.windows_excused,
        summary.breaches,
    )


# ---------------------------------------------------------------- months

# (assessed, met, missed, excused) per month, by the month a window's last day falls in.
MONTHS_2025 = [
    (4, 4, 0, 0),  # Apr: M1 S1 S2 S3
    (4, 4, 0, 0),  # May
    (5, 5, 0, 0),  # Jun: + S4
    (5, 3, 1, 1),  # Jul: S1 excused, S2 missed
    (5, 3, 1, 1),  # Aug: the same
    (5, 5, 0, 0),  # Sep
    (4, 3, 1, 0),  # Oct: S2 gone, S4 missed
    (4, 4, 0, 0),  # Nov
    (4, 4, 0, 0),  # Dec
    (4, 3, 1, 0),  # Jan: S1 missed
    (4, 4, 0, 0),  # Feb
    (4, 4, 0, 0),  # Mar
]
MONTHS_2024 = [
    (3, 3, 0, 0),  # Apr: M1 S1 S2
    (3, 3, 0, 0),
    (3, 3, 0, 0),
    (3, 3, 0, 0),
    (3, 3, 0, 0),
    (3, 3, 0, 0),  # Sep
    (7, 6, 1, 0),  # Oct: + S3's weeks ending 7, 14, 21 (missed), 28 Oct
    (6, 5, 1, 0),  # Nov: M1 missed; S3's week to 4 Nov, week to 11 Nov, fortnight to 25 Nov
    (5, 4, 1, 0),  # Dec: M1 missed; S3's fortnights to 9 and 23 Dec
    (5, 5, 0, 0),  # Jan: S3's fortnights to 6 and 20 Jan
    (5, 5, 0, 0),  # Feb: to 3 and 17 Feb
    (6, 6, 0, 0),  # Mar: to 3, 17 and 31 Mar
]


def test_monthly_windows_and_compliance(health):
    rows = health.service.monthly
    assert [r.month for r in rows] == FY2025.months()
    assert [
        (r.current.assessed, r.current.met, r.current.missed, r.current.excused) for r in rows
    ] == MONTHS_2025
    assert [
        (r.previous.assessed, r.previous.met, r.previous.missed, r.previous.excused) for r in rows
    ] == MONTHS_2024
    july, october = rows[3], rows[6]
    assert july.current.compliance == pytest.approx(3 / 4)  # 3 met / (5 - 1 excused)
    assert july.change == pp(3 / 4, 1)
    assert october.previous.compliance == pytest.approx(6 / 7)
    assert october.change == pp(3 / 4, 6 / 7)  # -10.7 pp
    assert sum(r.current.assessed for r in rows) == EXPECTED_2025["windows_assessed"]


def test_months_after_as_of_have_no_data(loaded):
    data, findings, pack = loaded
    # The year 2025-26 seen on 10 January 2026: windows ending by then are assessed; the
    # months from February on are "no data" (not 0 %).
    early = run_health_check(data, pack, FY2025, D(2026, 1, 10), load_findings=findings)
    rows = early.service.monthly
    assert rows[8].current.compliance == 1.0  # December
    assert all(r.current.compliance is None and r.current.assessed is None for r in rows[10:])
    assert early.judged_on == D(2026, 1, 10)
    assert any("not over on the as-of date" in note for note in early.notes)


# ---------------------------------------------------------------- breakdowns


def test_one_team_is_the_whole_service(health):
    teams = health.breakdown("teams").units
    assert [(u.id, u.name) for u in teams] == [("Assessment", "Assessment")]
    assert teams[0].values == health.service.values
    assert teams[0].previous == health.service.previous


def test_role_groups(health):
    groups = {u.id: u for u in health.breakdown("role_groups").units}
    assert list(groups) == ["team-managers", "social-workers"]
    managers, workers = groups["team-managers"], groups["social-workers"]
    assert managers.name == "Team managers"
    assert managers.value("headcount_end") == 1
    assert managers.value("compliance") == 1.0  # M1 12 of 12
    assert managers.previous_value("compliance") == pytest.approx(10 / 12)
    assert managers.value("registration_coverage") is None  # not a registered post
    assert managers.value("case_deadlines_judged") is None  # not under the case rules
    assert managers.value("professional_supervision_coverage") is None
    # S1 12 + S2 6 + S3 12 + S4 10 windows, 9 + 4 + 12 + 9 met, 2 excused.
    assert workers.value("windows_assessed") == 40
    assert workers.value("compliance") == pytest.approx(34 / 38)
    assert workers.value("headcount_end") == 3  # S1, S3, S4
    assert workers.value("caseload_workers") == 3


def test_nqsws_separately(health):
    units = {u.id: u for u in health.breakdown("nqsws").units}
    nqsw, others = units["nqsw"], units["other"]
    # S3: ASYE from 1 October 2024, an NQSW in both years.
    assert nqsw.value("headcount_end") == 1
    assert nqsw.value("windows_assessed") == 12
    assert nqsw.value("compliance") == 1.0
    assert nqsw.previous_value("windows_assessed") == 16
    assert nqsw.previous_value("compliance") == pytest.approx(15 / 16)
    assert nqsw.previous_value("starters") == 1
    assert nqsw.value("registration_coverage") == 0.0  # her registration expired
    assert nqsw.value("breaches") == 3  # registration, professional quarter, late recording
    assert others.value("headcount_end") == 3  # M1, S1, S4
    assert others.value("windows_assessed") == 40  # 52 - 12
    assert others.value("leavers") == 1


# ---------------------------------------------------------------- no data


def test_previous_year_without_data_says_no_data(loaded):
    data, findings, pack = loaded
    # 2024-25 as the year: the data start in April 2024, so 2023-24 has no sessions.
    health = run_health_check(data, pack, HealthYear(2024), AS_OF, load_findings=findings)
    assert not health.previous_has_data
    assert health.previous_summary is None
    for breakdown in health.breakdowns:
        for unit in breakdown.units:
            assert unit.previous is None
            assert all(unit.previous_value(key) is None for key in FIGURE_KEYS)
            assert all(change is None for change in unit.changes.values())
            assert all(row.previous is None and row.change is None for row in unit.monthly)
    assert health.service.value("compliance") == pytest.approx(49 / 52)
    assert any("No data for 2023-24" in note for note in health.notes)


def test_figures_of_rules_the_pack_lacks_say_no_data():
    # The national pack has no annual-minimum, consecutive-missed, case, agreement or
    # appraisal rule: those figures are "no data", never 0 % or 100 %.
    staff = [person("S1", team="North", fte=1.0, agency=False), person("M1", role="Team Manager")]
    sessions = [session(D(2025, m, 10), "S1") for m in range(4, 13)]
    sessions += [session(D(2026, m, 10), "S1") for m in range(1, 4)]
    data, findings = check_integrity(dataset(staff, sessions), AS_OF)
    health = run_health_check(data, load_pack("national"), FY2025, AS_OF, load_findings=findings)
    service = health.service
    for key in (
        "annual_minimum_share",
        "consecutive_missed_runs",
        "case_discussion_compliance",
        "case_recording_within_limit",
        "caseload_mean",
        "agreement_coverage",
        "appraisal_coverage",
        "professional_supervision_coverage",
    ):
        assert service.value(key) is None, key
    assert service.value("compliance") == pytest.approx(12 / 24)  # S1 12 met, M1 12 missed
    assert service.value("fte_end") == pytest.approx(1.0)  # M1 has no FTE recorded
    assert any("1 of 2 staff in post" in note and "FTE" in note for note in health.notes)
    assert not health.previous_has_data  # no session before April 2025


def test_calendar_year_runs_january_to_december(loaded):
    data, findings, pack = loaded
    health = run_health_check(data, pack, HealthYear(2025, "calendar"), AS_OF, load_findings=findings)
    assert [r.month for r in health.service.monthly][0] == D(2025, 1, 1)
    engine = check(data, D(2025, 1, 1), D(2025, 12, 31), AS_OF, policy=PACK)
    assert health.summary == engine.result.summary
    assert health.previous_has_data  # sessions from April 2024


def test_case_recording_figures_count_working_days_as_the_rule_does():
    # Dudley, 2 working days. Wed 28 Apr 2027 recorded Mon 3 May (early May bank holiday)
    # and Wed 15 Sep 2027 recorded Sun 19 Sep are both 2 working days: on time. Wed 22 Dec
    # 2027 recorded Wed 29 Dec is 3 (Sat 25 to Tue 28 Dec are off): late.
    from supcheck.models import Discussion

    staff = [person("S1", team="North", line_manager_id="M1"), person("M1", role="Team Manager")]
    discussions = [
        Discussion(case_id="C1", worker_id="S1", date=D(2027, 4, 28), recorded_date=D(2027, 5, 3)),
        Discussion(case_id="C2", worker_id="S1", date=D(2027, 9, 15), recorded_date=D(2027, 9, 19)),
        Discussion(case_id="C3", worker_id="S1", date=D(2027, 12, 22), recorded_date=D(2027, 12, 29)),
    ]
    as_of = D(2028, 5, 1)
    columns = ("case_id", "worker_id", "date", "recorded_date")
    data, findings = check_integrity(
        dataset(staff, case_discussions=("discussions", discussions, columns)), as_of
    )
    health = run_health_check(data, load_pack("dudley"), HealthYear(2027), as_of, load_findings=findings)
    assert health.service.value("case_recordings_judged") == 3
    assert health.service.value("case_recording_within_limit") == pytest.approx(2 / 3)
    assert health.service.value("case_recording_median_days") == 2
