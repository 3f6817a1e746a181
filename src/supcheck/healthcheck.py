"""The annual health check: the supervision tables an employer publishes for a year.

SWRB employer standard 1 asks every employer to complete, review and publish an annual
health check of its social work workforce. `supcheck healthcheck` produces its
supervision tables for a year (a financial year, April to March, by default; a calendar
year, or the DfE's census year to 30 September, with `--year-type`) for the whole
service, by team, by role group (the pack's groups) and for NQSWs separately, with the
previous year beside each figure.

Nothing is judged here. The engine is run once for the year and once for the previous
year, exactly as `supcheck check --from <first day> --to <last day>` runs it, and every
figure is read from what that run judged, as the rules left it in their context: the
frequency and professional-supervision windows as columns (`RuleContext.windows`), the
met-or-not judgements of the other rules (`RuleContext.assessments` and
`assessment_columns`), the sessions each rule counts (`RuleContext.qualifying`, for the
gaps) and the findings; counted with numpy per unit (`_Judged`), never rebuilt as one
object a window. The only other inputs are plain facts of the dataset: who was in post
(staff start and end dates, FTE, agency), which sessions were held, and which
allocations were open (read from the allocations' columns). Reporters (`reporters/health_*.py`) only render
the `HealthCheck` built here.

Terms. The year runs from its first day F to its last day L; J = L, or as_of if that is
earlier (the day staff-level rules are judged, as in `check`). A unit (the service, a
team, a role group, the NQSWs) is a set of staff; its **members** in a year are the
staff of the unit employed at some time from F to J (start date on or before J, end
date blank or on or after F). Team: the staff table's team (blank: "No team recorded").
Role group: the group of the pack the engine matched the person to on J ("No group
matched" if none). NQSW: a member with an ASYE start date A such that they were an NQSW
on some day from F to J (A on or before J, and A + 12 months after F). The whole
service counts every window, judgement and finding of the run.

Every figure is defined once, in `FIGURES` below: the reports print its definition, the
JSON lists it, and docs/healthcheck.md's table is made from it. The DfE's workforce
indicators (`dfe`) count the DfE's census population (social workers, agency workers
apart) from the staff table, or from the year's census return when DATA holds one.

A figure with nothing behind it is None ("no data" in the tables), never 0 % or 100 %:
a rate with a zero denominator; every figure of a rule family when the run judged
nothing of it for the unit (the pack has no such rule, it was not assessed, or nobody in
the unit was judged); consecutive-missed runs when no member is under the rule; the
caseload figures when no member holds an open allocation; the FTE and agency share when
they are not recorded. The previous year is "no data" throughout when no staff were
employed in it or no session rows are dated in it.

Changes: the figure minus the previous year's; for rates (fractions) in percentage
points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from statistics import mean, median
from typing import Literal, TypeVar

import numpy as np
from dateutil.relativedelta import relativedelta

from . import __version__
from .column_tables import factorize_ids, object_array, shared_codes
from .dfe import (
    ABSENCE_KEYS,
    AGENCY_KEYS,
    CASE_KEYS,
    FTE_KEYS,
    VACANCY_KEYS,
    Worker,
    Workforce,
    indicators,
    is_sickness,
    workforce_from_census,
    workforce_from_staff,
)
from .engine import EngineRun, run_check
from .errors import SupcheckError
from .models import Dataset, Finding, FindingRow, NotAssessed, Period, Staff, Summary
from .packs import Pack
from .pipeline import RunOptions, load_inputs, run_pipeline
from .progress import NO_PROGRESS, StageProgress
from .rules.base import Assessment, Ids, index_sessions
from .window_judging import EXCUSED, MET

Number = int | float
Value = Number | None
FigureUnit = Literal["count", "rate", "fte", "days", "cases"]
YearType = Literal["financial", "calendar", "census"]
T = TypeVar("T")

NO_TEAM = "No team recorded"
NO_GROUP = "No group matched"
NO_GROUP_ID = ""

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ---------------------------------------------------------------- the year


YEAR_TYPES: tuple[YearType, ...] = ("financial", "calendar", "census")


@dataclass(frozen=True)
class HealthYear:
    """The year of a health check, named as `--year` names it.

    - financial (the default): `HealthYear(2025)` is 1 April 2025 to 31 March 2026;
    - calendar: 1 January to 31 December 2025;
    - census: the DfE's children's social work workforce census year, named after the
      year it ends in: 1 October 2024 to 30 September 2025, snapshot on 30 September 2025.
    """

    year: int
    type: YearType = "financial"

    def __post_init__(self) -> None:
        if self.type not in YEAR_TYPES:
            raise SupcheckError(f"year type '{self.type}' is not one of {', '.join(YEAR_TYPES)}")

    @property
    def first(self) -> date:
        if self.type == "calendar":
            return date(self.year, 1, 1)
        if self.type == "census":
            return date(self.year - 1, 10, 1)
        return date(self.year, 4, 1)

    @property
    def last(self) -> date:
        if self.type == "calendar":
            return date(self.year, 12, 31)
        if self.type == "census":
            return date(self.year, 9, 30)
        return date(self.year + 1, 3, 31)

    @property
    def label(self) -> str:
        """`2025-26` for a financial year; `2025` for a calendar or census year (the DfE
        names a census year after the 30 September it ends on)."""
        if self.type == "financial":
            return f"{self.year}-{(self.year + 1) % 100:02d}"
        return str(self.year)

    @property
    def basis(self) -> str:
        return f"{self.type} year"

    @property
    def description(self) -> str:
        """`1 April 2025 to 31 March 2026 (financial year)`; a census year adds its snapshot."""
        if self.type == "census":
            return f"{_long(self.first)} to {_long(self.last)} (census year; snapshot on {_long(self.last)})"
        return f"{_long(self.first)} to {_long(self.last)} ({self.basis})"

    @property
    def period(self) -> Period:
        return Period(**{"from": self.first, "to": self.last})

    def previous(self) -> HealthYear:
        return HealthYear(self.year - 1, self.type)

    def months(self) -> list[date]:
        """The first day of each of the year's twelve calendar months."""
        return [self.first + relativedelta(months=i) for i in range(12)]


