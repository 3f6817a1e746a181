"""Rows to models: every non-blank row is a record or a "row not used" finding."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from supcheck.loaders import load_dataset
from supcheck.models import Absence, Allocation, Appraisal, Discussion, Session, Staff

MESSY = Path(__file__).parent / "fixtures" / "loaders" / "messy"
STAFF = "staff_id,role,start_date\nS001,SW,01/01/2020\n"
SESSIONS = "supervisee_id,date\nS001,04/03/2026\n"


def load(tmp_path: Path, **files: str):
    files.setdefault("staff.csv", STAFF)
    files.setdefault("supervisions.csv", SESSIONS)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_dataset(tmp_path)


def records_by_label(result) -> Counter:
    data = result.dataset
    counts: Counter = Counter()
    for record in [
        *result.dataset.staff.values(),
        *data.sessions,
        *data.absences,
        *data.allocations,
        *data.discussions,
        *data.agreements,
        *data.appraisals,
    ]:
        counts[record.ref.file] += 1
    return counts


def unused_rows(result) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = {}
    for finding in result.findings:
        if finding.message.endswith("row not used."):
            rows.setdefault(finding.file, set()).add(finding.row)
    return rows


def assert_every_row_accounted_for(result) -> None:
    records = records_by_label(result)
    unused = unused_rows(result)
    for info in result.dataset.tables.values():
        used = records[info.label]
        not_used = len(unused.get(info.label, set()))
        assert info.rows_read == used + not_used, (info.label, info.rows_read, used, not_used)


def test_messy_fixture_row_accounting():
    result = load_dataset(MESSY)
    assert_every_row_accounted_for(result)
    tables = result.dataset.tables
    assert (tables["staff"].rows_read, tables["supervisions"].rows_read, tables["absences"].rows_read) == (
        8,
        11,
        4,
    )
    assert [p.ref.row for p in result.dataset.staff.values()] == [5, 6, 7, 11, 12]
    assert [s.ref.row for s in result.dataset.sessions] == [5, 6, 8, 13, 15]
    assert [a.ref.row for a in result.dataset.absences] == [2, 6]
    assert unused_rows(result) == {
        "staff.csv": {8, 9, 10},
        "supervisions.csv": {7, 9, 10, 11, 12, 14},
        "absences.tsv": {3, 4},
    }


def test_messy_fixture_values():
    result = load_dataset(MESSY)
    staff = {p.staff_id: p for p in result.dataset.staff.values()}
    assert staff["S001"].name == "Zoë Adams"
    assert staff["S001"].registered_social_worker is True
    assert staff["S002"].name == "Brown, Bob"
    assert staff["S002"].end_date == date(2026, 12, 31)
    assert staff["S002"].fte == 0.8
    assert staff["S003"].name == "Cara “CC” Cole £"
    assert staff["S003"].end_date is None
    assert staff["M02"].end_date is None  # was before the start date
    sessions = [(s.supervisee_id, s.duration_minutes, s.type, s.status) for s in result.dataset.sessions]
    assert sessions == [
        ("S001", 90.0, "individual", "held"),
        ("S001", 90.0, "group", "held"),  # from start and end times
        ("S002", None, "individual", "cancelled"),
        ("S005", None, "individual", "held"),
        ("S006", 60.0, "informal", "held"),
    ]


def test_messy_fixture_findings():
    result = load_dataset(MESSY)
    assert [(f.file, f.row, f.column, f.code) for f in result.findings] == [
        ("lookup.csv", None, None, "unrecognised-file"),
        ("staff.csv", 4, "Favourite Colour", "unrecognised-column"),
        ("staff.csv", 7, "end_date", "not-a-date"),  # read as blank: still employed
        ("staff.csv", 7, "registered_social_worker", "not-yes-no"),
        ("staff.csv", 7, "fte", "not-a-number"),
        ("staff.csv", 8, "role", "missing-value"),
        ("staff.csv", 9, "staff_id", "missing-value"),
        ("staff.csv", 10, "start_date", "not-a-date"),  # required: row not used
        ("staff.csv", 12, "end_date", "end-before-start"),  # a staff row is kept
        ("supervisions.csv", 7, "date", "not-a-date"),
        ("supervisions.csv", 8, "duration_minutes", "not-a-duration"),
        ("supervisions.csv", 9, "type", "unknown-type"),
        ("supervisions.csv", 10, "status", "unknown-status"),
        ("supervisions.csv", 11, "supervisee_id", "missing-value"),
        ("supervisions.csv", 12, "date", "missing-value"),
        ("supervisions.csv", 13, "end_time", "end-not-after-start"),
        ("supervisions.csv", 14, None, "repeated-header"),
        ("supervisions.csv", 15, "J", "no-header"),
        ("absences.tsv", 3, "end_date", "end-before-start"),  # an absence is not kept
        ("absences.tsv", 4, "end_date", "missing-value"),
    ]
    assert unused_rows(result) == {
        "staff.csv": {8, 9, 10},
        "supervisions.csv": {7, 9, 10, 11, 12, 14},
        "absences.tsv": {3, 4},
    }
    bad_date = result.findings[9]
    assert (
        bad_date.kind,
        bad_date.severity,
        bad_date.file,
        bad_date.row,
        bad_date.column,
        bad_date.value,
        bad_date.staff_id,
    ) == ("data-quality", "warning", "supervisions.csv", 7, "date", "31/02/2026", "S002")
    missing_role = result.findings[5]
    assert (missing_role.column, missing_role.value, missing_role.staff_id) == ("role", None, "S004")
    bad_duration = result.findings[10]
    assert bad_duration.start == date(2026, 4, 1)  # the session's date, for reports


def test_every_table(tmp_path):
    result = load(
        tmp_path,
        **{
            "staff.csv": "Employee Number,Forename,Surname,Job Title,Team,Line Manager,"
            "Start Date,End Date,Case Holder,SWE Registered,Registration Expiry,"
            "ASYE Start Date,Enhanced From,Enhanced Until,FTE,Agency,Email\n"
            "0042,Ann,Lee,Social Worker,East,M1,01/09/2025,,Y,Yes,31/08/2026,"
            "01/09/2025,,,0.8,N,ann@example.org\n",
            "supervisions.csv": "Session ID,Supervisee,Supervisor,Date,Duration,Type,Status,"
            "Interrupted,Supervisee Signed,Supervisor Signed\n"
            "X1,0042,M1,04/03/2026,1h30,Group,Held,no,yes,x\n",
            "absences.csv": "Staff ID,Start Date,End Date,Reason\n0042,1/5/26,14/5/26,Leave\n",
            "allocations.csv": "Child ID,Allocated Worker,Allocation Start Date,"
            "Allocation End Date\nC9,0042,01/01/2026,\n"
            "C8,0042,01/01/2026,later\n",
            "case_discussions.csv": "Case Number,Worker,Discussion Date,Date Recorded,"
            "Supervision ID,Decision Maker\n"
            "C9,0042,04/03/2026,06/03/2026,X1,M1\n",
            "agreements.csv": "Employee Number,Supervisor,Date Signed,Supervisee Signed,"
            "Supervisor Signed\n0042,M1,10/09/2025,Y,Y\n",
            "appraisals.csv": "Employee Number,Appraisal Date\n0042,2025-11-30\n",
        },
    )
    data = result.dataset
    ref = data.staff["0042"].ref
    assert data.staff["0042"] == Staff(
        ref=ref,
        staff_id="0042",
        name="Ann Lee",
        role="Social Worker",
        team="East",
        line_manager_id="M1",
        start_date=date(2025, 9, 1),
        case_holding=True,
        registered_social_worker=True,
        registration_expires=date(2026, 8, 31),
        asye_start=date(2025, 9, 1),
        fte=0.8,
        agency=False,
        email="ann@example.org",
    )
    assert data.sessions == [
        Session(
            ref=data.sessions[0].ref,
            session_id="X1",
            supervisee_id="0042",
            supervisor_id="M1",
            date=date(2026, 3, 4),
            duration_minutes=90,
            type="group",
            status="held",
            interrupted=False,
            signed_by_supervisee=True,
            signed_by_supervisor=True,
        )
    ]
    assert data.absences == [
        Absence(
            ref=data.absences[0].ref,
            staff_id="0042",
            start_date=date(2026, 5, 1),
            end_date=date(2026, 5, 14),
            reason="Leave",
        )
    ]
    assert [(a.case_id, a.end_date) for a in data.allocations] == [("C9", None), ("C8", None)]
    assert isinstance(data.allocations[0], Allocation)
    assert data.discussions == [
        Discussion(
            ref=data.discussions[0].ref,
            case_id="C9",
            worker_id="0042",
            date=date(2026, 3, 4),
            recorded_date=date(2026, 3, 6),
            session_id="X1",
            decided_by="M1",
        )
    ]
    assert data.agreements[0].signed_date == date(2025, 9, 10)
    assert data.agreements[0].signed_by_supervisor is True
    assert data.appraisals == [
        Appraisal(ref=data.appraisals[0].ref, staff_id="0042", date=date(2025, 11, 30))
    ]
    assert [(f.row, f.column, f.code) for f in result.findings] == [(3, "end_date", "not-a-date")]
    assert result.findings[0].message.endswith("read as blank (no end date: treated as still allocated).")
    assert result.findings[0].case_id == "C8"
    assert result.findings[0].staff_id == "0042"
    assert data.tables["staff"].columns == {
        "staff_id",
        "name",
        "role",
        "team",
        "line_manager_id",
        "start_date",
        "end_date",
        "case_holding",
        "registered_social_worker",
        "registration_expires",
        "asye_start",
        "enhanced_from",
        "enhanced_until",
        "fte",
        "agency",
        "email",
    }
    assert_every_row_accounted_for(result)


def test_models_are_valid_pydantic_models(tmp_path):
    result = load_dataset(MESSY)
    for record in [*result.dataset.staff.values(), *result.dataset.sessions, *result.dataset.absences]:
        assert type(record).model_validate(record.model_dump()) == record


def test_defaults_when_status_and_type_columns_are_absent_or_blank(tmp_path):
    result = load(
        tmp_path,
        **{"supervisions.csv": "supervisee_id,date,type,status\nS001,04/03/2026,,\nS001,05/03/2026,  ,  \n"},
    )
    assert [(s.type, s.status) for s in result.dataset.sessions] == [("individual", "held")] * 2
    result = load(tmp_path, **{"supervisions.csv": SESSIONS})
    assert (result.dataset.sessions[0].type, result.dataset.sessions[0].status) == ("individual", "held")
    assert result.dataset.tables["supervisions"].columns == {"supervisee_id", "date"}


def test_session_ids_generated_only_when_missing(tmp_path):
    result = load(
        tmp_path,
        **{"supervisions.csv": "session_id,supervisee_id,date\nA1,S001,04/03/2026\n,S001,05/03/2026\n"},
    )
    assert [s.session_id for s in result.dataset.sessions] == ["A1", "supervisions.csv#3"]


def test_duration_from_times_only_when_duration_blank(tmp_path):
    result = load(
        tmp_path,
        **{
            "supervisions.csv": "supervisee_id,date,duration,start time,end time\n"
            "S001,04/03/2026,45,09:00,11:00\n"
            "S001,05/03/2026,,9.30am,11am\n"
            "S001,06/03/2026,,09:00,\n"
            "S001,07/03/2026,,25:00,10:00\n"
        },
    )
    assert [s.duration_minutes for s in result.dataset.sessions] == [45, 90, None, None]
    assert [(f.row, f.column, f.value, f.code) for f in result.findings] == [
        (5, "start_time", "25:00", "not-a-time")
    ]
    assert "duration_minutes" in result.dataset.tables["supervisions"].columns


def test_null_words_blank_optional_values_quietly(tmp_path):
    result = load(
        tmp_path,
        **{"staff.csv": "staff_id,role,start_date,end_date,fte,agency\nS001,SW,01/01/2020,N/A,-,n/a\n"},
    )
    person = result.dataset.staff["S001"]
    assert (person.end_date, person.fte, person.agency) == (None, None, None)
    assert result.findings == []


def test_null_words_in_optional_ids_are_blank_but_kept_in_required_ids(tmp_path):
    result = load(
        tmp_path,
        **{
            "staff.csv": "staff_id,role,start_date,line_manager_id\nS001,SW,01/01/2020,N/A\n"
            "NA,SW,01/01/2020,-\n",
            "supervisions.csv": "supervisee_id,supervisor_id,date\nS001,n/a,04/03/2026\n",
        },
    )
    assert [(p.staff_id, p.line_manager_id) for p in result.dataset.staff.values()] == [
        ("S001", ""),
        ("NA", ""),
    ]
    assert result.dataset.sessions[0].supervisor_id == ""
    assert result.findings == []


def test_null_word_in_a_required_date_is_reported(tmp_path):
    result = load(tmp_path, **{"supervisions.csv": "supervisee_id,date\nS001,N/A\n"})
    assert [(f.row, f.column, f.value, f.code) for f in result.findings] == [(2, "date", "N/A", "not-a-date")]
    assert unused_rows(result) == {"supervisions.csv": {2}}


def test_several_problems_in_one_row_are_all_named(tmp_path):
    result = load(tmp_path, **{"supervisions.csv": "supervisee_id,date,status\n,soon,maybe\n"})
    assert [(f.row, f.column, f.code) for f in result.findings] == [
        (2, "supervisee_id", "missing-value"),
        (2, "date", "not-a-date"),
        (2, "status", "unknown-status"),
    ]
    assert_every_row_accounted_for(result)


def test_scientific_notation_ids_are_flagged(tmp_path):
    result = load(tmp_path, **{"supervisions.csv": "supervisee_id,date\n1.23457E+11,04/03/2026\n"})
    assert result.dataset.sessions[0].supervisee_id == "1.23457E+11"
    assert [(f.row, f.column, f.value, f.code) for f in result.findings] == [
        (2, "supervisee_id", "1.23457E+11", "scientific-id")
    ]


def test_duplicate_staff_ids_are_reported_and_duplicate_sessions_kept_for_integrity(tmp_path):
    result = load(
        tmp_path,
        **{
            "staff.csv": STAFF + "S001,Manager,01/01/2021\n",
            "supervisions.csv": SESSIONS + "S001,04/03/2026\n",
        },
    )
    assert result.dataset.staff["S001"].role == "SW"  # the first row
    assert len(result.dataset.sessions) == 2  # duplicates are judged by supcheck.integrity
    assert [(f.file, f.row, f.column, f.value, f.code) for f in result.findings] == [
        ("staff.csv", 3, "staff_id", "S001", "duplicate-staff")
    ]


@pytest.mark.parametrize(
    ("header", "cell", "minutes"),
    [
        ("Duration (hours)", "2", 120),
        ("Duration (mins)", "2", 2),
        ("Duration", "2", 120),
        ("Duration", "45", 45),
        ("Minutes", "1.5", 1.5),
    ],
)
def test_duration_unit_from_header(tmp_path, header, cell, minutes):
    result = load(tmp_path, **{"supervisions.csv": f"supervisee_id,date,{header}\nS001,04/03/2026,{cell}\n"})
    assert result.dataset.sessions[0].duration_minutes == minutes


def test_invariant_on_a_large_generated_file(tmp_path):
    lines = ["supervisee_id,date,duration,status,type"]
    dates = ["04/03/2026", "31/02/2026", "", "2026-03-05", "soon"]
    statuses = ["held", "DNA", "planned", "", "cancelled"]
    types = ["1:1", "group", "peer", "", "informal", "x"]
    durations = ["90", "abc", "", "1:30", "0"]
    for i in range(600):
        ident = "" if i % 37 == 0 else f"S{i % 50:03d}"
        lines.append(f"{ident},{dates[i % 5]},{durations[i % 4]},{statuses[i % 5]},{types[i % 6]}")
        if i % 11 == 0:
            lines.append(",,,,")
    result = load(tmp_path, **{"supervisions.csv": "\n".join(lines) + "\n"})
    assert result.dataset.tables["supervisions"].rows_read == 600
    assert_every_row_accounted_for(result)
    assert isinstance(result.dataset.sessions[0], Session)


def test_a_case_id_in_both_case_tables_is_held_once(tmp_path, monkeypatch):
    """Allocations and case discussions name the same cases: after loading, a discussion's
    case id is the allocation's very string (at national size, 185 MB not held twice)."""
    from supcheck.loaders import dataset

    monkeypatch.setattr(dataset, "SHARE_MIN_IDS", 1)  # (shared from 65,536 distinct ids)
    result = load(
        tmp_path,
        **{
            "allocations.csv": "case_id,worker_id,start_date\nC-1001,S001,01/01/2026\nC-1002,S001,01/01/2026\n",
            "case_discussions.csv": "case_id,worker_id,date\nC-1002,S001,04/03/2026\nC-9,S001,04/03/2026\n",
        },
    )
    allocated = result.dataset.allocations.uniques["case_id"].tolist()
    discussed = result.dataset.discussions.uniques["case_id"].tolist()
    assert list(result.dataset.discussions["case_id"]) == ["C-1002", "C-9"]  # values unchanged
    assert [any(d is a for a in allocated) for d in discussed] == [True, False]
