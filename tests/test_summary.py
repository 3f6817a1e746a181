"""The compliance rate and the summary by team: counted once, by the engine.

Expectations by hand: a monthly-supervised social worker has one window per calendar
month of the quarter April-June 2026."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import check, dataset, person, session
from supcheck.engine import summarise

D = date
Q2 = (D(2026, 4, 1), D(2026, 6, 30))
AS_OF = D(2026, 7, 15)
APRIL, MAY, JUNE = D(2026, 4, 15), D(2026, 5, 15), D(2026, 6, 15)


@pytest.mark.parametrize(
    ("met", "excused", "missed", "rate"),
    [
        (3, 0, 1, 0.75),
        (3, 1, 1, 0.75),  # an excused window is in neither numerator nor denominator
        (5, 0, 0, 1.0),
        (0, 0, 2, 0.0),
        (0, 2, 0, None),  # only excused windows: no rate, not 100%
        (0, 0, 0, None),  # nothing assessed: no rate, not 0%
    ],
)
def test_compliance_is_met_over_assessed_less_excused(met, excused, missed, rate):
    summary = summarise({"met": met, "excused": excused, "missed": missed}, [], 1)
    assert summary.windows_assessed == met + excused + missed
    assert summary.compliance == rate


def _data():
    manager = person("M1", role="Social Worker", name="Mina Manager", team="South")
    staff = [
        manager,
        person("S1", team="North", line_manager_id="M1"),
        person("S2", team="North", line_manager_id="M1"),
        person("S3", team="South", line_manager_id="M1"),
        person("S4", team="", line_manager_id="NOBODY"),
    ]
    sessions = [
        *(session(day, "S1") for day in (APRIL, MAY, JUNE)),
        session(APRIL, "S2"),
        *(session(day, "M1", supervisor_id="S1") for day in (APRIL, MAY, JUNE)),
        session(MAY, "S4"),
    ]
    return dataset(staff, sessions)


# team -> (staff, windows assessed, met, missed, compliance)
EXPECTED = {
    "North": (2, 6, 4, 2, 4 / 6),  # S1 all three; S2 April only
    "South": (2, 6, 3, 3, 0.5),  # M1 all three; S3 none
    "": (1, 3, 1, 2, 1 / 3),  # S4 May only; no team: last
}


@pytest.mark.parametrize("scoped", [False, True], ids=["everyone", "named staff"])
def test_summary_by_team(scoped):
    """The same counts whether the windows are kept as columns (a run for everyone) or
    listed (a run limited to named staff)."""
    staff = {"M1", "S1", "S2", "S3", "S4"} if scoped else None
    result = check(_data(), *Q2, AS_OF, staff=staff).result
    got = {
        t.team: (
            t.summary.staff,
            t.summary.windows_assessed,
            t.summary.windows_met,
            t.summary.windows_missed,
            t.summary.compliance,
        )
        for t in result.teams
    }
    assert got == EXPECTED
    assert [t.team for t in result.teams] == ["North", "South", ""]
    assert result.summary.compliance == pytest.approx(8 / 15)
    north = result.teams[0].summary
    assert north.breaches == 2  # S2's May and June
    assert sum(t.summary.breaches for t in result.teams) == result.summary.breaches


def test_findings_carry_the_line_manager():
    result = check(_data(), *Q2, AS_OF).result
    managers = {(f.staff_id, f.line_manager_id, f.line_manager_name) for f in result.findings if f.staff_id}
    assert ("S2", "M1", "Mina Manager") in managers
    assert ("S4", "NOBODY", "") in managers  # a manager not in the staff table: the id alone