def _long(day: date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def default_year(as_of: date, year_type: YearType = "financial") -> HealthYear:
    """The latest year of the type that has ended on or before as_of."""
    year = HealthYear(as_of.year + 1, year_type)
    while year.last > as_of:
        year = year.previous()
    return year


def resolve_year(
    year: int | None,
    year_type: str | None,
    calendar_year: bool = False,
    configured: str | None = None,
    *,
    as_of: date,
) -> HealthYear:
    """The year the command line asks for: `--year-type` (or its alias `--calendar-year`),
    else the config file's `year_type`, else financial; `--year`, else the latest year of
    that type ended by as_of."""
    if calendar_year and year_type not in (None, "calendar"):
        raise SupcheckError(f"--calendar-year and --year-type {year_type} disagree: give one of them")
    chosen = year_type or ("calendar" if calendar_year else None) or configured or "financial"
    if chosen not in YEAR_TYPES:
        raise SupcheckError(f"--year-type '{chosen}' is not one of {', '.join(YEAR_TYPES)}")
    kind: YearType = chosen  # type: ignore[assignment]
    return default_year(as_of, kind) if year is None else HealthYear(year, kind)


# ---------------------------------------------------------------- figure definitions


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: FigureUnit
    section: str
    definition: str


WORKFORCE = "Workforce"
DFE = "DfE workforce indicators (CSWW census definitions)"
FREQUENCY = "Supervision frequency"
SESSIONS = "Sessions"
ANNUAL = "Annual minimum and missed months"
CASE_DISCUSSION = "Case discussion"
CASE_RECORDING = "Case recording"
CASELOAD = "Caseload"
COVERAGE = "Coverage and breaches"

SECTIONS: tuple[str, ...] = (
    WORKFORCE,
    DFE,
    FREQUENCY,
    SESSIONS,
    ANNUAL,
    CASE_DISCUSSION,
    CASE_RECORDING,
    CASELOAD,
    COVERAGE,
)

#: Every figure of the health check, defined once: the reports print these definitions,
#: the JSON lists them, and docs/healthcheck.md's table is this table
#: (`figures_markdown`; a test keeps the two the same). "The end" is the year's last day,
#: or the as-of date if that is earlier (J); members, teams and groups are as defined in
#: docs/healthcheck.md ("Terms").
FIGURES: tuple[Figure, ...] = (
    Figure("headcount_start", "Headcount at start", "count", WORKFORCE,
           "Staff (of every role) in post on the year's first day."),
    Figure("headcount_end", "Headcount at end", "count", WORKFORCE,
           "Staff in post at the end."),
    Figure("fte_start", "FTE at start", "fte", WORKFORCE,
           "Sum of the recorded FTE of the staff in post on the year's first day. A blank FTE "
           "adds nothing (a note says how many are blank); no data when nobody in post has one."),
    Figure("fte_end", "FTE at end", "fte", WORKFORCE,
           "The same at the end."),
    Figure("agency_share", "Agency share", "rate", WORKFORCE,
           "Agency staff in post at the end / staff in post at the end whose agency flag is "
           "recorded; no data when none is."),
    Figure("starters", "Starters", "count", WORKFORCE,
           "Staff whose start date is from the year's first day to the end."),
    Figure("leavers", "Leavers", "count", WORKFORCE,
           "Staff whose end date is from the year's first day to the end."),
    Figure("dfe_headcount", "DfE: social workers in post (headcount)", "count", DFE,
           "DfE definition: children and family social workers employed by the authority "
           "(agency workers not counted) in post on the snapshot date (the end; 30 September "
           "for a census year)."),
    Figure("dfe_fte", "DfE: social workers in post (FTE)", "fte", DFE,
           "DfE definition: the FTE of those social workers."),
    Figure("dfe_agency_headcount", "DfE: agency workers in post (headcount)", "count", DFE,
           "DfE definition: agency children and family social workers in post on the snapshot "
           "date, counted apart from the authority's own."),
    Figure("dfe_agency_fte", "DfE: agency workers in post (FTE)", "fte", DFE,
           "DfE definition: the FTE of those agency workers."),
    Figure("dfe_starters", "DfE: starters (headcount)", "count", DFE,
           "DfE definition: social workers (agency workers not counted) who started in the year "
           "(start date from the year's first day to the snapshot date)."),
    Figure("dfe_starters_fte", "DfE: starters (FTE)", "fte", DFE,
           "DfE definition: the FTE of those starters."),
    Figure("dfe_leavers", "DfE: leavers (headcount)", "count", DFE,
           "DfE definition: social workers (agency workers not counted) who left in the year "
           "(end date from the year's first day to the snapshot date)."),
    Figure("dfe_leavers_fte", "DfE: leavers (FTE)", "fte", DFE,
           "DfE definition: the FTE of those leavers."),
    Figure("dfe_turnover_rate", "DfE: turnover rate", "rate", DFE,
           "DfE definition: FTE leavers in the year / FTE social workers in post on the "
           "snapshot date (neither counting agency workers)."),
    Figure("dfe_agency_rate", "DfE: agency rate", "rate", DFE,
           "DfE definition: FTE agency workers / (FTE agency workers + FTE social workers), "
           "in post on the snapshot date."),
    Figure("dfe_vacancies_fte", "DfE: vacancies (FTE)", "fte", DFE,
           "FTE social worker vacancies on the snapshot date, as the census return's "
           "NumberOfVacancies or the --vacancies value (supcheck.toml: vacancies) gives them; "
           "for the whole service only; no data otherwise."),
    Figure("dfe_vacancy_rate", "DfE: vacancy rate", "rate", DFE,
           "DfE definition: FTE vacancies / (FTE vacancies + FTE social workers in post, agency "
           "workers not counted), on the snapshot date."),
    Figure("dfe_cases", "DfE: cases held", "count", DFE,
           "Cases held on the snapshot date by social workers in post (agency workers "
           "included): the census return's Cases30, or the distinct cases of each one's "
           "allocations open that day."),
    Figure("dfe_case_holder_fte", "DfE: FTE of case holders", "fte", DFE,
           "FTE of the social workers in post on the snapshot date (agency workers included) "
           "who hold one or more cases."),
    Figure("dfe_caseload", "DfE: average caseload", "cases", DFE,
           "DfE definition: cases held on the snapshot date by social workers in post / FTE of "
           "those holding one or more cases (agency workers included). A case holder with no "
           "FTE recorded is left out of both."),
    Figure("dfe_working_days", "DfE: working days in the year", "count", DFE,
           "Weekdays from the year's first day to the snapshot date, less England bank holidays "
           "(253 in census year 2025, 1 October 2024 to 30 September 2025)."),
    Figure("dfe_days_lost", "DfE: working days lost to sickness", "days", DFE,
           "Working days lost to sickness in the year by the social workers in post on the "
           "snapshot date (agency workers not counted): the census return's WorkingDaysLost, "
           "or the working days of each sickness absence in the year times the person's FTE."),
    Figure("dfe_absence_rate", "DfE: absence rate", "rate", DFE,
           "DfE definition: working days lost to sickness in the year / (FTE of those social "
           "workers x working days in the year)."),
    Figure("windows_assessed", "Windows assessed", "count", FREQUENCY,
           "Supervision windows (weeks, fortnights, months, quarters of each person's schedule) "
           "of the pack's frequency rules whose last day is in the year and on or before the "
           "as-of date: the check's \"windows assessed\"."),
    Figure("windows_met", "Windows met", "count", FREQUENCY,
           "Assessed windows with a qualifying session."),
    Figure("windows_missed", "Windows missed", "count", FREQUENCY,
           "Assessed windows with no qualifying session and not excused (each one a breach)."),
    Figure("windows_excused", "Windows excused", "count", FREQUENCY,
           "Assessed windows without a session in which absences cover at least half the days."),
    Figure("compliance", "Compliance", "rate", FREQUENCY,
           "Windows met / (windows assessed - windows excused)."),
    Figure("sessions_held", "Sessions held", "count", SESSIONS,
           "Held formal supervision sessions (individual, group, professional) dated from the "
           "year's first day to the end. Informal, cancelled and not-held sessions are not "
           "counted."),
    Figure("long_session_share", "Sessions of the minimum length", "rate", SESSIONS,
           "Of the held formal sessions a duration rule judged (dated in the year, with a "
           "length, of staff under the rule), the share lasting at least the group's minimum "
           "(90 minutes in the shipped packs)."),
    Figure("median_gap_days", "Median gap between sessions (days)", "days", SESSIONS,
           "For each member under a frequency rule, the dates of the sessions that rule counts "
           "(held individual sessions, and group sessions where the group allows them), each "
           "date once: the days from one to the next, for gaps whose later date is in the "
           "year. The median over all gaps of all such members."),
    Figure("annual_minimum_assessed", "Staff assessed for the annual minimum", "count", ANNUAL,
           "Staff judged by an annual-minimum rule for the year (those with a required number "
           "of at least 1)."),
    Figure("annual_minimum_met", "Staff meeting the annual minimum", "count", ANNUAL,
           "Staff with at least the required number (pro rata) of qualifying sessions of the "
           "minimum length."),
    Figure("annual_minimum_share", "Annual minimum met", "rate", ANNUAL,
           "Staff meeting the annual minimum / staff assessed for it."),
    Figure("consecutive_missed_runs", "Runs of consecutive missed months", "count", ANNUAL,
           "Runs of more consecutive months without supervision than the pack allows, ending in "
           "the year (each one a finding); no data when nobody is under the rule."),
    Figure("case_deadlines_judged", "Case discussion deadlines judged", "count", CASE_DISCUSSION,
           "Deadlines for discussing an allocated case in supervision falling in the year and "
           "judged by the as-of date."),
    Figure("case_deadlines_met", "Case discussion deadlines met", "count", CASE_DISCUSSION,
           "Deadlines by which the case was discussed."),
    Figure("case_discussion_compliance", "Case discussion compliance", "rate", CASE_DISCUSSION,
           "Deadlines met / deadlines judged."),
    Figure("case_allocations_judged", "Allocations judged", "count", CASE_DISCUSSION,
           "Cases (per worker) with at least one discussion deadline judged in the year; a case "
           "handed back to the same worker counts once."),
    Figure("case_allocations_on_time", "Allocations with no missed deadline", "count",
           CASE_DISCUSSION, "Cases (per worker) none of whose deadlines in the year was missed."),
    Figure("case_allocation_compliance", "Allocations always discussed on time", "rate",
           CASE_DISCUSSION, "Allocations with no missed deadline / allocations judged."),
    Figure("case_recordings_judged", "Case discussions judged for recording", "count",
           CASE_RECORDING, "Case discussions whose recording deadline fell in the year (by the "
           "as-of date), judged by a case-recording rule."),
    Figure("case_recording_within_limit", "Recorded within the limit", "rate", CASE_RECORDING,
           "Discussions recorded on the child's file within the limit (2 working days, 1 for a "
           "non-case-holder's decision in the Dudley pack) / discussions judged."),
    Figure("case_recording_median_days", "Median working days to record", "days", CASE_RECORDING,
           "Median working days from discussion to recording, over the discussions recorded "
           "(one not recorded has no number)."),
    Figure("caseload_workers", "Case-holding workers", "count", CASELOAD,
           "Staff in post at the end holding at least one allocation open that day (start on or "
           "before it, end blank or on or after it). A leaver's allocations left open do not "
           "count."),
    Figure("caseload_mean", "Mean caseload", "cases", CASELOAD,
           "Mean number of distinct cases open at the end per case-holding worker (a headcount "
           "mean: SWRB standard 3)."),
    Figure("caseload_median", "Median caseload", "cases", CASELOAD,
           "Median number of cases open at the end per case-holding worker."),
    Figure("caseload_max", "Largest caseload", "cases", CASELOAD,
           "Most cases open at the end held by one worker."),
    Figure("agreement_coverage", "Supervision agreement in place", "rate", COVERAGE,
           "Staff judged met by an agreement rule at the end (a current agreement signed by "
           "both, naming the current line manager) / staff judged."),
    Figure("appraisal_coverage", "Appraisal in the last 12 months", "rate", COVERAGE,
           "Staff employed a year or more with an appraisal in the last 12 months / staff "
           "judged."),
    Figure("registration_coverage", "Registration in date", "rate", COVERAGE,
           "Staff in registered posts recorded as registered and in date at the end / staff "
           "judged."),
    Figure("professional_supervision_coverage", "Professional supervision", "rate", COVERAGE,
           "Professional-supervision windows met / (windows assessed - windows excused), for "
           "registered social workers whose line manager is not one."),
    Figure("breaches", "Breaches", "count", COVERAGE,
           "Findings of severity breach for the year about members; for the whole service, "
           "every breach the check counts."),
)  # fmt: skip

#: The exports each section's figures are read from (besides staff, which every figure
#: reads). A figure whose exports do not cover the year's first day to J is "no data"
#: (`coverage`): half a year of supervisions is not a year's compliance.
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    WORKFORCE: (),
    DFE: (),
    FREQUENCY: ("supervisions",),
    SESSIONS: ("supervisions",),
    ANNUAL: ("supervisions",),
    CASE_DISCUSSION: ("allocations", "case_discussions"),
    CASE_RECORDING: ("case_discussions",),
    CASELOAD: ("allocations",),
}
KEY_TABLES: dict[str, tuple[str, ...]] = {
    "dfe_cases": ("allocations",),
    "dfe_case_holder_fte": ("allocations",),
    "dfe_caseload": ("allocations",),
    "dfe_days_lost": ("absences",),
    "dfe_absence_rate": ("absences",),
    "agreement_coverage": ("agreements",),
    "appraisal_coverage": ("appraisals",),
    "registration_coverage": (),
    "professional_supervision_coverage": ("supervisions",),
    "breaches": ("supervisions",),
}


