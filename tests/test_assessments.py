"""Rules record what they judged, met or not, so the health check has its denominators."""

from __future__ import annotations

from datetime import date

from helpers import check, dataset, person, session
from supcheck.models import Allocation, Discussion

D = date
SHROPSHIRE_LIKE = "shropshire"


def test_duration_and_registration_record_every_judgement():
    people = [
        person("S1"),
        person("S2", registration_expires=D(2026, 6, 1)),
        person("M1", role="Team Manager"),
    ]
    sessions = [
        session(D(2026, 6, 3), "S1", duration_minutes=60),
        session(D(2026, 6, 4), "S2", duration_minutes=95),
    ]
    run = check(dataset(people, sessions), D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 10))
    durations = sorted((a.staff_id, a.met, a.value) for a in run.assessments if a.kind == "duration")
    assert durations == [("S1", False, 60), ("S2", True, 95)]
    registration = sorted((a.staff_id, a.met) for a in run.assessments if a.kind == "registration")
    assert registration == [("M1", True), ("S1", True), ("S2", False)]


def test_case_discussion_records_met_and_missed_deadlines():
    worker = person("S1", case_holding=True)
    # Allocated 1 Feb; discussed 20 Mar (deadline 1 Apr met), next deadline 20 May missed
    # (next discussion 1 Jun); open deadline 1 Aug is after as_of.
    allocations = [Allocation(case_id="C1", worker_id="S1", start_date=D(2026, 2, 1))]
    discussions = [Discussion(case_id="C1", worker_id="S1", date=d) for d in (D(2026, 3, 20), D(2026, 6, 1))]
    data = dataset(
        [worker, person("M1", role="Team Manager")],
        [session(D(2026, m, 10), "S1") for m in range(1, 7)],
        allocations=("allocations", allocations, {"case_id", "worker_id", "start_date"}),
        case_discussions=("discussions", discussions, {"case_id", "worker_id", "date"}),
    )
    run = check(data, D(2026, 1, 1), D(2026, 6, 30), D(2026, 7, 10), policy=SHROPSHIRE_LIKE)
    deadlines = [(a.start, a.end, a.met) for a in run.assessments if a.kind == "case-discussion"]
    assert deadlines == [(D(2026, 2, 1), D(2026, 4, 1), True), (D(2026, 3, 20), D(2026, 5, 20), False)]
