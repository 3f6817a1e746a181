"""Cross-table data-quality checks: every unusable row is removed and named, never dropped silently."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import absence, dataset, person, session
from supcheck.integrity import check_integrity
from supcheck.models import Allocation, Appraisal, SourceRef

D = date
AS_OF = D(2026, 7, 15)


def ref(row, file="supervisions.csv"):
    return SourceRef(file=file, row=row)


@pytest.mark.parametrize(
    ("case", "row", "kept", "column", "code"),
    [
        ("known supervisee, in employment", session(D(2026, 6, 1), ref=ref(2)), True, None, None),
        (
            "unknown supervisee",
            session(D(2026, 6, 1), "S9", ref=ref(2)),
            False,
            "supervisee_id",
            "unknown-staff",
        ),
        ("dated on as_of", session(D(2026, 6, 15), ref=ref(2)), True, None, None),
        (
            "the day before the start date",
            session(D(2025, 12, 31), ref=ref(2)),
            False,
            "date",
            "before-start",
        ),
        ("on the start date", session(D(2026, 1, 1), ref=ref(2)), True, None, None),
        ("on the leaving date", session(D(2026, 6, 30), ref=ref(2)), True, None, None),
        (
            "the day after the leaving date",
            session(D(2026, 7, 1), ref=ref(2)),
            False,
            "date",
            "after-leaving",
        ),
    ],
)
def test_session_checks(case, row, kept, column, code):
    data = dataset([person(start=D(2026, 1, 1), end_date=D(2026, 6, 30))], [row])
    as_of = D(2026, 6, 15) if "as_of" in case else AS_OF
    cleaned, findings = check_integrity(data, as_of)
    assert (len(cleaned.sessions) == 1) is kept, case
    assert [(f.column, f.code) for f in findings] == ([] if kept else [(column, code)])


@pytest.mark.parametrize(
    ("case", "row", "booked", "code"),
    [
        ("the day after as_of, employed", session(D(2026, 6, 16), ref=ref(2)), True, None),
        ("on as_of: held, not a booking", session(D(2026, 6, 15), ref=ref(2)), False, None),
        (
            "after as_of and after leaving",
            session(D(2026, 7, 1), ref=ref(2)),
            False,
            "after-leaving",
        ),
        (
            "after as_of, unknown supervisee",
            session(D(2026, 6, 16), "S9", ref=ref(2)),
            False,
            "unknown-staff",
        ),
    ],
)
def test_future_dated_sessions_are_bookings_not_warnings(case, row, booked, code):
    """A session dated after as_of is a diary booking: kept apart, never counted as held,
    and no data-quality warning, unless the row is doubtful for another reason."""
    data = dataset([person(start=D(2026, 1, 1), end_date=D(2026, 6, 30))], [row])
    cleaned, findings = check_integrity(data, D(2026, 6, 15))
    assert [s.session_id for s in cleaned.bookings] == ([row.session_id] if booked else []), case
    assert row.session_id not in [s.session_id for s in cleaned.sessions] or not booked
    assert [f.code for f in findings] == ([] if code is None else [code])


def test_duplicates_first_row_used_later_rows_reported():
    rows = [
        session(D(2026, 6, 1), session_id="A", ref=ref(2)),
        session(D(2026, 6, 1), session_id="A", ref=ref(3)),  # same id
        session(D(2026, 6, 8), session_id="B", ref=ref(4)),
        session(D(2026, 6, 8), session_id="C", ref=ref(5)),  # same content, other id
        session(D(2026, 6, 8), session_id="D", duration_minutes=60, ref=ref(6)),  # differs: kept
    ]
    cleaned, findings = check_integrity(dataset([person()], rows), AS_OF)
    assert [s.session_id for s in cleaned.sessions] == ["A", "B", "D"]
    assert [(f.row, f.column) for f in findings] == [(3, "session_id"), (5, "date")]


def test_generated_session_ids_are_not_compared():
    rows = [
        session(D(2026, 6, 1), session_id="supervisions.csv#2", ref=ref(2)),
        session(D(2026, 6, 2), session_id="supervisions.csv#3", ref=ref(3)),
    ]
    cleaned, findings = check_integrity(dataset([person()], rows), AS_OF)
    assert len(cleaned.sessions) == 2 and findings == []


def test_other_tables_unknown_staff_and_dates_after_as_of():
    allocations = [
        Allocation(case_id="C1", worker_id="S1", start_date=D(2026, 7, 16), ref=ref(2, "allocations.csv")),
        Allocation(case_id="C2", worker_id="X", start_date=D(2026, 1, 1), ref=ref(3, "allocations.csv")),
        Allocation(case_id="C3", worker_id="S1", start_date=AS_OF, ref=ref(4, "allocations.csv")),
    ]
    appraisals = [Appraisal(staff_id="S1", date=D(2026, 8, 1), ref=ref(2, "appraisals.csv"))]
    absences = [absence(D(2026, 8, 1), D(2026, 8, 14))]  # booked leave after as_of: fine
    data = dataset(
        [person()],
        absences=absences,
        allocations=("allocations", allocations, {"case_id", "worker_id", "start_date"}),
        appraisals=("appraisals", appraisals, {"staff_id", "date"}),
    )
    cleaned, findings = check_integrity(data, AS_OF)
    assert [a.case_id for a in cleaned.allocations] == ["C3"]
    assert cleaned.appraisals == [] and len(cleaned.absences) == 1
    assert sorted((f.file, f.row, f.column) for f in findings) == [
        ("allocations.csv", 2, "start_date"),
        ("allocations.csv", 3, "worker_id"),
        ("appraisals.csv", 2, "date"),
    ]


def test_line_manager_not_in_staff_is_reported_and_row_used():
    staff = [
        person("S1", line_manager_id="M9", ref=SourceRef(file="staff.csv", row=5)),
        person("S2", line_manager_id=""),
    ]
    cleaned, findings = check_integrity(dataset(staff), AS_OF)
    assert set(cleaned.staff) == {"S1", "S2"}
    assert [(f.file, f.row, f.column, f.value) for f in findings] == [
        ("staff.csv", 5, "line_manager_id", "M9")
    ]


@pytest.mark.parametrize(
    ("manager_id", "code"),
    [
        (
            "S1",
            "own-line-manager",
        ),
        (
            " S1 ",
            "own-line-manager",
        ),
        ("S2", None),  # someone else in the table
        ("", None),
    ],
)
def test_a_line_manager_who_is_the_person_themself_is_a_warning_and_row_used(manager_id, code):
    staff = [person("S1", line_manager_id=manager_id, ref=SourceRef(file="staff.csv", row=5)), person("S2")]
    cleaned, findings = check_integrity(dataset(staff), AS_OF)
    assert set(cleaned.staff) == {"S1", "S2"}
    assert [(f.severity, f.staff_id, f.column, f.value, f.code) for f in findings] == (
        [] if code is None else [("warning", "S1", "line_manager_id", manager_id, code)]
    )


# ------------------------------------------------------------------ sessions on columns

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from supcheck import integrity  # noqa: E402


def _reference_sessions(data, as_of):
    """The row-by-row session checks the column version replaced: in file order, an
    unknown supervisee, then a date outside employment, then a date after as_of (a
    booking), then a duplicate of an earlier usable row."""
    duplicates = integrity._DuplicateSessions()
    kept, findings, booked = [], [], []
    for s in data.sessions:
        supervisee = data.staff.get(s.supervisee_id)
        if supervisee is None:
            finding = integrity.about_record(
                s,
                "unknown-staff",
                column="supervisee_id",
                value=s.supervisee_id,
                staff_id=s.supervisee_id,
            )
        else:
            finding = integrity._outside_employment(s, supervisee)
            if finding is None and s.date > as_of:
                booked.append(s)  # a booking: not a session, not a doubt
                continue
            finding = finding or duplicates.check(s)
        if finding is None:
            kept.append(s)
        else:
            findings.append(finding)
    return kept, findings, booked


_sessions = st.lists(
    st.builds(
        lambda n, who, boss, day, kind, minutes, sid: session(
            D(2026, 1, 1) + (D(2026, 1, 2) - D(2026, 1, 1)) * day,
            who,
            supervisor_id=boss,
            type=kind,
            duration_minutes=minutes,
            session_id=sid if sid is not None else f"supervisions.csv#{n + 2}",
            ref=ref(n + 2),
        ),
        st.integers(0, 40),
        st.sampled_from(["S1", "S2", "S9"]),  # S9 is not in the staff table
        st.sampled_from(["M1", "M2", ""]),
        st.integers(0, 220),  # some days after S2 leaves, some after as_of
        st.sampled_from(["individual", "group"]),
        st.sampled_from([60.0, 90.0, None]),
        st.one_of(st.none(), st.sampled_from(["A", "B", "C", "supervisions.csv#3"])),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(rows=_sessions)
def test_session_checks_on_columns_match_the_row_by_row_checks(rows):
    """Colliding ids and contents, unknown people, leavers and late dates: the column
    version keeps the same sessions (in the rules' order: supervisee id, date, then file
    order) and bookings (in file order), and names the others in the same findings."""
    rows = [r.model_copy(update={"ref": ref(i + 2)}) for i, r in enumerate(rows)]
    data = dataset([person("S1", start=D(2026, 1, 3)), person("S2", end_date=D(2026, 5, 31))], rows)
    as_of = D(2026, 7, 1)
    expected_kept, expected_findings, expected_booked = _reference_sessions(data, as_of)
    checked, findings = check_integrity(data, as_of)
    assert list(checked.sessions) == sorted(expected_kept, key=lambda s: (s.supervisee_id, s.date, s.ref.row))
    assert list(checked.bookings) == expected_booked
    assert [f for f in findings if f.file == "supervisions.csv"] == expected_findings