def tables_of(figure: Figure) -> tuple[str, ...]:
    """The exports a figure is read from, staff first."""
    own = KEY_TABLES[figure.key] if figure.key in KEY_TABLES else SECTION_TABLES[figure.section]
    return ("staff", *own)


FIGURE_KEYS: tuple[str, ...] = tuple(f.key for f in FIGURES)
FIGURES_BY_KEY: dict[str, Figure] = {f.key: f for f in FIGURES}

HEADLINE_KEYS: tuple[str, ...] = (
    "headcount_end",
    "fte_end",
    "agency_share",
    "starters",
    "leavers",
    "dfe_fte",
    "dfe_turnover_rate",
    "dfe_agency_rate",
    "dfe_vacancy_rate",
    "dfe_caseload",
    "dfe_absence_rate",
    "compliance",
    "sessions_held",
    "long_session_share",
    "median_gap_days",
    "annual_minimum_share",
    "consecutive_missed_runs",
    "case_discussion_compliance",
    "case_recording_within_limit",
    "caseload_mean",
    "agreement_coverage",
    "appraisal_coverage",
    "registration_coverage",
    "professional_supervision_coverage",
    "breaches",
)
"""The short list the console summary shows for the whole service."""


def figures_in(section: str) -> list[Figure]:
    return [f for f in FIGURES if f.section == section]


