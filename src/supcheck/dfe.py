"""The DfE's children's social work workforce indicators, by the DfE's definitions.

The Department for Education publishes, for every local authority, figures from the
Children's Social Work Workforce (CSWW) census: the social workers in post on
30 September, starters and leavers in the year to 30 September, turnover, agency,
vacancy and absence rates and the average caseload. The health check shows the same
figures beside its own all-staff ones, so that a quality-assurance lead can publish them
side by side with the DfE's and an inspector can compare. Their definitions are the
`DFE` figures of `healthcheck.FIGURES` (one place, which the reports and
docs/healthcheck.md are made from).

The census population is the authority's registered children and family social
workers, agency workers included (counted apart). supcheck finds it in one of two
sources, each giving a `Workforce` of `Worker`s for one year:

- a **census return** (`loaders.census`) for the year, when DATA holds one: its
  `CSWWWorker`s are the population, as the DfE counts it;
- otherwise the **staff table**: the staff whose role group (the pack group the engine
  matched on J) is a social-work post, that is a group with `requires_registration`
  (the registration rule's own marker), and anyone else recorded as a registered social
  worker (a yes in `registered_social_worker`, or a well-formed Social Work England
  number). Caseloads come from the allocations table, sickness from the absences table.

Nothing here reads a table: `workforce_from_staff` and `workforce_from_census` turn the
rows into workers, and `indicators` only counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .workdays import working_days_between

Value = int | float | None

#: Absence reasons read as sickness (folded to lower case, searched as words): the
#: words HR systems use, and the census's own code `SIC`.
SICKNESS = re.compile(r"\b(sick|sickness|sick leave|illness|ill|ill health|unwell|sic)\b")


def is_sickness(reason: str) -> bool:
    return bool(SICKNESS.search(reason.casefold()))


def working_days(first: date, last: date) -> int:
    """Weekdays from `first` to `last` inclusive, less England bank holidays (`workdays`):
    253 in census year 2025 (1 October 2024 to 30 September 2025)."""
    return working_days_between(first - timedelta(days=1), last)


@dataclass(frozen=True)
class Worker:
    """One person of the census population, as the DfE counts them."""

    id: str  # the staff id, or `CSWWWorker 3` in a census return
    staff_id: str | None  # the staff row (a census worker's, joined by SWE number)
    agency: bool
    fte: float | None  # on the snapshot date, or on leaving
    start: date | None  # None: before the year (not a starter)
    end: date | None  # None: still in post
    cases: int | None = None  # cases held on the snapshot date (None: not known)
    days_lost: float | None = None  # working days lost to sickness in the year

    def in_post(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


@dataclass
class Workforce:
    """The census population of one year from one source, and what it cannot tell.

    `unknown` maps a figure key to why it is "no data" for this source (no vacancies
    given, no allocations table, ...); `notes` are the sentences the report adds."""

    source: str  # "census" or "staff"
    label: str  # the file the figures come from
    first: date
    snapshot: date
    workers: list[Worker]
    working_days: int
    vacancies: float | None = None
    #: The census return's LA-level agency totals (FTE, headcount), used for the whole
    #: service when it lists no agency worker of its own.
    agency_totals: tuple[float | None, int | None] | None = None
    unknown: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _fte(workers: Iterable[Worker]) -> float | None:
    """Sum of the recorded FTE; 0 for nobody; None when there are people and no FTE."""
    people = list(workers)
    recorded = [w.fte for w in people if w.fte is not None]
    if people and not recorded:
        return None
    return round(float(sum(recorded)), 6)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def indicators(workers: Sequence[Worker], workforce: Workforce, *, whole: bool) -> dict[str, Value]:
    """Every DfE figure for these workers (`whole`: the whole service, which alone has the
    authority's vacancies and LA-level agency totals). A figure the source cannot tell
    (`workforce.unknown`) is None."""
    first, day = workforce.first, workforce.snapshot
    in_post = [w for w in workers if w.in_post(day)]
    employed = [w for w in in_post if not w.agency]
    agency = [w for w in in_post if w.agency]
    v: dict[str, Value] = {}
    v["dfe_headcount"] = len(employed)
    v["dfe_fte"] = fte = _fte(employed)
    agency_fte: float | None
    if whole and not agency and workforce.agency_totals is not None:
        agency_fte, v["dfe_agency_headcount"] = workforce.agency_totals
    else:
        v["dfe_agency_headcount"] = len(agency)
        agency_fte = _fte(agency)
    v["dfe_agency_fte"] = agency_fte
    starters = [w for w in workers if not w.agency and w.start is not None and first <= w.start <= day]
    leavers = [w for w in workers if not w.agency and w.end is not None and first <= w.end <= day]
    v["dfe_starters"] = len(starters)
    v["dfe_starters_fte"] = _fte(starters)
    v["dfe_leavers"] = len(leavers)
    v["dfe_leavers_fte"] = leavers_fte = _fte(leavers)
    v["dfe_turnover_rate"] = _ratio(leavers_fte, fte)
    both = None if agency_fte is None or fte is None else agency_fte + fte
    v["dfe_agency_rate"] = _ratio(agency_fte, both)
    vacancies = workforce.vacancies if whole else None
    v["dfe_vacancies_fte"] = vacancies
    v["dfe_vacancy_rate"] = None if vacancies is None or fte is None else _ratio(vacancies, vacancies + fte)

    holders = [w for w in in_post if w.cases is not None and w.cases >= 1]
    v["dfe_cases"] = sum(w.cases for w in holders)  # type: ignore[misc]
    counted = [w for w in holders if w.fte is not None]
    v["dfe_case_holder_fte"] = holder_fte = _fte(counted) if counted else (None if holders else 0.0)
    v["dfe_caseload"] = _ratio(sum(w.cases for w in counted), holder_fte)  # type: ignore[misc]

    absent = [w for w in employed if w.fte is not None and w.days_lost is not None]
    v["dfe_working_days"] = workforce.working_days
    days = round(sum(w.days_lost for w in absent), 6)  # type: ignore[misc]
    v["dfe_days_lost"] = days if absent or not employed else None
    absent_fte = _fte(absent)
    available = None if absent_fte is None else absent_fte * workforce.working_days
    v["dfe_absence_rate"] = _ratio(days, available) if absent else None

    for key in workforce.unknown:
        v[key] = None
    return v


#: DfE figures a source may be unable to give, by what they need.
FTE_KEYS: tuple[str, ...] = (
    "dfe_fte",
    "dfe_agency_fte",
    "dfe_starters_fte",
    "dfe_leavers_fte",
    "dfe_turnover_rate",
    "dfe_agency_rate",
    "dfe_vacancy_rate",
    "dfe_case_holder_fte",
    "dfe_caseload",
    "dfe_days_lost",
    "dfe_absence_rate",
)
AGENCY_KEYS: tuple[str, ...] = ("dfe_agency_headcount", "dfe_agency_fte", "dfe_agency_rate")
CASE_KEYS: tuple[str, ...] = ("dfe_cases", "dfe_case_holder_fte", "dfe_caseload")
ABSENCE_KEYS: tuple[str, ...] = ("dfe_days_lost", "dfe_absence_rate")
VACANCY_KEYS: tuple[str, ...] = ("dfe_vacancies_fte", "dfe_vacancy_rate")


# ---------------------------------------------------------------- from the staff table


def workforce_from_staff(
    staff: Iterable,
    *,
    first: date,
    snapshot: date,
    label: str,
    social_work_post: Mapping[str, bool],
    open_cases: Mapping[str, int] | None,
    sickness: Mapping[str, list[tuple[date, date]]] | None,
    vacancies: float | None,
    unknown: Mapping[str, str],
) -> Workforce:
    """The census population of a year from the staff table (see the module docstring).

    `social_work_post`: staff id -> whether the person's group requires registration;
    `open_cases`: staff id -> distinct cases open on the snapshot date (None: no
    allocations table); `sickness`: staff id -> sickness absences (None: not known).
    A day of sickness counts the person's FTE (a day a 0.6 FTE worker would have worked
    is 0.6 of an FTE day), so that days lost and days available are both FTE days."""
    workers = []
    no_flag = no_fte = 0
    for person in staff:
        if not (social_work_post.get(person.staff_id) or person.registered_social_worker is True):
            continue
        if person.start_date > snapshot or (person.end_date is not None and person.end_date < first):
            continue
        lost = None
        if sickness is not None and person.fte is not None:
            days = 0
            for start, end in sickness.get(person.staff_id, ()):
                a, b = max(start, first, person.start_date), min(end, snapshot)
                if person.end_date is not None:
                    b = min(b, person.end_date)
                if a <= b:
                    days += working_days(a, b)
            lost = days * person.fte
        in_post = person.employed_on(snapshot)
        no_flag += in_post and person.agency is None
        no_fte += in_post and person.fte is None
        workers.append(
            Worker(
                id=person.staff_id,
                staff_id=person.staff_id,
                agency=person.agency is True,
                fte=person.fte,
                start=person.start_date,
                end=person.end_date,
                cases=open_cases.get(person.staff_id, 0) if open_cases is not None and in_post else None,
                days_lost=lost,
            )
        )
    workforce = Workforce(
        source="staff",
        label=label,
        first=first,
        snapshot=snapshot,
        workers=workers,
        working_days=working_days(first, snapshot),
        vacancies=vacancies,
        unknown=dict(unknown),
    )
    in_post = sum(w.in_post(snapshot) for w in workers)
    if no_flag:
        workforce.notes.append(
            f"{no_flag} of {in_post} social workers in post have no agency flag in {label}; "
            "the DfE figures count them as employed by the authority."
        )
    if no_fte:
        workforce.notes.append(
            f"{no_fte} of {in_post} social workers in post have no FTE in {label}; the DfE FTE "
            "figures add up those recorded, and their caseloads and absence are left out."
        )
    return workforce


# ---------------------------------------------------------------- from a census return


def _people(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def workforce_from_census(
    census: Any,
    *,
    first: date,
    staff: Iterable | None,
    vacancies: float | None,
) -> Workforce:
    """The census population of the year a census return (`loaders.census.CensusReturn`)
    is for, as the return gives it: every `CSWWWorker`.

    FTE: on the reference date `FTE30` when given, else `FTE`; for someone not in post
    then (a leaver), `FTE`. Cases held: `Cases30`; days lost: `WorkingDaysLost`, as
    reported. Vacancies: `NumberOfVacancies`, unless `vacancies` (the user's) is given.
    With `staff` (the staff table), each worker is joined to the staff row with the same
    Social Work England number, for the breakdowns by team, group and NQSW."""
    day = census.reference_date
    label = census.label
    by_number: dict[str, list[str]] = {}
    for person in staff or ():
        if person.registration_number:
            by_number.setdefault(person.registration_number, []).append(person.staff_id)
    workers = []
    for worker in census.workers:
        start, end = worker.role_start, worker.role_end
        current = (start is None or start <= day) and (end is None or end >= day)
        fte = worker.fte30 if current and worker.fte30 is not None else worker.fte
        owners = by_number.get(worker.swe_number or "", [])
        workers.append(
            Worker(
                id=worker.name,
                staff_id=owners[0] if len(owners) == 1 else None,
                agency=worker.agency is True,
                fte=fte,
                start=start,
                end=end,
                cases=worker.cases30,
                days_lost=worker.days_lost,
            )
        )
    made = Workforce(
        source="census",
        label=label,
        first=first,
        snapshot=day,
        workers=workers,
        working_days=working_days(first, day),
        vacancies=vacancies if vacancies is not None else census.vacancies,
        agency_totals=(
            (census.agency_fte, census.agency_headcount)
            if census.agency_fte is not None or census.agency_headcount is not None
            else None
        ),
    )
    given = census.given
    unknown = made.unknown
    if made.vacancies is None:
        unknown.update(dict.fromkeys(VACANCY_KEYS, f"{label} has no NumberOfVacancies and none were given"))
    elif vacancies is not None and census.vacancies is not None and vacancies != census.vacancies:
        made.notes.append(
            f"--vacancies {vacancies:g} is used for the DfE vacancy figures; {label} says "
            f"{census.vacancies:g} (NumberOfVacancies)."
        )
    if not given & {"FTE", "FTE30"}:
        unknown.update(dict.fromkeys(FTE_KEYS, f"{label} gives no FTE or FTE30"))
    if "AgencyWorker" not in given and made.agency_totals is None:
        unknown.update(dict.fromkeys(AGENCY_KEYS, f"{label} gives no AgencyWorker or NoAgencyFTE"))
    if "Cases30" not in given:
        unknown.update(dict.fromkeys(CASE_KEYS, f"{label} gives no Cases30"))
    if "WorkingDaysLost" not in given:
        unknown.update(dict.fromkeys(ABSENCE_KEYS, f"{label} gives no WorkingDaysLost"))
    in_post = [w for w in workers if w.in_post(day)]
    listed_agency = [w for w in in_post if w.agency]
    listed_fte = _fte(listed_agency) or 0.0
    if listed_agency and census.agency_fte is not None and abs(listed_fte - census.agency_fte) > 1e-6:
        made.notes.append(
            f"{label} lists {_people(len(listed_agency), 'agency worker')} in post (they are counted) and "
            f"gives NoAgencyFTE {census.agency_fte:g} (not used), not their {listed_fte:g} FTE."
        )
    if staff is not None:
        twice = sorted(n for n, ids in by_number.items() if len(ids) > 1)
        if twice:
            made.notes.append(
                f"Social Work England numbers on more than one staff row ({', '.join(twice[:5])}"
                f"{', ...' if len(twice) > 5 else ''}): their census workers are not joined to a staff row."
            )
        apart = [w for w in in_post if w.staff_id is None]
        if apart:
            made.notes.append(
                f"{len(apart)} of {len(in_post)} workers in post in {label} have no Social Work England "
                "number found in the staff table: they count in the whole service's DfE figures only, "
                "not in a team's, role group's or the NQSWs'."
            )
        numbers = {w.swe_number for w in census.workers if w.swe_number}
        missing = [
            p
            for p in staff
            if p.registration_number and p.employed_on(day) and p.registration_number not in numbers
        ]
        if missing:
            made.notes.append(
                f"{len(missing)} staff in post on {day.day} {day:%B %Y} with a Social Work England number "
                f"are not in {label}."
            )
    return made


__all__ = [
    "ABSENCE_KEYS",
    "AGENCY_KEYS",
    "CASE_KEYS",
    "FTE_KEYS",
    "SICKNESS",
    "VACANCY_KEYS",
    "Worker",
    "Workforce",
    "indicators",
    "is_sickness",
    "working_days",
    "workforce_from_census",
    "workforce_from_staff",
]