def figures_markdown() -> str:
    """The table of every figure, as docs/healthcheck.md carries it ("The figures";
    tests/test_healthcheck_docs.py keeps the two the same)."""
    lines = ["| key | label | definition |", "| --- | --- | --- |"]
    for section in SECTIONS:
        lines.append(f"| **{section}** | | |")
        lines += [f"| `{f.key}` | {f.label} | {f.definition} |" for f in figures_in(section)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class MonthFigures:
    """Frequency windows whose last day falls in one calendar month (None: no data)."""

    month: date
    assessed: int | None = None
    met: int | None = None
    missed: int | None = None
    excused: int | None = None
    compliance: float | None = None


@dataclass(frozen=True)
class MonthRow:
    """One month of the year beside the same month of the previous year."""

    current: MonthFigures
    previous: MonthFigures | None
    change: float | None  # compliance change, percentage points

    @property
    def month(self) -> date:
        return self.current.month


@dataclass
class UnitFigures:
    """Every figure for one unit: the year, the previous year (None: no data) and the change."""

    id: str
    name: str
    values: dict[str, Value]
    previous: dict[str, Value] | None
    changes: dict[str, Value]
    monthly: list[MonthRow]

    def value(self, key: str) -> Value:
        return self.values[key]

    def previous_value(self, key: str) -> Value:
        return None if self.previous is None else self.previous[key]


@dataclass
class Breakdown:
    id: str  # service, teams, role_groups, nqsws
    title: str  # sheet and section title
    unit_label: str  # column heading for the units
    units: list[UnitFigures]


BREAKDOWNS: tuple[tuple[str, str, str], ...] = (
    ("service", "Service", "Unit"),
    ("teams", "Teams", "Team"),
    ("role_groups", "Role groups", "Role group"),
    ("nqsws", "NQSWs", "Staff"),
)


@dataclass
class HealthCheck:
    supcheck_version: str
    policy: str
    policy_title: str
    year: HealthYear
    previous_year: HealthYear
    previous_has_data: bool
    as_of: date
    judged_on: date
    previous_judged_on: date
    breakdowns: list[Breakdown]
    summary: Summary
    previous_summary: Summary | None
    not_assessed: list[NotAssessed] = field(default_factory=list)
    previous_not_assessed: list[NotAssessed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Where each year's DfE indicators come from ("the staff table, staff.csv", or the
    #: census return), as the reports' first lines say it.
    dfe_source: str = ""
    previous_dfe_source: str = ""
    #: Why a figure says "no data" for the whole service (figure key -> reason), for
    #: the year and the previous one: the reports say it once instead of in every cell.
    no_data: dict[str, str] = field(default_factory=dict)
    previous_no_data: dict[str, str] = field(default_factory=dict)

    def breakdown(self, breakdown_id: str) -> Breakdown:
        for item in self.breakdowns:
            if item.id == breakdown_id:
                return item
        raise KeyError(breakdown_id)

    @property
    def service(self) -> UnitFigures:
        return self.breakdown("service").units[0]

    @property
    def title(self) -> str:
        return f"Supervision health check {self.year.label}"


# ---------------------------------------------------------------- running it


def check_year(year: HealthYear, as_of: date) -> None:
    if year.first > as_of:
        raise SupcheckError(
            f"the {year.label} {year.basis} starts on {year.first.isoformat()}, after the as-of "
            f"date {as_of.isoformat()}: nothing in it can be judged yet"
        )


def reaches_back(data: Dataset, year: HealthYear) -> bool:
    """The data say something about `year`: a census return is for it, or someone was
    employed in it and a session row is dated in it."""
    period = year.period
    if any(c.reference_date == year.last for c in data.census):
        return True
    employed = any(
        s.start_date <= period.end and (s.end_date is None or s.end_date >= period.start)
        for s in data.staff.values()
    )
    day = data.sessions["date"]
    dated_in = (day >= np.datetime64(period.start)) & (day <= np.datetime64(period.end))
    return employed and bool(dated_in.any())


def run_health_check(
    data: Dataset,
    pack: Pack,
    year: HealthYear,
    as_of: date,
    *,
    load_findings: Iterable[Finding] = (),
    strict: bool = False,
    vacancies: float | None = None,
) -> HealthCheck:
    """Run the engine for the year and the previous year on a loaded, integrity-checked
    dataset, and build the health check from the two runs."""
    check_year(year, as_of)
    load_findings = list(load_findings)
    indexed = index_sessions(data.sessions)

    def run_year(period: Period, *, required: bool) -> EngineRun:
        return run_check(
            data, pack, period, as_of, load_findings=load_findings, strict=strict, indexed=indexed
        )

    return _two_years(data, pack, year, as_of, run_year, vacancies=vacancies)


def health_check_from_options(
    options: RunOptions,
    year: HealthYear,
    progress: StageProgress = NO_PROGRESS,
    *,
    vacancies: float | None = None,
) -> HealthCheck:
    """The command line's path: `pipeline.run_pipeline` (load, integrity, engine, exactly as
    `check` runs it) for the year, and again for the previous year when the data reach back."""
    check_year(year, options.as_of)
    inputs = load_inputs(options, progress, census=True)

    def run_year(period: Period, *, required: bool) -> EngineRun | None:
        try:
            return run_pipeline(replace(options, period=period), inputs, progress).engine
        except SupcheckError:
            if required:
                raise
            return None  # the exports cover none of the previous year: it has no data

    return _two_years(
        inputs.dataset, inputs.pack, year, options.as_of, run_year, vacancies=vacancies, progress=progress
    )


def _two_years(
    data: Dataset,
    pack: Pack,
    year: HealthYear,
    as_of: date,
    run_year: Callable[..., EngineRun | None],
    *,
    vacancies: float | None,
    progress: StageProgress = NO_PROGRESS,
) -> HealthCheck:
    """The previous year's run (when the data reach back) and the year's, each let go
    of its rule workings once the judgements its figures need are gathered
    (`_YearRun.let_go`): one year's workings are held at a time, never two, and none
    while the tables are built (five years of a national export: 0.5 GB less at the
    peak). `run_year(period, required=...)` runs the engine; None: no data for it."""
    before = None
    if reaches_back(data, year.previous()):
        previous = run_year(year.previous().period, required=False)
        if previous is not None:
            before = _YearRun(data, pack, year.previous(), as_of, previous)
            del previous
            before.let_go()
    current = run_year(year.period, required=True)
    assert current is not None
    with progress.stage("Building the tables"):
        now = _YearRun(data, pack, year, as_of, current, vacancies)
        del current
        now.let_go()
        return _assemble(pack, year, as_of, now, before)


# ---------------------------------------------------------------- aggregation


class _YearRun:
    """One year's engine run, indexed by staff id for the unit figures."""

    def __init__(
        self,
        data: Dataset,
        pack: Pack,
        year: HealthYear,
        as_of: date,
        run: EngineRun,
        vacancies: float | None = None,
    ):
        self.data = data
        self.pack = pack
        self.year = year
        self.run = run
        self.first = year.first
        self.judged = min(year.last, as_of)
        self.kind = {rule_id: spec.kind for rule_id, spec in pack.rules.items()}
        self.assessed_rules = set(pack.rules) - {item.rule for item in run.result.not_assessed}
        ctx = run.context
        assert ctx is not None
        #: The run's judged windows and other judgements by rule kind, as columns read
        #: straight from the rule context (the run is for everyone: nothing to scope).
        #: Staff ids as numbers, so that a unit's judgements are found by binary search
        #: (`rows_of`); an id not in the staff table is -1 (in no unit but the service).
        self.codes = {staff_id: i for i, staff_id in enumerate(data.staff)}
        self._member_codes: dict[int, np.ndarray] = {}
        self._by_staff: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._worker_rows: dict[str, list[int]] | None = None
        self.windows = _windows_by_kind(ctx.windows, self.kind, self.code_of)
        self.assessments = _assessments_by_kind(ctx.assessments, ctx.assessment_columns, self.code_of)
        self.findings: dict[str, list[FindingRow]] = defaultdict(list)
        for finding in run.result.findings.rows():
            self.findings[finding.staff_id].append(finding)
        self.members = [
            s
            for s in data.staff.values()
            if s.start_date <= self.judged and (s.end_date is None or s.end_date >= self.first)
        ]
        #: Held formal sessions in the year: supervisee id -> session ids (from the engine's
        #: own view of the sessions, as `_gaps`).
        self.sessions: dict[str, list[str]] = defaultdict(list)
        table = ctx.sessions
        day = table["date"]
        formal = ctx.held_formal & (day >= np.datetime64(self.first)) & (day <= np.datetime64(self.judged))
        for person, session_id in zip(
            table.at("supervisee_id", formal).tolist(), table.at("session_id", formal).tolist(), strict=True
        ):
            self.sessions[person].append(session_id)
        self.gaps = self._gaps()
        self.open_cases = self._open_cases()
        #: The exports that do not cover the year from its first day to J (`coverage`),
        #: with the sentence saying why: their figures are "no data".
        self.uncovered: dict[str, str] = {}
        for span in run.result.coverage:
            if span.ends is None or span.ends < self.judged:
                self.uncovered[span.table] = span.ends_text()
            elif span.begins is not None and span.begins > self.first:
                self.uncovered[span.table] = span.begins_text()
        if not data.has_table("staff"):
            self.uncovered["staff"] = "there is no staff table"
        self.supervisions = next((c for c in run.result.coverage if c.table == "supervisions"), None)
        self.workforce = self._workforce(vacancies)

    def let_go(self) -> None:
        """Drop the rule context once this year's judgements are gathered (the rules'
        working data: indexes, caches, the judgements' own columns); the report, the
        groups and what `__init__` gathered are kept."""
        self.run = replace(self.run, context=None)

    def covers(self, figure: Figure) -> bool:
        if figure.section == DFE and self.workforce.source == "census":
            return True  # (the census return speaks for its own year)
        return not any(table in self.uncovered for table in tables_of(figure))

    def _workforce(self, vacancies: float | None) -> Workforce:
        """The DfE's census population of the year (`dfe`): from the year's census return
        (reference date = the year's last day) when DATA holds one, else the staff table."""
        data, day = self.data, self.judged
        census = next((c for c in data.census if c.reference_date == self.year.last), None)
        if census is not None:
            staff = data.staff.values() if data.has_table("staff") else None
            return workforce_from_census(census, first=self.first, staff=staff, vacancies=vacancies)
        unknown: dict[str, str] = {}
        staff_label = data.tables["staff"].label if data.has_table("staff") else "the staff table"
        if vacancies is None:
            unknown.update(
                dict.fromkeys(
                    VACANCY_KEYS,
                    f"no vacancies were given for {_long(day)} (--vacancies, or a census return)",
                )
            )
        if data.has_table("staff") and not data.has_column("staff", "fte"):
            unknown.update(dict.fromkeys(FTE_KEYS, f"{staff_label} has no FTE column"))
        if data.has_table("staff") and not data.has_column("staff", "agency"):
            unknown.update(dict.fromkeys(AGENCY_KEYS, f"{staff_label} has no agency column"))
        open_cases = None
        if self.open_cases is None:
            unknown.update(dict.fromkeys(CASE_KEYS, "there is no allocations table"))
        else:
            open_cases = {worker: counts[0] for worker, counts in self.open_cases.items()}
        sickness: dict[str, list[tuple[date, date]]] | None = None
        if not data.has_table("absences"):
            unknown.update(dict.fromkeys(ABSENCE_KEYS, "there is no absences table"))
        elif not data.has_column("absences", "reason"):
            label = data.tables["absences"].label
            unknown.update(
                dict.fromkeys(
                    ABSENCE_KEYS, f"{label} has no reason column, so sickness cannot be told from leave"
                )
            )
        else:
            sickness = defaultdict(list)
            for absence in data.absences:
                if is_sickness(absence.reason):
                    sickness[absence.staff_id].append((absence.start_date, absence.end_date))
        return workforce_from_staff(
            data.staff.values(),
            first=self.first,
            snapshot=day,
            label=staff_label,
            social_work_post={sid: g.requires_registration for sid, g in self.run.groups.items()},
            open_cases=open_cases,
            sickness=sickness,
            vacancies=vacancies,
            unknown=unknown,
        )

    def code_of(self, ids: Sequence[str]) -> np.ndarray:
        """Staff ids -> their numbers (-1: not in the staff table); an `Ids` column (the
        case rules' millions of judgements) looked up once per distinct id."""
        if isinstance(ids, Ids):
            return self.code_of(ids.ids.tolist())[ids.codes]
        codes = self.codes
        return np.fromiter((codes.get(i, -1) for i in ids), dtype=np.int64, count=len(ids))

    def rows_of(self, judged: _Judged, unit: _Unit) -> np.ndarray:
        """Positions in `judged` of the judgements about `unit`'s members, in order. Each
        member's are found by binary search in `judged`'s staff codes, sorted once: a
        national year has 2,500 teams, and a mask over every judgement for each was most
        of the health check's time."""
        index = self._by_staff.get(id(judged))
        if index is None:
            order = np.argsort(judged.staff, kind="stable")
            index = self._by_staff[id(judged)] = (order, judged.staff[order])
        order, staff = index
        members = self._member_codes.get(id(unit))
        if members is None:
            codes = [self.codes[s.staff_id] for s in unit.members if s.staff_id in self.codes]
            members = self._member_codes[id(unit)] = np.unique(np.array(codes, dtype=np.int64))
        lo = np.searchsorted(staff, members, side="left")
        lengths = np.searchsorted(staff, members, side="right") - lo
        starts = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
        return np.sort(order[starts + np.arange(lengths.sum())])

    def workers_of(self, unit: _Unit) -> list[Worker]:
        """The census population's workers (`workforce.workers`) who are members of
        `unit`, in the workforce's order."""
        if self._worker_rows is None:
            self._worker_rows = defaultdict(list)
            for i, worker in enumerate(self.workforce.workers):
                self._worker_rows[worker.staff_id].append(i)
        ids = {s.staff_id for s in unit.members}
        rows = sorted(i for staff_id in ids for i in self._worker_rows.get(staff_id, ()))
        return [self.workforce.workers[i] for i in rows]

    def covers_month(self, first: date, last: date) -> bool:
        """Whether the supervisions export covers the month from its first to its last day."""
        span = self.supervisions
        return span is None or (
            (span.begins is None or span.begins <= first) and span.ends is not None and span.ends >= last
        )

    def _gaps(self) -> dict[str, list[int]]:
        """Days between consecutive qualifying-session dates, per person under a frequency
        rule, for gaps whose later session is in the year. Qualifying sessions are those
        the `frequency` rule counts (`RuleContext.qualifying`, on the engine's own
        context), listed once per mask as person-day keys (`DatedEvents.gaps`)."""
        ctx = self.run.context
        assert ctx is not None
        frequency_rules = [rule_id for rule_id, kind in self.kind.items() if kind == "frequency"]
        under: dict[bool, list[str]] = defaultdict(list)
        for staff in self.members:
            group = self.run.groups.get(staff.staff_id)
            if group is not None and any(group.applies(r) for r in frequency_rules):
                under[group.group_supervision].append(staff.staff_id)
        gaps: dict[str, list[int]] = {}
        for group_supervision, ids in under.items():
            events, _ = ctx.dated_sessions(ctx.qualifying(group_supervision))
            ranks, days = events.gaps(self.first.toordinal(), self.judged.toordinal())
            by_rank: dict[int, list[int]] = defaultdict(list)
            for rank, gap in zip(ranks.tolist(), days.tolist(), strict=True):
                by_rank[rank].append(gap)
            for staff_id in ids:
                rank = events.rank.get(staff_id)
                gaps[staff_id] = by_rank.get(rank, []) if rank is not None else []
        return gaps

    def _open_cases(self) -> dict[str, list[int]] | None:
        """The number of distinct cases open on J of each worker in post on J (a one-item
        list, to index like the rest), read from the allocations' columns; None without an
        allocations table."""
        if not self.data.has_table("allocations"):
            return None
        table = self.data.allocations
        day = np.datetime64(self.judged)
        start, end = table["start_date"], table["end_date"]
        workers, worker_ids = table.codes("worker_id")
        cases, _ = table.codes("case_id")
        in_post = self.data.staff
        employed = np.array(
            [(s := in_post.get(w)) is not None and s.employed_on(self.judged) for w in worker_ids.tolist()],
            dtype=bool,
        )
        open_now = (start <= day) & (np.isnat(end) | (end >= day))
        keep = open_now & employed[workers] if len(worker_ids) else open_now
        pairs = np.unique(workers[keep].astype(np.int64) * (int(cases.max(initial=0)) + 1) + cases[keep])
        held, counts = np.unique(pairs // (int(cases.max(initial=0)) + 1), return_counts=True)
        return {worker_ids[w]: [n] for w, n in zip(held.tolist(), counts.tolist(), strict=True)}

    def rules_of(self, kind: str) -> list[str]:
        return [rule_id for rule_id, k in self.kind.items() if k == kind and rule_id in self.assessed_rules]


@dataclass(frozen=True)
class _Unit:
    """Who a unit is in one year: its members, and whether it counts everything (the
    whole service: every window, judgement and finding of the run, whoever it is about)."""

    members: list[Staff]
    everything: bool = False

    def pick(self, index: dict[str, list[T]]) -> list[T]:
        """The items of `index` (staff id -> items) about this unit."""
        if self.everything:
            return [item for items in index.values() for item in items]
        return [item for staff in self.members for item in index.get(staff.staff_id, ())]

    def select(self, judged: _Judged, y: _YearRun) -> _Judged:
        """The judgements about this unit (`_YearRun.rows_of`)."""
        if self.everything:
            return judged
        return judged.where(y.rows_of(judged, self))


@dataclass(frozen=True)
class _Judged:
    """One rule kind's judgements as columns: whose each is (staff codes), whether it was met
    (a window: or excused), the month its last day falls in (windows: year * 12 + month -
    1), the case (a number, equal for equal case ids within the kind; windows: 0), and
    the rule's own number (NaN: none)."""

    staff: np.ndarray
    met: np.ndarray
    excused: np.ndarray
    month: np.ndarray
    case: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.staff)

    def where(self, keep: np.ndarray) -> _Judged:
        return _Judged(*(column[keep] for column in self.columns()))

    def columns(self) -> tuple[np.ndarray, ...]:
        return (self.staff, self.met, self.excused, self.month, self.case, self.value)

    @classmethod
    def joined(cls, parts: list[tuple]) -> _Judged:
        if not parts:
            return _NOTHING
        return cls(*(np.concatenate(column) for column in zip(*parts, strict=True)))


_NOTHING = _Judged(
    np.empty(0, dtype=np.int64),
    np.empty(0, dtype=bool),
    np.empty(0, dtype=bool),
    np.empty(0, dtype=np.int64),
    np.empty(0, dtype=np.int64),
    np.empty(0, dtype=float),
)


def _windows_by_kind(
    windows: Sequence, kind: dict[str, str], code_of: Callable[[Sequence[str]], np.ndarray]
) -> dict[str, _Judged]:
    """Every judged window (`WindowColumns`, a rule's at a time), by rule kind."""
    parts: dict[str, list[tuple]] = defaultdict(list)
    for judged in windows:
        n = len(judged.windows)
        parts[kind[judged.rule]].append(
            (
                code_of(judged.people)[judged.owner],
                judged.status == MET,
                judged.status == EXCUSED,
                np.fromiter((w.end.year * 12 + w.end.month - 1 for w in judged.windows), np.int64, n),
                np.zeros(n, dtype=np.int64),
                np.full(n, np.nan),
            )
        )
    return defaultdict(lambda: _NOTHING, {k: _Judged.joined(v) for k, v in parts.items()})


def _assessments_by_kind(
    one_by_one: Sequence[Assessment], tables: Sequence, code_of: Callable[[Sequence[str]], np.ndarray]
) -> dict[str, _Judged]:
    """Every other judgement, by rule kind: those made one at a time, and those made a
    table at a time (`AssessmentColumns`). A kind's case ids are numbered in one space
    (`shared_codes`): the case rules make millions of judgements a year, and a number
    takes 8 bytes where a (staff, case) tuple took 60."""
    parts: dict[str, list[tuple]] = defaultdict(list)
    cases: dict[str, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
    rows: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in one_by_one:
        rows[assessment.kind].append(assessment)
    for kind, items in rows.items():
        parts[kind].append(
            (code_of([a.staff_id for a in items]), [a.met for a in items], [a.value for a in items])
        )
        cases[kind].append(factorize_ids(object_array([a.case_id for a in items])))
    for table in tables:
        value = table.value if table.value is not None else np.full(len(table), np.nan)
        parts[table.kind].append((code_of(table.staff_id), table.met, value))
        case = table.case_id
        cases[table.kind].append(
            (case.codes, case.ids) if isinstance(case, Ids) else factorize_ids(object_array(list(case)))
        )
    judged = {}
    for kind, kind_parts in parts.items():
        numbered, _ = shared_codes(*cases.pop(kind))
        judged[kind] = _Judged.joined(
            [
                (
                    staff,
                    np.asarray(met, dtype=bool),
                    np.zeros(len(staff), dtype=bool),
                    np.full(len(staff), -1, dtype=np.int64),
                    case,
                    np.asarray(value, dtype=float),
                )
                for (staff, met, value), case in zip(kind_parts, numbered, strict=True)
            ]
        )
    return defaultdict(lambda: _NOTHING, judged)


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _window_counts(windows: _Judged) -> tuple[int, int, int, int, float | None]:
    met, excused = int(windows.met.sum()), int(windows.excused.sum())
    missed = len(windows) - met - excused
    return len(windows), met, missed, excused, _share(met, len(windows) - excused)


def _met_share(judged: _Judged) -> float | None:
    return _share(int(judged.met.sum()), len(judged))


def _unit_values(y: _YearRun, unit: _Unit) -> dict[str, Value]:
    first, judged = y.first, y.judged
    v: dict[str, Value] = dict.fromkeys(FIGURE_KEYS)

    # Workforce
    at_start = [s for s in unit.members if s.employed_on(first)]
    at_end = [s for s in unit.members if s.employed_on(judged)]
    v["headcount_start"] = len(at_start)
    v["headcount_end"] = len(at_end)
    v["fte_start"] = _fte(at_start)
    v["fte_end"] = _fte(at_end)
    flags = [s.agency for s in at_end if s.agency is not None]
    v["agency_share"] = _share(sum(flags), len(flags))
    v["starters"] = sum(first <= s.start_date <= judged for s in unit.members)
    v["leavers"] = sum(s.end_date is not None and first <= s.end_date <= judged for s in unit.members)

    # Supervision frequency
    windows = unit.select(y.windows["frequency"], y)
    if len(windows):
        keys = ("windows_assessed", "windows_met", "windows_missed", "windows_excused", "compliance")
        v.update(zip(keys, _window_counts(windows), strict=True))

    # Sessions
    v["sessions_held"] = len(unit.pick(y.sessions))
    v["long_session_share"] = _met_share(unit.select(y.assessments["duration"], y))
    gaps = unit.pick(y.gaps)
    v["median_gap_days"] = median(gaps) if gaps else None

    # Annual minimum and missed months
    yearly = unit.select(y.assessments["annual-minimum"], y)
    if len(yearly):
        met = int(yearly.met.sum())
        v["annual_minimum_assessed"] = len(yearly)
        v["annual_minimum_met"] = met
        v["annual_minimum_share"] = met / len(yearly)
    runs_rules = y.rules_of("consecutive-missed")
    under = [
        s
        for s in (y.members if unit.everything else unit.members)
        if (group := y.run.groups.get(s.staff_id)) is not None and any(group.applies(r) for r in runs_rules)
    ]
    if under:
        v["consecutive_missed_runs"] = sum(f.kind == "consecutive-missed" for f in unit.pick(y.findings))

    # Case discussion
    deadlines = unit.select(y.assessments["case-discussion"], y)
    if len(deadlines):
        met = int(deadlines.met.sum())
        v["case_deadlines_judged"] = len(deadlines)
        v["case_deadlines_met"] = met
        v["case_discussion_compliance"] = met / len(deadlines)
        # An allocation (a worker's case) is on time when every one of its deadlines was met.
        pairs = deadlines.staff * (int(deadlines.case.max()) + 1) + deadlines.case
        allocations, which = np.unique(pairs, return_inverse=True)
        late = np.zeros(len(allocations), dtype=bool)
        late[which[~deadlines.met]] = True
        on_time = len(allocations) - int(late.sum())
        v["case_allocations_judged"] = len(allocations)
        v["case_allocations_on_time"] = on_time
        v["case_allocation_compliance"] = on_time / len(allocations)

    # Case recording
    recordings = unit.select(y.assessments["case-recording"], y)
    if len(recordings):
        v["case_recordings_judged"] = len(recordings)
        v["case_recording_within_limit"] = _met_share(recordings)
        days = [d for d in recordings.value.tolist() if not np.isnan(d)]
        v["case_recording_median_days"] = median(days) if days else None

    # Caseload
    if y.open_cases is not None:
        loads = [count for count in unit.pick(y.open_cases) if count]
        if loads:
            v["caseload_workers"] = len(loads)
            v["caseload_mean"] = mean(loads)
            v["caseload_median"] = median(loads)
            v["caseload_max"] = max(loads)

    # Coverage and breaches
    for kind, key in (
        ("agreement", "agreement_coverage"),
        ("appraisal", "appraisal_coverage"),
        ("registration", "registration_coverage"),
    ):
        v[key] = _met_share(unit.select(y.assessments[kind], y))
    professional = unit.select(y.windows["professional-supervision"], y)
    if len(professional):
        v["professional_supervision_coverage"] = _window_counts(professional)[4]
    v["breaches"] = sum(f.severity == "breach" for f in unit.pick(y.findings))

    # The DfE's indicators, for the census population of the unit
    workforce = y.workforce
    if unit.everything:
        workers = workforce.workers
    else:
        workers = y.workers_of(unit)
    v.update(indicators(workers, workforce, whole=unit.everything))
    for figure in FIGURES:
        if not y.covers(figure):
            v[figure.key] = None
    return v


def _fte(staff: Sequence[Staff]) -> float | None:
    recorded = [s.fte for s in staff if s.fte is not None]
    return round(sum(recorded), 6) if recorded else None


def _monthly(y: _YearRun, unit: _Unit) -> list[MonthFigures]:
    frequency = unit.select(y.windows["frequency"], y)
    months = []
    for month in y.year.months():
        windows = frequency.where(frequency.month == month.year * 12 + month.month - 1)
        month_last = min(month + relativedelta(months=1, days=-1), y.judged)
        if not len(windows) or month > y.judged or not y.covers_month(month, month_last):
            months.append(MonthFigures(month))
            continue
        assessed, met, missed, excused, rate = _window_counts(windows)
        months.append(MonthFigures(month, assessed, met, missed, excused, rate))
    return months


def _change(key: str, current: Value, previous: Value) -> Value:
    if current is None or previous is None:
        return None
    if FIGURES_BY_KEY[key].unit == "rate":
        return round((current - previous) * 100, 6)
    difference = current - previous
    return round(difference, 6) if isinstance(difference, float) else difference


def _units_by_breakdown(y: _YearRun) -> dict[str, dict[str, tuple[str, _Unit]]]:
    """breakdown id -> unit id -> (name, unit) for one year, units in display order."""
    teams: dict[str, list[Staff]] = defaultdict(list)
    groups: dict[str, list[Staff]] = defaultdict(list)
    titles: dict[str, str] = {}
    nqsw: list[Staff] = []
    others: list[Staff] = []
    for staff in y.members:
        teams[staff.team.strip()].append(staff)
        group = y.run.groups.get(staff.staff_id)
        group_id = group.id if group is not None else NO_GROUP_ID
        titles[group_id] = (group.title or group.id) if group is not None else NO_GROUP
        groups[group_id].append(staff)
        (nqsw if _nqsw_in(staff, y.first, y.judged) else others).append(staff)
    team_order = sorted(teams, key=lambda t: (t == "", t.casefold(), t))
    pack_order = list(y.pack.groups)
    group_order = sorted(
        groups, key=lambda g: (g == NO_GROUP_ID, pack_order.index(g) if g in pack_order else 0)
    )
    return {
        "service": {"service": ("Whole service", _Unit(y.members, everything=True))},
        "teams": {t: (t or NO_TEAM, _Unit(teams[t])) for t in team_order},
        "role_groups": {g: (titles[g], _Unit(groups[g])) for g in group_order},
        "nqsws": {
            "nqsw": ("NQSWs (ASYE)", _Unit(nqsw)),
            "other": ("Other staff", _Unit(others)),
        },
    }


def _nqsw_in(staff: Staff, first: date, last: date) -> bool:
    """An NQSW on some day from `first` to `last`: the ASYE started on or before `last`
    and its twelve months (packs.is_nqsw) end after `first`."""
    start = staff.asye_start
    return start is not None and start <= last and start + relativedelta(months=12) > first


def build_health_check(
    data: Dataset,
    pack: Pack,
    year: HealthYear,
    as_of: date,
    current: EngineRun,
    previous: EngineRun | None,
    *,
    vacancies: float | None = None,
) -> HealthCheck:
    """Every figure of the health check, from the engine's runs for the year and the
    previous year (None: the data do not reach back). `vacancies`: the FTE vacancies on
    the year's snapshot date, when the user gives them."""
    now = _YearRun(data, pack, year, as_of, current, vacancies)
    before = _YearRun(data, pack, year.previous(), as_of, previous) if previous is not None else None
    return _assemble(pack, year, as_of, now, before)


def _assemble(
    pack: Pack, year: HealthYear, as_of: date, now: _YearRun, before: _YearRun | None
) -> HealthCheck:
    """The health check from the two years' gathered judgements."""
    now_units = _units_by_breakdown(now)
    before_units = _units_by_breakdown(before) if before is not None else {}

    breakdowns = []
    for breakdown_id, title, unit_label in BREAKDOWNS:
        current_units = now_units[breakdown_id]
        earlier_units = before_units.get(breakdown_id, {})
        ids = list(current_units) + [u for u in earlier_units if u not in current_units]
        units = []
        for unit_id in ids:
            name, unit = current_units.get(unit_id) or (earlier_units[unit_id][0], _Unit([]))
            values = _unit_values(now, unit)
            months = _monthly(now, unit)
            prior_values = prior_months = None
            if before is not None:
                prior = earlier_units.get(unit_id, (name, _Unit([])))[1]
                prior_values = _unit_values(before, prior)
                prior_months = _monthly(before, prior)
            changes = {
                key: _change(key, values[key], prior_values[key] if prior_values else None)
                for key in FIGURE_KEYS
            }
            rows = []
            for i, month in enumerate(months):
                earlier = prior_months[i] if prior_months is not None else None
                change = _change("compliance", month.compliance, earlier.compliance if earlier else None)
                rows.append(MonthRow(month, earlier, change))
            units.append(UnitFigures(unit_id, name, values, prior_values, changes, rows))
        breakdowns.append(Breakdown(breakdown_id, title, unit_label, units))

    return HealthCheck(
        supcheck_version=__version__,
        policy=pack.id,
        policy_title=pack.title,
        year=year,
        previous_year=year.previous(),
        previous_has_data=before is not None,
        as_of=as_of,
        judged_on=now.judged,
        previous_judged_on=min(year.previous().last, as_of),
        breakdowns=breakdowns,
        summary=now.run.result.summary,
        previous_summary=before.run.result.summary if before is not None else None,
        not_assessed=list(now.run.result.not_assessed),
        previous_not_assessed=list(before.run.result.not_assessed) if before is not None else [],
        notes=_notes(now, before),
        dfe_source=_source_line(now.workforce),
        previous_dfe_source=_source_line(before.workforce) if before is not None else "",
        no_data=_no_data(now, breakdowns[0].units[0].values),
        previous_no_data=(
            _no_data(before, breakdowns[0].units[0].previous or {})
            if before is not None
            else dict.fromkeys(FIGURE_KEYS, f"the data do not reach back to {year.previous().label}")
        ),
    )


#: The rule kinds a figure is read from (its "rule family").
FIGURE_KINDS: dict[str, tuple[str, ...]] = {
    **{f.key: ("frequency",) for f in FIGURES if f.section == FREQUENCY},
    "long_session_share": ("duration",),
    "median_gap_days": ("frequency",),
    "annual_minimum_assessed": ("annual-minimum",),
    "annual_minimum_met": ("annual-minimum",),
    "annual_minimum_share": ("annual-minimum",),
    "consecutive_missed_runs": ("consecutive-missed",),
    **{f.key: ("case-discussion",) for f in FIGURES if f.section == CASE_DISCUSSION},
    **{f.key: ("case-recording",) for f in FIGURES if f.section == CASE_RECORDING},
    "agreement_coverage": ("agreement",),
    "appraisal_coverage": ("appraisal",),
    "registration_coverage": ("registration",),
    "professional_supervision_coverage": ("professional-supervision",),
}


def _no_data(y: _YearRun, values: dict[str, Value]) -> dict[str, str]:
    """Why each figure the whole service has no value for is "no data", in a phrase."""
    reasons = {}
    not_assessed = {item.rule: item.reason for item in y.run.result.not_assessed}
    for figure in FIGURES:
        key = figure.key
        if values.get(key) is not None:
            continue
        uncovered = [t for t in tables_of(figure) if t in y.uncovered]
        if uncovered and not (figure.section == DFE and y.workforce.source == "census"):
            reasons[key] = (
                f"{y.uncovered[uncovered[0]]}, so it does not cover {_long(y.first)} to {_long(y.judged)}"
            )
        elif figure.section == DFE and key in y.workforce.unknown:
            reasons[key] = y.workforce.unknown[key]
        elif key in FIGURE_KINDS:
            kinds = FIGURE_KINDS[key]
            rules = [rule_id for rule_id, kind in y.kind.items() if kind in kinds]
            if not rules:
                reasons[key] = f"the {y.pack.id} pack has no {' or '.join(kinds)} rule"
            elif all(r in not_assessed for r in rules):
                reasons[key] = "; ".join(f"{r} not assessed: {not_assessed[r]}" for r in rules)
            else:
                reasons[key] = "nobody was judged by the rule in the year"
        elif figure.section == CASELOAD and y.open_cases is None:
            reasons[key] = "there is no allocations table"
        else:
            reasons[key] = "nothing to count"
    return reasons


def _notes(now: _YearRun, before: _YearRun | None) -> list[str]:
    notes = []
    year = now.year
    if now.judged < year.last:
        notes.append(
            f"The {year.label} {year.basis} is not over on the as-of date ({_long(now.judged)}): "
            f"figures cover {_long(year.first)} to {_long(now.judged)}, and staff-level figures "
            "are judged on the as-of date."
        )
    notes.extend(_coverage_notes(now))
    notes.extend(_dfe_notes(now))
    if before is not None:
        notes.extend(_coverage_notes(before))
        notes.extend(_dfe_notes(before))
    notes.extend(_census_notes(now, before))
    if before is None:
        notes.append(
            f"No data for {year.previous().label}: no staff were employed or no supervision "
            'sessions are dated in it, so the previous year\'s figures say "no data".'
        )
    for run in (now, before):
        if run is None:
            continue
        in_post = [s for s in run.members if s.employed_on(run.judged)]
        no_fte = sum(s.fte is None for s in in_post)
        if in_post and 0 < no_fte < len(in_post):
            notes.append(
                f"{run.year.label}: {no_fte} of {len(in_post)} staff in post on {_long(run.judged)} "
                "have no FTE recorded; the FTE figures add up those recorded."
            )
        no_flag = sum(s.agency is None for s in in_post)
        if in_post and 0 < no_flag < len(in_post):
            notes.append(
                f"{run.year.label}: {no_flag} of {len(in_post)} staff in post on {_long(run.judged)} "
                "have no agency flag recorded; the agency share is of those recorded."
            )
    return notes


#: At most this many of a census return's data-quality findings are listed in the notes.
CENSUS_FINDINGS_SHOWN = 10


def _census_notes(now: _YearRun, before: _YearRun | None) -> list[str]:
    """The census returns not used (for another year), and the values of those used that
    could not be read (their data-quality findings)."""
    notes = []
    used = {y.year.last for y in (now, before) if y is not None}
    for census in now.data.census:
        if census.reference_date not in used:
            hint = "" if now.year.type == "census" else " (--year-type census reads it)"
            notes.append(
                f"{census.label} is the census return for {_long(census.reference_date)}, not for "
                f"{now.year.label}{' or ' + before.year.label if before is not None else ''}: not used{hint}."
            )
    labels = {y.workforce.label for y in (now, before) if y is not None and y.workforce.source == "census"}
    bad = [
        f
        for f in now.run.result.findings.rows()
        if f.is_data_quality and f.file in labels and f.column is not None
    ]
    for finding in bad[:CENSUS_FINDINGS_SHOWN]:
        notes.append(finding.message.rstrip("."))
    if len(bad) > CENSUS_FINDINGS_SHOWN:
        notes.append(
            f"... and {len(bad) - CENSUS_FINDINGS_SHOWN} more values of the census return read as blank."
        )
    return notes


def _source_line(workforce: Workforce) -> str:
    if workforce.source == "census":
        return f"the census return {workforce.label} (reference date {_long(workforce.snapshot)})"
    return f"the staff table, {workforce.label}"


def _dfe_notes(y: _YearRun) -> list[str]:
    """What the DfE figures of a year could not be, and why, one sentence per reason."""
    label = y.year.label
    notes = [f"{label}: {note}" for note in y.workforce.notes]
    reasons: dict[str, list[str]] = defaultdict(list)
    for key, reason in y.workforce.unknown.items():
        reasons[reason].append(FIGURES_BY_KEY[key].label.removeprefix("DfE: "))
    for reason, labels in reasons.items():
        notes.append(f"{label}: the DfE {_and(labels)} say no data: {reason}.")
    return notes


def _and(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _coverage_notes(y: _YearRun) -> list[str]:
    """One sentence per export that does not cover the year: which figures say "no data"."""
    notes = []
    census = y.workforce.source == "census"
    for table, why in y.uncovered.items():
        sections = [
            section
            for section in SECTIONS
            if section not in (COVERAGE, DFE) and any(table in tables_of(f) for f in figures_in(section))
        ]
        keys = [f.label.lower() for f in FIGURES if table in tables_of(f) and f.section == COVERAGE]
        dfe = [f.label.removeprefix("DfE: ") for f in figures_in(DFE) if table in KEY_TABLES.get(f.key, ())]
        named = [s.lower() for s in sections] + keys + ([f"DfE {_and(dfe)}"] if dfe and not census else [])
        listed = _and(named)
        if not named and table != "staff":
            continue  # (only DfE figures read it, and they come from the census return)
        if table == "staff":
            what = (
                "every figure but the DfE indicators (from the census return)" if census else "every figure"
            )
        else:
            what = f"the {listed} figures"
        notes.append(
            f"{y.year.label}: {why}, so it does not cover {_long(y.first)} to {_long(y.judged)}: "
            f"{what} for {y.year.label} say no data, and their changes are not comparable."
        )
    return notes


__all__ = [
    "BREAKDOWNS",
    "FIGURES",
    "FIGURES_BY_KEY",
    "FIGURE_KEYS",
    "HEADLINE_KEYS",
    "SECTIONS",
    "Breakdown",
    "Figure",
    "HealthCheck",
    "HealthYear",
    "YEAR_TYPES",
    "YearType",
    "MonthFigures",
    "MonthRow",
    "UnitFigures",
    "build_health_check",
    "check_year",
    "default_year",
    "figures_in",
    "figures_markdown",
    "health_check_from_options",
    "reaches_back",
    "resolve_year",
    "run_health_check",
]
